"""The authorization core (authz): every model's declared scope, the system check, the
admin (history views included) for a staff-flagged site administrator, and a student enrolled
at two schools in two years. Part of the authorization matrix (see test_authorization_matrix).
"""


import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import Http404

from authz import core
from authz.checks import check_scopes_declared, project_app_configs
from interactions import services
from interactions.models import DisclosureLogEntry, Interaction, RecordAccessRequest
from interactions.record_access import record_access_request
from reports.models import EnrollmentCount
from sro_program import roles
from sro_program.models import School
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    InteractionFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)


def project_models():
    return [m for c in project_app_configs() for m in c.get_models()]


# Declared scopes and the system check ---------------------------------------------------------


def test_every_project_model_declares_a_scope_and_the_check_passes():
    models = project_models()
    assert len(models) > 20
    for model in models:
        assert isinstance(core.scope_of(model), core.SCOPE_TYPES), model
    assert check_scopes_declared() == []
    call_command("check")


def test_school_paths_lead_to_a_school():
    for model in project_models():
        scope = core.scope_of(model)
        if isinstance(scope, core.SchoolScope):
            target = model
            for part in scope.path.split("__"):
                if part == "pk":
                    break
                target = target._meta.get_field(part).related_model
            assert target is School, (model, scope.path)


def test_a_model_without_a_declaration_fails_the_check(monkeypatch):
    monkeypatch.delattr(EnrollmentCount, "authz_scope")
    errors = check_scopes_declared()
    assert [e.id for e in errors] == ["authz.E001"]
    assert "reports.EnrollmentCount declares no authorization scope" in errors[0].msg
    with pytest.raises(SystemCheckError, match="EnrollmentCount"):
        call_command("check")


def test_undeclared_model_is_refused_not_listed(monkeypatch, db):
    """Fail-closed at run time too: restrict and the admin raise instead of listing all."""
    monkeypatch.delattr(EnrollmentCount, "authz_scope")
    user = UserFactory(username="core.supt", role=roles.SUPERINTENDENT)
    with pytest.raises(ImproperlyConfigured):
        EnrollmentCount.objects.restrict(user, "view")


def test_every_admin_goes_through_the_core():
    from authz.admin import ScopedAdminMixin

    plain = [m._meta.label for m, ma in admin.site._registry.items()
             if m._meta.app_config in list(project_app_configs())
             and not isinstance(ma, ScopedAdminMixin)]
    assert plain == []


# restrict and get_for_action -------------------------------------------------------------------


@pytest.fixture
def two_schools(db):
    a = SchoolFactory(name="Alpha High School", cds_code="33671570000011")
    b = SchoolFactory(name="Bravo High School", cds_code="33671570000029")
    return a, b


def test_restrict_checks_permission_and_rows_in_one_call(two_schools):
    a, b = two_schools
    ia, ib = InteractionFactory(school=a), InteractionFactory(school=b)
    staff = UserFactory(username="core.staff", role=roles.STAFF, schools=[a])
    sro = UserFactory(username="core.sro", role=roles.SRO, schools=[a])
    custodian = UserFactory(username="core.cust", role=roles.RECORDS_CUSTODIAN)
    assert list(Interaction.objects.restrict(staff, "change")) == [ia]
    assert list(Interaction.objects.restrict(sro, "view")) == [ia]
    assert list(Interaction.objects.restrict(sro, "change")) == []  # no permission
    assert list(Interaction.objects.restrict(custodian, "view")) == []  # district-wide, no perm
    assert set(EnrollmentCount.objects.restrict(staff, "view")) == set()
    assert ib not in Interaction.objects.restrict(staff, "view")


def test_get_for_action_404_outside_403_when_seeing_but_not_acting(two_schools):
    a, b = two_schools
    ia, ib = InteractionFactory(school=a), InteractionFactory(school=b)
    staff = UserFactory(username="core.staff2", role=roles.STAFF, schools=[a])
    sro = UserFactory(username="core.sro2", role=roles.SRO, schools=[a])
    board = UserFactory(username="core.board", role=roles.BOARD_MEMBER)
    assert core.get_for_action(staff, Interaction, "change", pk=ia.pk) == ia
    with pytest.raises(Http404):
        core.get_for_action(staff, Interaction, "change", pk=ib.pk)
    with pytest.raises(PermissionDenied):
        core.get_for_action(sro, Interaction, "change", pk=ia.pk)
    with pytest.raises(Http404):
        core.get_for_action(sro, Interaction, "change", pk=ib.pk)
    with pytest.raises(PermissionDenied):  # no permission at all: 403 without a lookup
        core.get_for_action(board, Interaction, "view", pk=ia.pk)


def test_enrollment_counts_are_scoped(two_schools):
    a, b = two_schools
    EnrollmentCount.objects.create(school_year="2025-26", school=a, dimension="all",
                                   group="all", count=100)
    EnrollmentCount.objects.create(school_year="2025-26", school=b, dimension="all",
                                   group="all", count=200)
    site = UserFactory(username="core.site", role=roles.SITE_ADMIN, schools=[a])
    site.user_permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(codename="view_enrollmentcount"))
    site = type(site).objects.get(pk=site.pk)
    assert [c.count for c in EnrollmentCount.objects.restrict(site, "view")] == [100]


# Services re-check through the core -------------------------------------------------------------


