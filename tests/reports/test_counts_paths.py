"""The PostgreSQL report counts (one statement that also sums the report's lines) give exactly
the figures of the portable path, also when a student has several rows (two schools, or a
demographic snapshot that changed during the year)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from interactions.codes import month_of
from interactions.models import Interaction
from reports import selectors
from reports.selectors import report_counts, system_user
from tests.reports.factories import build_dataset

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="compares the PostgreSQL statement with the portable path "
                              "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)"),
    pytest.mark.django_db,
]

YEAR = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


def _both(monkeypatch):
    user = system_user()
    fast = report_counts(user=user, date_from=YEAR[0], date_to=YEAR[1])
    with monkeypatch.context() as m:
        m.setattr(selectors, "_counts_single_scan", selectors._counts_two_scans)
        portable = report_counts(user=user, date_from=YEAR[0], date_to=YEAR[1])
    return fast, portable


def _fields(c):
    return {name: getattr(c, name) for name in (
        "totals", "groups", "schools_counts", "school_groups", "months", "incidents")}


def test_one_row_per_student_the_statement_sums_the_lines(monkeypatch):
    build_dataset()
    fast, portable = _both(monkeypatch)
    assert _fields(fast) == _fields(portable)
    # The known figures of the dataset (tests/reports/factories.py), with the arrest at
    # school B: 70 students contacted in 71 interactions; 31 arrests of 30 students.
    assert fast.totals["contact"] == (71, 70)
    assert fast.totals["arrest"] == (31, 30)
    assert fast.groups["race_ethnicity"]["hispanic"]["arrest"] == (13, 12)


def test_a_student_on_two_rows_is_counted_once_per_line(monkeypatch):
    data = build_dataset()
    first = Interaction.objects.filter(race_ethnicity="white", arrest=True,
                                       school=data["school_a"]).order_by("pk").first()
    # The same student again in March, now recorded as male, and once at school B.
    extra = []
    for school, gender, day in ((data["school_a"], "M", 3), (data["school_b"], "F", 4)):
        occurred = timezone.make_aware(dt.datetime(2026, 3, day, 10))
        extra.append(Interaction(
            school=school, occurred_at=occurred, occurred_month=month_of(occurred.date()),
            school_year="2025-26", location="campus", initiated_by="sro_observed",
            reason="threat_to_safety", officer=data["officer"], student=first.student,
            outcomes=["arrest"], arrest=True, status=Interaction.Status.SUBMITTED,
            race_ethnicity="white", gender=gender, english_learner=first.english_learner,
            grade="10",
        ))
    Interaction.objects.bulk_create(extra)
    fast, portable = _both(monkeypatch)
    assert _fields(fast) == _fields(portable)
    # Two more arrests, no new student: counting rows would give 32 students.
    assert fast.totals["arrest"] == (33, 30)
    assert fast.totals["contact"] == (73, 70)
    cds_a = data["school_a"].cds_code
    assert fast.schools_counts[cds_a]["arrest"] == (31, 29)
