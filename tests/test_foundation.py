import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sro_program.models import School
from tests.factories import SchoolFactory

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["mous", "sro_program", "interactions", "reports", "audit"]


def test_cds_code_must_be_14_digits(db):
    school = School(cds_code="3367157000001", name="Short")
    with pytest.raises(ValidationError) as exc:
        school.full_clean()
    assert "14 digits" in str(exc.value)
    SchoolFactory(cds_code="33671570000011").full_clean()


@pytest.mark.parametrize("app", LAYERS)
def test_lower_apps_never_import_higher_ones(app):
    higher = LAYERS[LAYERS.index(app) + 1 :]
    offenders = []
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in higher:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content
    assert b"vendor/bootstrap/css/bootstrap.min.css" in response.content
    assert b"cdn" not in response.content.lower()


def test_dashboard_lists_only_own_schools(as_user, staff_a, school_a, school_b):
    response = as_user(staff_a).get("/")
    assert response.status_code == 200
    assert school_a.name in response.text
    assert school_b.name not in response.text


def test_district_admin_sees_all_schools(as_user, district_admin, school_a, school_b):
    text = as_user(district_admin).get("/").text
    assert school_a.name in text and school_b.name in text


def test_staff_of_one_school_get_404_for_another_schools_object(
    as_user, staff_a, staff_b, school_a
):
    # The school's admin change page is scoped by for_user; staff are not admin users though,
    # so check the scoping rule directly as every view uses it.
    assert list(School.objects.for_user(staff_b)) != [school_a]
    assert school_a in School.objects.for_user(staff_a)


def test_board_member_cannot_reach_admin(as_user, board_member):
    response = as_user(board_member).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = as_user(board_member).get("/admin/mous/mou/")
    assert response.status_code == 302


def test_login_throttled_after_repeated_failures(client, staff_a):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "staff_a", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "staff_a", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content


def test_idle_session_expires(client, staff_a, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(staff_a)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = session["last_seen"] - 3600
    session.save()
    assert client.get("/").status_code == 302


def test_roles_exist_with_permissions(db):
    from django.contrib.auth.models import Group

    from sro_program import roles

    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    supt = Group.objects.get(name=roles.SUPERINTENDENT)
    assert supt.permissions.filter(codename="approve_mou").exists()
    assert not Group.objects.get(name=roles.STAFF).permissions.filter(
        codename="approve_mou"
    ).exists()


def test_production_deploy_check_passes(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-the-check",
        "ALLOWED_HOSTS": "sro.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_builds_district(db):
    from django.core.management import call_command

    from mous.models import Agency
    from sro_program.models import Officer

    call_command("seed_demo", "--force", "--students", "200", "--interactions", "300")
    assert School.objects.count() == 6
    assert School.objects.filter(name__icontains="Continuation").exists()
    assert Agency.objects.count() == 1
    assert Officer.objects.filter(sworn=True).count() >= 5
    from django.contrib.auth import get_user_model

    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {"district.admin", "superintendent", "site.admin", "staff", "staff2", "sro",
            "custodian", "board"} <= usernames


def test_seed_demo_refused_without_debug(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