@pytest.fixture
def outsider_case(two_schools):
    a, b = two_schools
    staff_a = UserFactory(username="core.staff_a", role=roles.STAFF, schools=[a])
    interaction = InteractionFactory(school=a, status=Interaction.Status.DRAFT,
                                     logged_by=staff_a)
    site_b = UserFactory(username="core.site_b", role=roles.SITE_ADMIN, schools=[b])
    staff_b = UserFactory(username="core.staff_b", role=roles.STAFF, schools=[b])
    return interaction, site_b, staff_b


def _data_of(interaction):
    return {f: getattr(interaction, f) for f in services.FIELDS}


def test_services_refuse_another_schools_interaction(outsider_case):
    interaction, site_b, staff_b = outsider_case
    calls = [
        lambda: services.interaction_void(interaction=interaction, acting_user=site_b,
                                          reason="Not ours"),
        lambda: services.interaction_submit(interaction=interaction, acting_user=staff_b),
        lambda: services.interaction_update(interaction=interaction, data=_data_of(interaction),
                                            acting_user=staff_b,
                                            expected_version=interaction.version),
        lambda: services.interaction_review(interaction=interaction, acting_user=site_b),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    interaction.refresh_from_db()
    assert (interaction.voided, interaction.status) == (False, Interaction.Status.DRAFT)


def test_record_access_services_recheck_scope(two_schools):
    from interactions.record_access import record_access_decide

    a, b = two_schools
    student = StudentFactory()
    EnrollmentFactory(student=student, school=a)
    officer = AssignmentFactory(school=a).officer
    staff_a = UserFactory(username="core.ra_staff", role=roles.STAFF, schools=[a])
    request = record_access_request(
        student=student, school=a, agency=officer.agency, officer=officer,
        records_requested="Attendance", legitimate_interest="Truancy",
        basis="school_official", acting_user=staff_a)
    assert RecordAccessRequest.objects.restrict(staff_a, "view").get() == request
    # A custodian decides (district-wide); a site administrator of B cannot, whatever it holds.
    site_b = UserFactory(username="core.ra_site_b", role=roles.SITE_ADMIN, schools=[b])
    site_b.user_permissions.add(apps.get_model("auth", "Permission").objects.get(
        codename="decide_recordaccessrequest"))
    site_b = type(site_b).objects.get(pk=site_b.pk)
    with pytest.raises(PermissionDenied):
        record_access_decide(request=request, decision="granted", acting_user=site_b)
    assert DisclosureLogEntry.objects.filter(request=request).count() == 1
    with pytest.raises(ValidationError):
        record_access_decide(request=request, decision="maybe",
                             acting_user=UserFactory(username="core.ra_cust",
                                                     role=roles.RECORDS_CUSTODIAN))
    request.refresh_from_db()
    assert request.status == RecordAccessRequest.Status.PENDING


def _with_perms(user, *codenames):
    Permission = apps.get_model("auth", "Permission")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_program_services_recheck_scope(two_schools):
    """A school-bound user given the permissions still cannot act on another school's rows."""
    from sro_program import services as program
    from sro_program.models import PresentationRequest

    a, b = two_schools
    assignment_b = AssignmentFactory(school=b)
    request_b = PresentationRequest.objects.create(
        school=b, officer=assignment_b.officer, topic="Bike safety", audience="classroom",
        date=dt.date(2030, 1, 9))
    site_a = _with_perms(UserFactory(username="core.site_a", role=roles.SITE_ADMIN, schools=[a]),
                         "approve_presentation", "change_assignment")
    with pytest.raises(PermissionDenied):
        program.presentation_decide(request=request_b, decision="approved", acting_user=site_a)
    with pytest.raises(PermissionDenied):
        program.assignment_update(assignment=assignment_b, acting_user=site_a,
                                  end_date=dt.date(2029, 6, 30))
    request_b.refresh_from_db()
    assignment_b.refresh_from_db()
    assert (request_b.status, assignment_b.end_date) == ("pending", None)


# Roles in code ----------------------------------------------------------------------------------


def test_database_roles_are_exactly_the_matrix(db):
    """After the migrations the groups hold exactly the module's permissions."""
    from django.contrib.auth.models import Group

    for role in roles.ALL_ROLES:
        held = {f"{ct}.{code}" for ct, code in Group.objects.get(name=role).permissions
                .filter(content_type__app_label__in=roles.MATRIX_APPS)
                .values_list("content_type__app_label", "codename")}
        assert held == set(roles.ROLE_PERMISSIONS[role]), role
    call_command("sync_roles", "--check")


def test_sync_roles_repairs_drift(db):
    from django.contrib.auth.models import Group, Permission

    staff = Group.objects.get(name=roles.STAFF)
    staff.permissions.add(Permission.objects.get(codename="view_unsuppressed"))
    staff.permissions.remove(Permission.objects.get(codename="add_interaction"))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sync_roles", "--check")
    call_command("sync_roles")
    call_command("sync_roles", "--check")
    assert not staff.permissions.filter(codename="view_unsuppressed").exists()


def test_designee_decision_and_readme_roles_table():
    from pathlib import Path

    from django.conf import settings

    for perm in roles.DESIGNEE_DECISIONS:
        assert perm in roles.ROLE_PERMISSIONS[roles.DISTRICT_ADMIN]
        assert perm in roles.ROLE_PERMISSIONS[roles.SUPERINTENDENT]
    for only in ("reports.publish_report", "reports.view_unsuppressed"):
        holders = [r for r, perms in roles.ROLE_PERMISSIONS.items() if only in perms]
        assert holders == [roles.SUPERINTENDENT]
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    table = readme.split("## Roles", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip()
            for line in table.splitlines() if line.startswith("| ") and "---" not in line}
    rows.pop("role", None)
    assert rows == roles.ROLE_DESCRIPTIONS
