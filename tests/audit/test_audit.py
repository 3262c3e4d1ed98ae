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
