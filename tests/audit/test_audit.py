import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from interactions.models import DisclosureLogEntry
from sro_program.models import School
from tests.factories import StudentFactory


@pytest.fixture
def history_as():
    """Attribute history records to a user, as HistoryRequestMiddleware does for a request."""

    def _set(obj, user):
        obj._history_user = user
        return obj

    return _set


def test_create_and_change_are_recorded_with_before_and_after(district_admin, history_as):
    school = history_as(School(cds_code="33671570000037", name="Old Name"), district_admin)
    school.save()
    school.name = "New Name"
    history_as(school, district_admin).save()
    events = list(AuditEvent.objects.filter(model="school", object_id=str(school.pk)))
    assert [e.action for e in events] == ["change", "create"]
    assert events[0].changes == {"name": ["Old Name", "New Name"]}
    assert events[1].changes["name"] == [None, "Old Name"]
    assert events[0].username == district_admin.username


def test_audit_outlives_deleted_user(district_admin, history_as):
    school = history_as(School(cds_code="33671570000045", name="Delta"), district_admin)
    school.save()
    get_user_model().objects.filter(pk=district_admin.pk).delete()
    event = AuditEvent.objects.get(model="school", object_id=str(school.pk))
    assert event.user is None
    assert event.username == "dadmin"


def test_disclosure_is_recorded(custodian):
    student = StudentFactory()
    DisclosureLogEntry.objects.create(
        student=student, kind="disclosure", basis="court_order", requester="Det. Ruiz",
        agency="Valle Verde PD", records="Attendance 2025-26", recorded_by=custodian,
    )
    event = AuditEvent.objects.get(action="disclosure")
    assert event.username == "custodian"
    assert event.changes["basis"] == [None, "court_order"]


def test_audit_page_is_for_district_administrators(as_user, district_admin, staff_a, board_member,
                                                   client, history_as):
    history_as(School(cds_code="33671570000052", name="Echo High"), district_admin).save()
    response = as_user(district_admin).get("/audit/", {"username": "dadm", "model": "school"})
    assert response.status_code == 200
    assert "Echo High" in response.text
    assert as_user(district_admin).get("/audit/", {"username": "nobody"}).text.count(
        "Echo High") == 0
    assert as_user(staff_a).get("/audit/").status_code == 403
    assert as_user(board_member).get("/audit/").status_code == 403
    assert client.get("/audit/").status_code == 302


def test_audit_admin_is_read_only(as_user, district_admin, history_as):
    from django.contrib.auth.models import Permission

    district_admin.user_permissions.add(
        Permission.objects.get(codename="view_auditevent")
    )
    history_as(School(cds_code="33671570000060", name="Foxtrot"), district_admin).save()
    event = AuditEvent.objects.get(object_repr="Foxtrot")
    client = as_user(district_admin)
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {}).status_code == 403


def test_audit_page_shows_labels_not_codes(as_user, district_admin, custodian):
    """Field labels, choice labels and names of related records, not snake_case and ids."""
    student = StudentFactory()
    DisclosureLogEntry.objects.create(
        student=student, kind="disclosure", basis="court_order", requester="Det. Ruiz",
        agency="Valle Verde PD", records="Attendance 2025-26", recorded_by=custodian,
    )  # fmt: skip
    html = as_user(district_admin).get("/audit/").text
    table = html.split("<tbody>")[1]
    assert "Court order or subpoena" in table and "court_order" not in table
    assert "<strong>Basis</strong>" in table


def test_each_event_records_its_school_and_the_log_is_restricted(db, as_user):
    """A school-bound holder of the audit permission sees only its schools' events;
    district-wide records (MOUs, students...) only district-wide roles."""
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from sro_program import roles
    from tests.factories import InteractionFactory, SchoolFactory, UserFactory

    a = SchoolFactory(name="Alpha High School")
    b = SchoolFactory(name="Bravo High School")
    logger = UserFactory(username="audit.logger", role=roles.STAFF, schools=[a, b])
    ia = InteractionFactory(school=a, logged_by=logger)
    ib = InteractionFactory(school=b, logged_by=logger)
    event_a = AuditEvent.objects.get(model="interaction", object_id=str(ia.pk))
    event_b = AuditEvent.objects.get(model="interaction", object_id=str(ib.pk))
    assert (event_a.school, event_b.school) == (a, b)
    student_event = AuditEvent.objects.filter(model="student").first()
    assert student_event is not None and student_event.school is None
    site = UserFactory(username="audit.site", role=roles.SITE_ADMIN, schools=[a])
    site.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    site = get_user_model().objects.get(pk=site.pk)
    visible = set(AuditEvent.objects.restrict(site, "view"))
    assert event_a in visible and event_b not in visible and student_event not in visible
    page = as_user(site).get(reverse("audit:log"), {"model": "interaction"})
    assert page.status_code == 200
    ids = {e.pk for e in page.context["page"].object_list}
    assert event_a.pk in ids and event_b.pk not in ids
    supt = UserFactory(username="audit.supt", role=roles.SUPERINTENDENT)
    assert {event_a, event_b, student_event} <= set(AuditEvent.objects.restrict(supt, "view"))
