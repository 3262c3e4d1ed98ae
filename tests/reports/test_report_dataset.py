"""The report of a small dataset whose figures are computed by hand (tests/reports/factories.py),
suppressed and unsuppressed; the selector's fixed query count; scope; roster fallback."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import Interaction
from reports.models import EnrollmentCount
from reports.selectors import PeriodError, board_report, report_counts, system_user
from sro_program import roles
from tests.factories import SchoolFactory, UserFactory
from tests.reports.factories import build_dataset

A = "33671570000011"
Z = 1.959963984540054


def katz(a, n1, c, n2):
    index = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return index, index * math.exp(-Z * se), index * math.exp(Z * se)


def find(report, section, **where):
    found = [e for e in report[section] if all(e.get(k) == v for k, v in where.items())]
    assert len(found) == 1, (section, where, len(found))
    # The previous school year beside the entry is tested on its own below.
    return {k: v for k, v in found[0].items() if k != "previous"}


def test_previous_school_year_is_beside_every_entry_and_suppressed_the_same_way(dataset):
    """The one 2024-25 interaction (March 2025, school A) is the previous year of 2025-26."""
    report = board_report(user=system_user(), school_year="2025-26", schools=[A],
                          unsuppressed=True)
    assert report["previous"] == {"school_year": "2024-25", "date_from": "2024-07-01",
                                  "date_to": "2025-06-30", "available": True}
    for section in ("totals", "groups", "stages", "schools", "months"):
        assert all("previous" in e for e in report[section]), section
    contact = next(t for t in report["totals"] if t["measure"] == "contact")
    assert contact["previous"] == {"instances": 1, "students": 1, "suppressed": False}
    march = next(e for e in report["months"]
                 if e["month"] == "2026-03" and e["measure"] == "contact")
    assert march["previous"] == {"instances": 1, "suppressed": False}

    published = board_report(user=system_user(), school_year="2025-26", schools=[A])
    contact = next(t for t in published["totals"] if t["measure"] == "contact")
    assert contact["previous"]["students"] is None  # 1 is withheld, as it would be that year
    assert contact["previous"]["suppressed"] is True

    first = board_report(user=system_user(), school_year="2024-25", schools=[A])
    assert first["previous"]["available"] is False
    assert all(e["previous"] is None for e in first["groups"])


@pytest.fixture
def dataset(db, school_a, school_b):
    return build_dataset(school_a, school_b)


def test_unsuppressed_figures_match_hand_computation(dataset):
    report = board_report(user=system_user(), school_year="2025-26", schools=[A],
                          unsuppressed=True)
    p = report["parameters"]
    assert report["schema"] == "sro-board-report/1"
    assert (p["date_from"], p["date_to"], p["school_year"]) == ("2025-07-01", "2026-06-30",
                                                                 "2025-26")
    assert p["schools"] == [A] and p["suppressed"] is False and p["confidential"] is True
    assert p["enrollment_source"] == "imported"
    assert p["reference_groups"]["race_ethnicity"] == "white"
    # Totals: 69 students contacted (70 interactions: one student twice); draft, voided,
    # other-school and other-year rows left out.
    assert find(report, "totals", measure="contact") == {
        "measure": "contact", "instances": 70, "students": 69, "suppressed": False}
    assert find(report, "totals", measure="arrest")["instances"] == 30
    assert find(report, "totals", measure="arrest")["students"] == 29

    hispanic = find(report, "groups", dimension="race_ethnicity", group="hispanic",
                    measure="arrest")
    rri, low, high = katz(12, 150, 5, 200)  # 3.2
    assert hispanic == {
        "dimension": "race_ethnicity", "group": "hispanic", "measure": "arrest",
        "instances": 13, "students": 12, "enrollment": 150,
        "rate_per_1000": pytest.approx(80.0), "rri": pytest.approx(3.2),
        "rri_ci_low": pytest.approx(low), "rri_ci_high": pytest.approx(high),
        "rri_significant": True, "rri_reason": None,
        # 12/150 against (11 + 5 + 0) / (40 + 200 + 8); not_reported is in no comparison.
        "risk_ratio": pytest.approx((12 / 150) / (16 / 248)),
        "risk_ratio_method": "risk_ratio", "risk_ratio_reason": None, "suppressed": False,
    }
    assert low == pytest.approx(1.152098648837964) and high == pytest.approx(8.888127774759845)
    black = find(report, "groups", dimension="race_ethnicity", group="african_american",
                 measure="arrest")
    assert black["rate_per_1000"] == pytest.approx(275.0)
    assert black["rri"] == pytest.approx(11.0)
    assert black["risk_ratio"] == pytest.approx(0.275 / (17 / 358))
    white = find(report, "groups", dimension="race_ethnicity", group="white", measure="arrest")
    assert (white["students"], white["rri"], white["rri_ci_low"]) == (5, 1.0, None)
    assert (white["risk_ratio"], white["risk_ratio_reason"]) == (None, "group_below_min_cell")
    nr = find(report, "groups", dimension="race_ethnicity", group="not_reported",
              measure="arrest")
    assert (nr["students"], nr["rate_per_1000"], nr["rri_reason"]) == (1, None, "not_reported")
    # Gender: every third student is male. Arrests F 18 of 200, M 11 of 195.
    male = find(report, "groups", dimension="gender", group="M", measure="arrest")
    assert (male["students"], male["instances"]) == (11, 12)
    assert male["rri"] == pytest.approx((11 / 195) / (18 / 200))
    # Stage: arrests per 100 students contacted, hispanic 12 of 30 vs white 5 of 20.
    stage = find(report, "stages", dimension="race_ethnicity", group="hispanic",
                 measure="arrest")
    assert (stage["students"], stage["contacted_students"]) == (12, 30)
    assert stage["rate_per_100"] == pytest.approx(40.0)
    # 20 white students contacted is under the minimum n of 30: no stage RRI.
    assert (stage["rri"], stage["rri_reason"]) == (None, "reference_below_min_n")
    assert find(report, "schools", school=A, measure="arrest")["students"] == 29
    assert find(report, "months", month="2025-10", measure="contact")["instances"] == 70
    assert find(report, "months", month="2025-11", measure="contact")["instances"] == 0


def test_suppressed_figures_match_hand_computation(dataset):
    report = board_report(user=system_user(), school_year="2025-26", schools=[A])
    assert report["parameters"]["suppressed"] is True
    assert report["confidential"] is False
    # Race x arrest: white 5 and not reported 1 are 1..10; asian enrolls 8 (all withheld).
    # Together they are 6 = total - shown, so the audit withholds one more count of at least
    # 4 (docs/methods.md): african_american 11, the cheapest.
    shown = {e["group"]: e["students"] for e in report["groups"]
             if e["dimension"] == "race_ethnicity" and e["measure"] == "arrest"}
    assert shown == {"american_indian_alaska_native": 0, "asian": None, "pacific_islander": 0,
                     "filipino": 0, "hispanic": 12, "african_american": None, "white": None,
                     "two_or_more": 0, "not_reported": None}
    hispanic = find(report, "groups", dimension="race_ethnicity", group="hispanic",
                    measure="arrest")
    assert hispanic["rate_per_1000"] == pytest.approx(80.0)
    # Its RRI divides by the withheld white count; its risk ratio would reveal not_reported.
    assert (hispanic["rri"], hispanic["rri_reason"]) == (None, "reference_suppressed")
    assert (hispanic["risk_ratio"], hispanic["risk_ratio_reason"]) == (None,
                                                                      "comparison_suppressed")
    white = find(report, "groups", dimension="race_ethnicity", group="white", measure="arrest")
    assert white == {**white, "instances": None, "students": None, "enrollment": None,
                     "rate_per_1000": None, "rri": None, "suppressed": True}
    # Gender: X enrolls 5, so all its counts are withheld. Its arrest count is 0, which
    # needs no protection, so M (11) and the reference group F stay shown (the line rule
    # used to withhold M); X's enrollment of 5 is protected by withholding one more
    # enrollment, never the reference group's.
    gender = {e["group"]: e for e in report["groups"]
              if e["dimension"] == "gender" and e["measure"] == "arrest"}
    assert {g: e["students"] for g, e in gender.items()} == {"F": 18, "M": 11, "X": None}
    assert gender["F"]["enrollment"] == 200 and not gender["F"]["suppressed"]
    assert find(report, "totals", measure="arrest")["students"] == 29
    assert find(report, "totals", measure="citation") == {
        "measure": "citation", "instances": 0, "students": 0, "suppressed": False}


def test_whole_district_counts_every_school_in_scope(dataset):
    report = board_report(user=system_user(), school_year="2025-26", unsuppressed=True)
    assert report["parameters"]["schools"] == [A, "33671570000029"]
    assert find(report, "totals", measure="contact")["students"] == 70
    assert find(report, "schools", school="33671570000029", measure="arrest")["students"] == 1


def test_selector_respects_the_users_scope(dataset, school_b):
    staff_b = UserFactory(username="staff_b_scope", role=roles.STAFF, schools=[school_b])
    counts = report_counts(user=staff_b, date_from=dt.date(2025, 7, 1),
                           date_to=dt.date(2026, 6, 30), schools=[A, school_b.cds_code])
    assert [cds for cds, _ in counts.schools] == [school_b.cds_code]
    assert counts.totals["contact"] == (1, 1)


def test_unsuppressed_needs_the_permission(dataset, district_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        board_report(user=district_admin, school_year="2025-26", unsuppressed=True)


def test_roster_counted_when_no_enrollment_was_imported(dataset):
    EnrollmentCount.objects.all().delete()
    report = board_report(user=system_user(), school_year="2025-26", schools=[A],
                          unsuppressed=True)
    assert report["parameters"]["enrollment_source"] == "roster"
    assert "roster" in report["notes"][0]
    # The roster holds the 69 contacted students (factories enrol exactly those).
    hispanic = find(report, "groups", dimension="race_ethnicity", group="hispanic",
                    measure="contact")
    assert hispanic["enrollment"] == 30


def test_period_inside_one_school_year(dataset):
    report = board_report(user=system_user(), date_from=dt.date(2025, 10, 6),
                          date_to=dt.date(2025, 10, 6), schools=[A], unsuppressed=True)
    assert find(report, "totals", measure="contact")["instances"] == 69
    assert [e["month"] for e in report["months"] if e["measure"] == "contact"] == ["2025-10"]
    with pytest.raises(PeriodError, match="one school year"):
        board_report(user=system_user(), date_from=dt.date(2025, 6, 1),
                     date_to=dt.date(2025, 7, 31))


def _report_queries(schools: list[str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        report_counts(user=system_user(), date_from=dt.date(2025, 7, 1),
                      date_to=dt.date(2026, 6, 30), schools=schools)
    # Savepoints (the selector's atomic block inside the test's transaction) are not queries.
    return sum(1 for q in ctx.captured_queries
               if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))


def _add_interactions(n: int, school, template: Interaction) -> None:
    from interactions.models import Student

    start = Student.objects.count()
    students = Student.objects.bulk_create([
        Student(student_id=f"Q{start + i}", last_name="Q", first_name="Q") for i in range(n)
    ])
    races = ["hispanic", "white", "asian", "filipino", "two_or_more"]
    Interaction.objects.bulk_create([
        Interaction(
            school=school, occurred_at=template.occurred_at + dt.timedelta(days=i % 200),
            school_year="2025-26", location="campus", initiated_by="staff_referral",
            reason="weapons", officer=template.officer, student=s, outcomes=["citation"],
            citation=True, referral_to_law_enforcement=True, status="submitted",
            race_ethnicity=races[i % 5], gender="MFX"[i % 3], grade=f"{9 + i % 4:02d}",
        )
        for i, s in enumerate(students)
    ])


def test_query_count_is_fixed(db, school_a):
    data = build_dataset(school_a, SchoolFactory())
    template = Interaction.objects.filter(school=school_a).first()
    base = _report_queries([A])
    _add_interactions(10, school_a, template)
    ten = _report_queries([A])
    _add_interactions(200, school_a, template)
    more = _report_queries([A])
    extra = [SchoolFactory(), SchoolFactory()]
    for school in extra:
        _add_interactions(15, school, template)
    three = _report_queries([A, *[s.cds_code for s in extra]])
    # Schools, per-student and per-month aggregates (one GROUPING SETS query after a
    # set_config on PostgreSQL; two queries elsewhere), enrollment.
    assert base == ten == more == three == 4, (base, ten, more, three)
    assert data["school_a"] == school_a


def test_compliance_incidents_from_the_report_scan_match_their_own_query(dataset):
    from reports.selectors import compliance_counts

    counts = report_counts(user=system_user(), date_from=dt.date(2025, 7, 1),
                           date_to=dt.date(2026, 6, 30), schools=[A])
    own = compliance_counts(user=system_user(), date_from=dt.date(2025, 7, 1),
                            date_to=dt.date(2026, 6, 30), schools=[A])
    assert own["interactions"] == counts.incidents
    assert counts.incidents["interactions"] == 70 and counts.incidents["arrest"] == 30
