"""Two MOUs created at once for one agency take turns for their version numbers."""

import threading

import pytest
from django.db import connection

from mous.models import MOU
from mous.services import mou_create
from sro_program import roles
from tests.factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks between real connections "
                              "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_creations_get_distinct_versions():
    agency = AgencyFactory()
    user = UserFactory(username="race.admin", role=roles.DISTRICT_ADMIN, is_staff=True)
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def create(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            mou_create(mou=MOU(agency=agency, title=f"Draft {n}"), acting_user=user)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(MOU.objects.filter(agency=agency).values_list("version", flat=True)) == [
        1, 2, 3, 4]
