"""Accounts: everyone changes their own password (12 characters at least); the District
administrator creates users, gives roles and schools, deactivates (never deletes) and unlocks,
and cannot reach a superuser's powers or give more than they hold."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sro_program import roles
from sro_program.models import SchoolMembership, SignInThrottle
from tests.factories import UserFactory

User = get_user_model()
NEW_PASSWORD = "a long new passphrase"


def group(name):
    return Group.objects.get(name=name)


@pytest.mark.parametrize("persona", ["staff_a", "sro_user", "board_member", "custodian",
                                     "district_admin", "superintendent", "site_admin_a"])
def test_every_user_can_change_their_own_password(persona, request):
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    short = client.post(url, {"old_password": "pw-for-tests-1", "new_password1": "short-pw-11",
                              "new_password2": "short-pw-11"})
    assert short.status_code == 200
    assert "at least 12 characters" in short.content.decode()
    done = client.post(url, {"old_password": "pw-for-tests-1", "new_password1": NEW_PASSWORD,
                             "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_page_links_to_the_password_change(as_user, staff_a):
    assert reverse("password_change") in as_user(staff_a).get(reverse("dashboard")).content.decode()


ADD = "/admin/auth/user/add/"


def change_data(user, **overrides):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "school_memberships-TOTAL_FORMS": "1", "school_memberships-INITIAL_FORMS": "0",
        "school_memberships-MIN_NUM_FORMS": "0", "school_memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_district_admin_creates_a_user_and_gives_a_role_and_a_school(
    as_user, district_admin, school_a
):
    client = as_user(district_admin)
    response = client.post(ADD, {"username": "new.staff", "usable_password": "true",
                                 "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                 "school_memberships-TOTAL_FORMS": "0",
                                 "school_memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.context["errors"]
    user = User.objects.get(username="new.staff")
    url = reverse("admin:auth_user_change", args=[user.pk])
    response = client.post(url, change_data(user, groups=[group(roles.STAFF).pk],
                                            **{"school_memberships-0-school": school_a.pk}))
    assert response.status_code == 302, response.context["errors"]
    assert list(user.groups.values_list("name", flat=True)) == [roles.STAFF]
    assert SchoolMembership.objects.filter(user=user, school=school_a).exists()
    assert not User.objects.get(pk=user.pk).is_superuser


def test_district_admin_cannot_create_or_touch_superusers(as_user, district_admin):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = as_user(district_admin)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code \
        in (302, 404)
    assert "root" not in client.get(reverse("admin:auth_user_changelist")).content.decode()
    staff = UserFactory(username="plain", role=roles.STAFF)
    url = reverse("admin:auth_user_change", args=[staff.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    client.post(url, change_data(staff, is_superuser="on"))
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_district_admin_gives_only_roles_within_their_own_permissions(
    as_user, district_admin
):
    top = Group.objects.create(name="Everything")
    from django.contrib.auth.models import Permission

    top.permissions.set(Permission.objects.all())
    staff = UserFactory(username="plain", role=roles.STAFF)
    client = as_user(district_admin)
    url = reverse("admin:auth_user_change", args=[staff.pk])
    response = client.post(url, change_data(staff, groups=[top.pk]))
    assert response.status_code == 200  # refused as an invalid choice
    assert not staff.groups.filter(pk=top.pk).exists()


def test_district_admin_cannot_change_their_own_roles(as_user, district_admin):
    client = as_user(district_admin)
    url = reverse("admin:auth_user_change", args=[district_admin.pk])
    page = client.get(url).content.decode()
    assert 'name="groups"' not in page and 'name="is_staff"' not in page
    before = set(district_admin.groups.values_list("pk", flat=True))
    client.post(url, change_data(district_admin, groups=[g.pk for g in Group.objects.all()]))
    assert set(district_admin.groups.values_list("pk", flat=True)) == before


def test_accounts_are_deactivated_never_deleted(as_user, district_admin):
    staff = UserFactory(username="leaver", role=roles.STAFF)
    client = as_user(district_admin)
    changelist = reverse("admin:auth_user_changelist")
    assert client.get(reverse("admin:auth_user_delete", args=[staff.pk])).status_code == 403
    client.post(changelist, {"action": "deactivate", "_selected_action": [staff.pk,
                                                                         district_admin.pk]})
    staff.refresh_from_db()
    district_admin.refresh_from_db()
    assert not staff.is_active and district_admin.is_active
    assert User.objects.filter(pk=staff.pk).exists()


def test_district_admin_unlocks_a_locked_out_user(as_user, district_admin):
    staff = UserFactory(username="locked", role=roles.STAFF)
    for _ in range(5):
        Client().post(reverse("login"), {"username": "locked", "password": "wrong"})
    SignInThrottle.objects.update_or_create(
        username="locked", defaults={"paused_until": timezone.now() + dt.timedelta(minutes=5)})
    assert AccessAttempt.objects.filter(username="locked").exists()
    as_user(district_admin).post(reverse("admin:auth_user_changelist"),
                                 {"action": "unlock", "_selected_action": [staff.pk]})
    assert not AccessAttempt.objects.filter(username="locked").exists()
    assert not SignInThrottle.objects.filter(username="locked").exists()
    response = Client().post(reverse("login"), {"username": "locked",
                                                "password": "pw-for-tests-1"})
    assert response.status_code == 302


def test_other_roles_cannot_manage_accounts(as_user, staff_a, superintendent):
    for user in (staff_a, superintendent):
        assert as_user(user).get(ADD).status_code in (302, 403)


def test_last_sign_in_and_date_joined_are_shown_not_edited(as_user, district_admin):
    """They are facts about the account: a posted value is ignored."""
    user = UserFactory(username="clerk")
    joined = user.date_joined
    url = reverse("admin:auth_user_change", args=[user.pk])
    client = as_user(district_admin)
    page = client.get(url).content.decode()
    assert 'name="date_joined_0"' not in page and 'name="last_login_0"' not in page
    response = client.post(url, change_data(user, date_joined_0="2001-01-01",
                                            last_login_0="2001-01-01",
                                            last_login_1="08:00:00"))
    assert response.status_code == 302, response.context["errors"]
    user.refresh_from_db()
    assert user.date_joined == joined and user.last_login is None
