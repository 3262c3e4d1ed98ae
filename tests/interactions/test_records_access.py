"""FERPA record access: requests, the custodian's decision, and the append-only disclosure log."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interactions.models import DisclosureLogEntry, RecordAccessRequest
from interactions.record_access import (
    disclosure_correct,
    record_access_decide,
    record_access_request,
)
from tests.factories import AgencyFactory, EnrollmentFactory, OfficerFactory, UserFactory

Kind = DisclosureLogEntry.Kind


@pytest.fixture
def student(school_a):
    return EnrollmentFactory(
        school=school_a, student__student_id="S700001", student__last_name="Garcia"
    ).student


@pytest.fixture
def officer(db):
    return OfficerFactory(agency=AgencyFactory(ori="CA0331900", name="Valle Verde PD"))


def make_request(student, school, officer, user, **overrides):
    fields = dict(
        student=student, school=school, agency=officer.agency, officer=officer,
        records_requested="Attendance, fall 2025", legitimate_interest="Truancy follow-up",
        basis="school_official", acting_user=user,
    )
    return record_access_request(**{**fields, **overrides})


# Services ------------------------------------------------------------------------------------


def test_request_and_grant_are_logged(student, school_a, officer, staff_a, custodian):
    req = make_request(student, school_a, officer, staff_a)
    assert req.status == "pending"
    [logged] = DisclosureLogEntry.objects.filter(student=student)
    assert logged.kind == Kind.REQUEST and logged.basis == "school_official"
    assert "requested by" in logged.requester and officer.badge_number in logged.requester

    record_access_decide(
        request=req, decision="granted", acting_user=custodian,
        access_date=timezone.localdate(), further_parties="Probation department",
    )
    req.refresh_from_db()
    assert req.status == "granted"
    granted = DisclosureLogEntry.objects.get(student=student, kind=Kind.GRANTED)
    assert granted.decided_by.endswith("(custodian)")
    assert granted.access_date == timezone.localdate()
    assert granted.further_parties == "Probation department"
    assert granted.recorded_by == custodian

    with pytest.raises(ValidationError, match="already decided"):
        record_access_decide(request=req, decision="denied", acting_user=custodian, note="x")


def test_emergency_needs_threat_and_other_law_needs_citation(
    student, school_a, officer, staff_a
):
    with pytest.raises(ValidationError) as exc:
        make_request(student, school_a, officer, staff_a, basis="health_safety_emergency")
    assert "articulable and significant threat" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        make_request(student, school_a, officer, staff_a, basis="other_law")
    assert "legal_citation" in exc.value.message_dict
    assert not RecordAccessRequest.objects.exists()
    assert not DisclosureLogEntry.objects.exists()

    req = make_request(
        student, school_a, officer, staff_a, basis="health_safety_emergency",
        threat_description="Student posted a specific threat to bring a weapon tomorrow.",
    )
    assert "weapon" in req.log_entries.get().note


def test_emergency_without_threat_is_refused_by_the_database_too(
    student, school_a, officer, staff_a
):
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordAccessRequest.objects.create(
            student=student, school=school_a, agency=officer.agency, records_requested="x",
            legitimate_interest="y", basis="health_safety_emergency",
        )


def test_staff_cannot_decide_and_outsiders_cannot_request(
    student, school_a, officer, staff_a, staff_b, board_member
):
    req = make_request(student, school_a, officer, staff_a)
    with pytest.raises(PermissionDenied):
        record_access_decide(request=req, decision="granted", acting_user=staff_a)
    with pytest.raises(PermissionDenied):  # not their school
        make_request(student, school_a, officer, staff_b)
    with pytest.raises(PermissionDenied):  # no permission at all
        make_request(student, school_a, officer, board_member)


def test_denial_needs_a_reason_and_access_is_not_dated_ahead(
    student, school_a, officer, staff_a, custodian
):
    req = make_request(student, school_a, officer, staff_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        record_access_decide(
            request=req, decision="granted", acting_user=custodian, access_date=tomorrow
        )
    with pytest.raises(ValidationError) as exc:
        record_access_decide(request=req, decision="denied", acting_user=custodian)
    assert "note" in exc.value.message_dict
    record_access_decide(request=req, decision="denied", acting_user=custodian, note="No basis")
    denied = DisclosureLogEntry.objects.get(kind=Kind.DENIED)
    assert denied.access_date is None and denied.note == "No basis"


def test_officer_must_belong_to_the_agency(student, school_a, officer, staff_a):
    with pytest.raises(ValidationError, match="agency"):
        make_request(student, school_a, officer, staff_a, agency=AgencyFactory())


# The log is append-only ----------------------------------------------------------------------


@pytest.fixture
def entry(student, school_a, officer, staff_a):
    return make_request(student, school_a, officer, staff_a).log_entries.get()


def test_log_entry_refuses_save_and_delete(entry):
    entry.note = "rewritten"
    with pytest.raises(ValidationError, match="append-only"):
        entry.save()
    with pytest.raises(ValidationError, match="append-only"):
        entry.delete()
    entry.refresh_from_db()
    assert entry.note == ""


def test_log_queryset_refuses_bulk_update_and_delete(entry):
    with pytest.raises(ValidationError):
        DisclosureLogEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(ValidationError):
        DisclosureLogEntry.objects.all().delete()
    with pytest.raises(ValidationError):
        entry.note = "x"
        DisclosureLogEntry.objects.bulk_update([entry], ["note"])
    assert DisclosureLogEntry.objects.get(pk=entry.pk).note == ""


def test_correction_is_a_new_entry(entry, custodian, staff_a):
    correction = disclosure_correct(entry=entry, note="Wrong records listed", acting_user=custodian)
    assert correction.pk != entry.pk and correction.corrects == entry
    assert correction.kind == Kind.CORRECTION
    assert DisclosureLogEntry.objects.count() == 2
    with pytest.raises(PermissionDenied):
        disclosure_correct(entry=entry, note="x", acting_user=staff_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureLogEntry.objects.create(student=entry.student, kind=Kind.CORRECTION)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_admin_cannot_change_add_or_delete_log_entries(as_user, entry, superuser):
    client = as_user(superuser)
    change = reverse("admin:interactions_disclosurelogentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.text and "deletelink" not in page.text
    assert client.post(change, {"note": "rewritten"}).status_code == 403
    delete = reverse("admin:interactions_disclosurelogentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:interactions_disclosurelogentry_add")
    assert client.get(add).status_code == 403
    changelist = client.get(reverse("admin:interactions_disclosurelogentry_changelist"))
    assert "delete_selected" not in changelist.text
    assert DisclosureLogEntry.objects.get(pk=entry.pk).note == ""


def test_admin_request_is_read_only_and_grant_goes_through_service(
    as_user, student, school_a, officer, staff_a, superuser
):
    req = make_request(student, school_a, officer, staff_a)
    client = as_user(superuser)
    change = reverse("admin:interactions_recordaccessrequest_change", args=[req.pk])
    assert client.post(change, {"status": "granted"}).status_code == 403
    response = client.post(
        reverse("admin:interactions_recordaccessrequest_changelist"),
        {"action": "grant_today", "_selected_action": [req.pk]},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "granted"
    assert req.log_entries.filter(kind=Kind.GRANTED, decided_by__contains="root").exists()


# Pages ---------------------------------------------------------------------------------------


def test_staff_requests_through_the_form(as_user, student, officer, staff_a):
    client = as_user(staff_a)
    url = reverse("interactions:record_access_new")
    assert client.get(url).status_code == 200
    data = {
        "student_id": "S700001", "agency": officer.agency.pk, "officer": officer.pk,
        "basis": "health_safety_emergency", "records_requested": "Schedule",
        "legitimate_interest": "Locate the student",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "articulable and significant threat" in response.text
    assert not RecordAccessRequest.objects.exists()

    response = client.post(url, {**data, "threat_description": "Armed person on campus"})
    req = RecordAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interactions:record_access_detail", args=[req.pk])
    assert req.school == student.enrollments.get().school and req.requested_by == staff_a


def test_form_refuses_a_student_of_another_school(as_user, student, officer, staff_b):
    response = as_user(staff_b).post(
        reverse("interactions:record_access_new"),
        {"student_id": "S700001", "agency": officer.agency.pk, "basis": "school_official",
         "records_requested": "x", "legitimate_interest": "y"},
    )
    assert response.status_code == 200
    assert "No student with this ID is enrolled at your schools" in response.text


def test_decide_page_custodian_only(
    as_user, student, school_a, officer, staff_a, staff_b, custodian
):
    req = make_request(student, school_a, officer, staff_a)
    decide = reverse("interactions:record_access_decide", args=[req.pk])
    detail = reverse("interactions:record_access_detail", args=[req.pk])
    assert as_user(staff_a).get(detail).status_code == 200
    assert as_user(staff_a).get(decide).status_code == 403
    assert as_user(staff_a).post(decide, {"decision": "granted"}).status_code == 403
    assert as_user(staff_b).get(detail).status_code == 404
    assert as_user(staff_b).get(decide).status_code == 404

    client = as_user(custodian)
    assert client.get(decide).status_code == 200
    assert client.post(decide, {"decision": "denied"}).status_code == 200  # needs a reason
    response = client.post(decide, {"decision": "granted", "further_parties": "=HYPERLINK()"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "granted"


def test_request_list_is_scoped(
    as_user, student, school_a, school_b, officer, staff_a, staff_b, custodian, board_member
):
    make_request(student, school_a, officer, staff_a)
    url = reverse("interactions:record_access_list")
    assert "S700001" in as_user(staff_a).get(url).text
    assert "S700001" in as_user(custodian).get(url).text
    assert "S700001" not in as_user(staff_b).get(url).text
    assert as_user(board_member).get(url).status_code == 403
    assert "Record access" in as_user(staff_a).get("/").text  # navigation entry


def test_disclosure_log_page_and_exports(
    as_user, student, school_a, officer, staff_a, staff_b, site_admin_a, custodian
):
    req = make_request(
        student, school_a, officer, staff_a, legitimate_interest="-1+1 looks like a formula"
    )
    record_access_decide(request=req, decision="granted", acting_user=custodian)
    log = reverse("interactions:disclosure_log", args=["S700001"])
    assert as_user(staff_b).get(log).status_code == 404
    assert as_user(staff_a).get(log).status_code == 403  # staff see students, not the log
    page = as_user(site_admin_a).get(log)
    assert page.status_code == 200 and "Access granted" in page.text

    response = as_user(custodian).get(reverse("interactions:disclosure_log_csv", args=["S700001"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Entry ID", "Student ID", "Recorded", "Entry"]
    assert [r[3] for r in rows[1:]] == ["Request", "Access granted"]
    assert rows[1][8] == "'-1+1 looks like a formula"
    assert as_user(staff_b).get(
        reverse("interactions:disclosure_log_csv", args=["S700001"])
    ).status_code == 404

    pdf = as_user(custodian).get(reverse("interactions:disclosure_log_pdf", args=["S700001"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_custodian_corrects_from_the_log_page(as_user, entry, custodian, site_admin_a):
    url = reverse("interactions:disclosure_correct", args=["S700001", entry.pk])
    assert as_user(site_admin_a).post(url, {"note": "x"}).status_code == 403
    response = as_user(custodian).post(url, {"note": "Records were the spring term"})
    assert response.status_code == 302
    assert DisclosureLogEntry.objects.get(corrects=entry).note == "Records were the spring term"
