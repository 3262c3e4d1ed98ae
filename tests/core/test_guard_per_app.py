"""The Ed Code 234.7 guard on one free-text field per app, through the path a user takes (the
service the form calls): each refusal names the field and the words found, and nothing is
written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interactions import services as interaction_services
from interactions.models import DisclosureLogEntry, RecordAccessRequest
from interactions.record_access import record_access_decide, record_access_request
from mous import services as mou_services
from mous.models import MOUTransition
from reports.services import report_publish
from sro_program import services as program_services
from sro_program.models import PresentationDecision, PresentationRequest
from tests.factories import AgencyFactory, EnrollmentFactory, OfficerFactory
from tests.interactions.conftest import model_data, officer_a, student_a  # noqa: F401
from tests.mous.conftest import agency, draft  # noqa: F401

pytestmark = pytest.mark.django_db
STATUS = "the family is undocumented"
STATUS_ES = "la mamá no tiene papeles"


def _refused(error: ValidationError, field: str, words: str) -> None:
    messages = error.message_dict[field]
    assert any("234.7" in m and words in m for m in messages), messages


def test_interactions_void_reason(staff_a, site_admin_a, model_data):  # noqa: F811
    submitted = interaction_services.interaction_create(
        data=model_data, acting_user=staff_a, submit=True
    )
    with pytest.raises(ValidationError) as refused:
        interaction_services.interaction_void(
            interaction=submitted, acting_user=site_admin_a, reason=f"Duplicate; {STATUS}"
        )
    _refused(refused.value, "void_reason", "“undocumented”")
    submitted.refresh_from_db()
    assert not submitted.voided


def test_record_access_legitimate_interest_and_denial_note(school_a, staff_a, custodian):
    student = EnrollmentFactory(school=school_a, student__student_id="S700009").student
    officer = OfficerFactory(agency=AgencyFactory(ori="CA0331999"))
    fields = dict(student=student, school=school_a, agency=officer.agency, officer=officer,
                  records_requested="Attendance", basis="school_official", acting_user=staff_a)
    with pytest.raises(ValidationError) as refused:
        record_access_request(legitimate_interest=f"Check if {STATUS}", **fields)
    _refused(refused.value, "legitimate_interest", "“undocumented”")
    assert not RecordAccessRequest.objects.exists()
    request = record_access_request(legitimate_interest="Truancy follow-up", **fields)
    logged = DisclosureLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_access_decide(request=request, decision="denied", acting_user=custodian,
                             note=f"Denied: {STATUS_ES}")
    assert "“no tiene papeles”" in " ".join(refused.value.messages)
    assert DisclosureLogEntry.objects.count() == logged


def test_presentation_topic_and_decision_note(school_a, site_admin_a, superintendent):
    from tests.sro_program.test_selectors import FULL, assign

    agency_row = AgencyFactory(ori="CA0331888")
    from tests.factories import MOUFactory

    officer = OfficerFactory(agency=agency_row)
    assign(officer, school_a, MOUFactory(agency=agency_row), FULL,
           start=timezone.localdate() - dt.timedelta(days=10))
    day = timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(ValidationError) as refused:
        program_services.presentation_request_create(
            school=school_a, officer=officer, topic="Rights when ICE agents come to the door",
            audience="parent", date=day, acting_user=site_admin_a,
        )
    _refused(refused.value, "topic", "“ICE agents”")
    request = program_services.presentation_request_create(
        school=school_a, officer=officer, topic="Internet safety", audience="parent", date=day,
        acting_user=site_admin_a,
    )
    with pytest.raises(ValidationError) as refused:
        program_services.presentation_decide(
            request=request, decision="declined", note=f"Not now: {STATUS}",
            acting_user=superintendent,
        )
    _refused(refused.value, "note", "“undocumented”")
    assert not PresentationDecision.objects.exists()
    assert PresentationRequest.objects.get(pk=request.pk).status == "pending"


def test_mou_element_text_and_termination_reason(draft, district_admin):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        mou_services.mou_set_element(
            mou=draft, code="information_sharing", acting_user=district_admin,
            text="The district shares the immigration status of students",
        )
    _refused(refused.value, "text", "“immigration”")
    before = MOUTransition.objects.count()
    with pytest.raises(ValidationError) as refused:
        mou_services.mou_terminate(mou=draft, acting_user=district_admin,
                                   reason="Agency now works with la migra")
    _refused(refused.value, "reason", "“la migra”")
    assert MOUTransition.objects.count() == before


def test_published_report_title(superintendent, school_a):
    from reports.selectors import board_report

    report = board_report(user=superintendent, school_year="2025-26")
    with pytest.raises(ValidationError) as refused:
        report_publish(report=report, acting_user=superintendent,
                       title="Interactions with undocumented students")
    _refused(refused.value, "title", "“undocumented”")
