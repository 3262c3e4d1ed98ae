"""Staff and officer training status has one rule (sro_program.selectors): the compliance page,
the dashboard panel and the board report's compliance section give the same answer for the
same school and date."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from reports.panels.program import program_gaps_panel
from reports.selectors import compliance_counts, resolve_period
from sro_program import roles
from sro_program.models import StaffTraining, TrainingTopic, add_months
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff_trained(topic, school, months_ago, today):
    user = UserFactory(role=roles.STAFF, schools=[school])
    StaffTraining.objects.create(
        topic=topic, user=user, school=school, completed_on=add_months(today, -months_ago)
    )
    return user


def test_staff_trained_18_months_ago_counts_as_untrained_on_page_dashboard_and_report(
    as_user, district_admin, school_a
):
    today = timezone.localdate()
    topic = TrainingTopic.objects.get(code="sro_role_and_contact")
    assert topic.renewal_months == 12
    _staff_trained(topic, school_a, 18, today)  # lapsed six months ago
    _staff_trained(topic, school_a, 3, today)  # current

    page = as_user(district_admin).get(reverse("sro_program:compliance"))
    (page_row,) = [r for r in page.context["schools"] if r.school == school_a]

    request = RequestFactory().get("/")
    request.user = district_admin
    (panel_row,) = [r for r in program_gaps_panel(request)["coverage"] if r.school == school_a]

    _, first, _ = resolve_period(date_from=today, date_to=today)
    facts = compliance_counts(user=district_admin, date_from=first, date_to=today)
    (report_row,) = [s for s in facts["schools"] if s["school"] == school_a.cds_code]

    seen = {
        "page": (page_row.staff_trained, page_row.staff_total),
        "dashboard": (panel_row.staff_trained, panel_row.staff_total),
        "report": (report_row["staff_trained"], report_row["staff_accounts"]),
    }
    assert seen == {"page": (1, 2), "dashboard": (1, 2), "report": (1, 2)}


def test_staff_training_on_another_topic_does_not_count(district_admin, school_a):
    """The report used to count every staff topic; the policy's topic is the SRO role."""
    today = timezone.localdate()
    other = TrainingTopic.objects.create(code="first_aid", name="First aid", audience="staff")
    user = UserFactory(role=roles.STAFF, schools=[school_a])
    StaffTraining.objects.create(topic=other, user=user, school=school_a, completed_on=today)
    _, first, _ = resolve_period(date_from=today, date_to=today)
    facts = compliance_counts(user=district_admin, date_from=first, date_to=today)
    (row,) = [s for s in facts["schools"] if s["school"] == school_a.cds_code]
    assert (row["staff_trained"], row["staff_accounts"]) == (0, 1)


def test_officer_training_lapsed_before_the_day_is_missing_in_both(district_admin, school_a):
    from sro_program.selectors import school_compliance
    from tests.factories import AgencyFactory, MOUFactory, OfficerFactory
    from tests.sro_program.conftest import train
    from tests.sro_program.test_selectors import FULL, assign

    today = timezone.localdate()
    agency = AgencyFactory()
    mou = MOUFactory(agency=agency)
    officer = OfficerFactory(agency=agency)
    train(officer, on=add_months(today, -30))  # 24-month topics lapsed, 12-month too
    assign(officer, school_a, mou, FULL, start=today - dt.timedelta(days=30))
    (row,) = [r for r in school_compliance(user=district_admin, on=today) if r.school == school_a]
    page_missing = sorted(t.code for t in row.officers[0].training.missing)
    _, first, _ = resolve_period(date_from=today, date_to=today)
    facts = compliance_counts(user=district_admin, date_from=first, date_to=today)
    (report_officer,) = facts["officers"]
    assert sorted(report_officer["missing_training"]) == page_missing
    assert page_missing and not report_officer["required_training_current"]
