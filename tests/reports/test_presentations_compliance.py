"""The board packet's compliance table counts SRO presentations approved in advance
(BP 3515.31: presentations only when the Superintendent or designee approves)."""

import datetime as dt

import pytest
from django.utils import timezone

from reports.selectors import board_report, compliance_counts, system_user
from reports.summary import compliance_rows
from sro_program.models import PresentationDecision, PresentationRequest
from tests.reports.factories import build_dataset

pytestmark = pytest.mark.django_db


def _presentation(data, day: dt.date, status: str, decided: dt.date | None, school=None):
    request = PresentationRequest.objects.create(
        school=school or data["school_a"], officer=data["officer"], topic="Online safety",
        audience=PresentationRequest.Audience.CLASSROOM, date=day, status=status)
    if decided is not None:
        decision = PresentationDecision.objects.create(request=request, decision=status)
        at = timezone.make_aware(dt.datetime.combine(decided, dt.time(9)))
        PresentationDecision.objects.filter(pk=decision.pk).update(decided_at=at)
    return request


def test_only_presentations_approved_by_their_date_count_as_approved_in_advance():
    data = build_dataset()
    Status = PresentationRequest.Status
    _presentation(data, dt.date(2025, 10, 20), Status.APPROVED, dt.date(2025, 10, 1))
    _presentation(data, dt.date(2025, 11, 3), Status.APPROVED, dt.date(2025, 11, 3))  # same day
    _presentation(data, dt.date(2025, 12, 1), Status.APPROVED, dt.date(2025, 12, 5))  # late
    _presentation(data, dt.date(2026, 1, 12), Status.PENDING, None)  # given without approval
    _presentation(data, dt.date(2026, 2, 9), Status.DECLINED, dt.date(2026, 2, 1))  # not held
    _presentation(data, dt.date(2025, 5, 5), Status.APPROVED, dt.date(2025, 5, 1))  # last year
    facts = compliance_counts(user=system_user(), date_from=dt.date(2025, 7, 1),
                              date_to=dt.date(2026, 6, 30))
    assert facts["presentations"] == {"total": 4, "approved": 2, "not_approved_in_advance": 2}

    report = board_report(user=system_user(), school_year="2025-26", previous=False)
    row = next(r for r in compliance_rows(report)
               if r["label"] == "SRO presentations approved in advance")
    assert row == {"label": "SRO presentations approved in advance",
                   "value": "2 of 4 presentations", "status": "gap"}


def test_presentations_at_schools_out_of_the_report_are_not_counted():
    data = build_dataset()
    Status = PresentationRequest.Status
    _presentation(data, dt.date(2025, 10, 20), Status.APPROVED, dt.date(2025, 10, 1))
    _presentation(data, dt.date(2025, 10, 21), Status.PENDING, None, school=data["school_b"])
    facts = compliance_counts(user=system_user(), date_from=dt.date(2025, 7, 1),
                              date_to=dt.date(2026, 6, 30),
                              schools=[data["school_a"].cds_code])
    assert facts["presentations"] == {"total": 1, "approved": 1, "not_approved_in_advance": 0}
    report = board_report(user=system_user(), school_year="2025-26", previous=False,
                          schools=[data["school_a"].cds_code])
    row = next(r for r in compliance_rows(report)
               if r["label"] == "SRO presentations approved in advance")
    assert row["status"] == "met"
