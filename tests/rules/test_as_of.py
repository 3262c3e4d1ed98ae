"""The compliance section describes one day, and says which: the end of the period, or today
while the period runs; a past year reads the state at its end from the history rows."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.codes import school_year_of
from reports.display import format_date
from reports.selectors import board_report, compliance_counts, system_user
from sro_program import roles
from sro_program.models import SchoolMembership, StaffTraining, TrainingTopic, add_months
from tests.factories import AgencyFactory, MOUFactory, OfficerFactory, UserFactory
from tests.sro_program.conftest import train
from tests.sro_program.test_selectors import FULL, assign

pytestmark = pytest.mark.django_db


def test_current_year_compliance_is_for_today_not_next_june(school_a):
    today = timezone.localdate()
    year = school_year_of(today)
    agency = AgencyFactory()
    officer = OfficerFactory(agency=agency)
    # Every required topic current today; the 12-month one lapses tomorrow (before June 30).
    train(officer, on=add_months(today + dt.timedelta(days=1), -12))
    assign(officer, school_a, MOUFactory(agency=agency), FULL, start=today - dt.timedelta(days=3))

    report = board_report(user=system_user(), school_year=year, unsuppressed=True)
    section = report["compliance"]
    assert section["as_of"] == today.isoformat()
    assert section["as_of_reason"] == "today"
    (row,) = section["officers"]
    assert row["required_training_current"], row["missing_training"]


def test_page_and_pdf_say_which_day(as_user, superintendent, school_a):
    today = timezone.localdate()
    query = f"school_year={school_year_of(today)}&schools={school_a.cds_code}"
    client = as_user(superintendent)
    expected = f"Compliance as of {format_date(today.isoformat())}"
    page = client.get(reverse("reports:build") + "?" + query).content.decode()
    assert expected in page and "the period has not ended" in page
    pdf = client.get(reverse("reports:export", args=["pdf"]) + "?" + query).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert expected in " ".join(text.split())


def _backdate(rows, when):
    for row in rows:
        row.history.all().update(history_date=when)


def test_past_year_reads_the_staff_at_its_end_from_the_history(district_admin, school_a):
    tz = timezone.get_current_timezone()
    year_end = dt.date(2024, 6, 30)
    topic = TrainingTopic.objects.get(code="sro_role_and_contact")
    stayed = UserFactory(role=roles.STAFF, schools=[school_a])
    left = UserFactory(role=roles.STAFF, schools=[school_a])
    joined_later = UserFactory(role=roles.STAFF, schools=[school_a])
    memberships = {m.user_id: m for m in SchoolMembership.objects.filter(school=school_a)}
    before = dt.datetime(2023, 8, 1, tzinfo=tz)
    _backdate([memberships[stayed.pk], memberships[left.pk]], before)
    _backdate([memberships[joined_later.pk]], dt.datetime(2024, 9, 1, tzinfo=tz))
    for user in (stayed, left):
        StaffTraining.objects.create(topic=topic, user=user, school=school_a,
                                     completed_on=dt.date(2023, 8, 15))
    memberships[left.pk].delete()  # left the school after that year (history: today)

    facts = compliance_counts(user=district_admin, date_from=dt.date(2023, 7, 1),
                              date_to=year_end)
    assert facts["as_of"] == "2024-06-30" and facts["as_of_reason"] == "period_end"
    (row,) = [s for s in facts["schools"] if s["school"] == school_a.cds_code]
    # At the end of 2023-24: two staff (the one who left since, not the one who joined
    # since), both trained.
    assert (row["staff_trained"], row["staff_accounts"]) == (2, 2)
    # Today: two staff (one left, one joined), one trained last in 2023 (lapsed).
    today = timezone.localdate()
    now = compliance_counts(user=district_admin, date_from=today, date_to=today)
    (row,) = [s for s in now["schools"] if s["school"] == school_a.cds_code]
    assert (row["staff_trained"], row["staff_accounts"]) == (0, 2)
