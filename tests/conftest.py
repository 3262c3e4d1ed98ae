"""Personas as fixtures: who may and may not see each page."""

import os

import pytest
from django.test import Client

from sro_program import roles
from tests.factories import SchoolFactory, UserFactory


def _compile_catalogues() -> None:
    """`make test` compiles the message catalogues; a bare pytest run compiles a stale one
    here, so the Spanish pages are tested against the .po files in the repository."""
    from pathlib import Path

    import polib

    for po_path in Path(__file__).resolve().parent.parent.glob("locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


_compile_catalogues()

# Live-server browser tests call the ORM from the test thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (public pages, per-client rate limits)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def school_a(db):
    return SchoolFactory(name="Alpha High School", cds_code="33671570000011")


@pytest.fixture
def school_b(db):
    return SchoolFactory(name="Bravo High School", cds_code="33671570000029")


@pytest.fixture
def district_admin(db):
    return UserFactory(username="dadmin", role=roles.DISTRICT_ADMIN, is_staff=True)


@pytest.fixture
def superintendent(db):
    return UserFactory(username="supt", role=roles.SUPERINTENDENT, is_staff=True)


@pytest.fixture
def site_admin_a(db, school_a):
    return UserFactory(username="siteadmin_a", role=roles.SITE_ADMIN, schools=[school_a])


@pytest.fixture
def staff_a(db, school_a):
    return UserFactory(username="staff_a", role=roles.STAFF, schools=[school_a])


@pytest.fixture
def staff_b(db, school_b):
    return UserFactory(username="staff_b", role=roles.STAFF, schools=[school_b])


@pytest.fixture
def sro_user(db, school_a):
    return UserFactory(username="sro_a", role=roles.SRO, schools=[school_a])


@pytest.fixture
def custodian(db):
    return UserFactory(username="custodian", role=roles.RECORDS_CUSTODIAN)


@pytest.fixture
def board_member(db):
    return UserFactory(username="board", role=roles.BOARD_MEMBER)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """as_user(user) -> a test client signed in as that user."""
    return _client_for
