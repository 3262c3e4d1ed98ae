"""Worked examples A-E of docs/methods.md, reproduced through the compute layer
(ReportCounts -> compute_report -> suppress_report), not only through reports.stats."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.compute import (
    compute_report,
    dimension_groups,
    months_between,
    published_table,
    suppress_report,
)
from reports.selectors import ReportCounts
from reports.stats import round_half_up

EXACT = 1e-9
RACE = "race_ethnicity"


def counts_for(groups: dict[str, dict[str, tuple[int, int]]], enrollment: dict[str, int],
               dimension: str = RACE) -> ReportCounts:
    """A one-school report whose `dimension` has the given groups; totals are the sums."""
    totals: dict[str, list[int]] = {}
    for per_measure in groups.values():
        for measure, (inst, stud) in per_measure.items():
            acc = totals.setdefault(measure, [0, 0])
            acc[0] += inst
            acc[1] += stud
    return ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30),
        schools=[("33671570000011", "Alpha High School")],
        totals={m: tuple(v) for m, v in totals.items()},
        groups={dimension: groups},
        schools_counts={"33671570000011": {m: tuple(v) for m, v in totals.items()}},
        enrollment={dimension: enrollment, "all": {"all": sum(enrollment.values())}},
    )


def entry(report: dict, group: str, measure: str, section: str = "groups",
          dimension: str = RACE) -> dict:
    (found,) = [e for e in report[section] if e["dimension"] == dimension
                and e["group"] == group and e["measure"] == measure]
    return found


def test_example_a_rri_significant():
    report = compute_report(counts_for(
        {"hispanic": {"arrest": (36, 36)}, "white": {"arrest": (40, 40)}},
        {"hispanic": 1200, "white": 4000},
    ))
    group, ref = entry(report, "hispanic", "arrest"), entry(report, "white", "arrest")
    assert group["rate_per_1000"] == pytest.approx(30.0, abs=EXACT)
    assert ref["rate_per_1000"] == pytest.approx(10.0, abs=EXACT)
    assert group["rri"] == pytest.approx(3.0, abs=EXACT)
    assert group["rri_ci_low"] == pytest.approx(1.9212707117, abs=1e-9)
    assert group["rri_ci_high"] == pytest.approx(4.6843997284, abs=1e-9)
    assert str(round_half_up(group["rri_ci_low"])) == "1.92"
    assert str(round_half_up(group["rri_ci_high"])) == "4.68"
    assert group["rri_significant"] is True
    # The reference group's own index is 1, with no interval.
    assert (ref["rri"], ref["rri_ci_low"], ref["rri_ci_high"]) == (1.0, None, None)


def test_example_b_not_significant_and_suppressed_when_published():
    counts = counts_for(
        {"hispanic": {"arrest": (4, 4)}, "white": {"arrest": (10, 10)}},
        {"hispanic": 300, "white": 2000},
    )
    report = compute_report(counts)
    group = entry(report, "hispanic", "arrest")
    assert str(round_half_up(group["rate_per_1000"])) == "13.33"
    assert str(round_half_up(entry(report, "white", "arrest")["rate_per_1000"])) == "5.00"
    assert str(round_half_up(group["rri"])) == "2.67"
    assert (str(round_half_up(group["rri_ci_low"])),
            str(round_half_up(group["rri_ci_high"]))) == ("0.84", "8.45")
    assert group["rri_significant"] is False

    published = suppress_report(report, 10)
    group = entry(published, "hispanic", "arrest")
    assert group["suppressed"] is True
    assert group["students"] is None and group["rate_per_1000"] is None
    assert group["rri"] is None and group["rri_ci_low"] is None


def test_example_c_stage_rate():
    report = compute_report(counts_for(
        {"hispanic": {"citation": (45, 45), "contact": (300, 300)},
         "white": {"citation": (20, 20), "contact": (250, 250)}},
        {"hispanic": 2000, "white": 2000},
    ))
    stage = entry(report, "hispanic", "citation", section="stages")
    assert stage["rate_per_100"] == pytest.approx(15.0, abs=EXACT)
    assert entry(report, "white", "citation", section="stages")["rate_per_100"] == \
        pytest.approx(8.0, abs=EXACT)
    assert stage["rri"] == pytest.approx(1.875, abs=EXACT)
    assert str(round_half_up(stage["rri"])) == "1.88"
    assert (str(round_half_up(stage["rri_ci_low"])),
            str(round_half_up(stage["rri_ci_high"]))) == ("1.14", "3.09")
    assert stage["rri_significant"] is True
    assert stage["contacted_students"] == 300


@pytest.mark.parametrize(
    ("group", "others", "outside", "value", "method"),
    [
        ((60, 400), (90, 1200), None, 2.0, "risk_ratio"),  # D1
        ((12, 80), (4, 25), 30_000 / 500_000, 2.5, "alternate_risk_ratio"),  # D2
        ((8, 50), (90, 1200), None, None, "not_calculated"),  # D3: cell
        ((10, 25), (90, 1200), None, None, "not_calculated"),  # D4: n
        ((23, 187), (41, 913), None, 2.7388809182, "risk_ratio"),  # D5
    ],
)
def test_example_d_risk_ratio(group, others, outside, value, method):
    counts = counts_for(
        {"hispanic": {"arrest": (group[0], group[0])}, "white": {"arrest": (others[0],) * 2}},
        {"hispanic": group[1], "white": others[1]},
    )
    report = compute_report(counts, outside_risk={"arrest": outside} if outside else None)
    found = entry(report, "hispanic", "arrest")
    assert found["risk_ratio_method"] == method
    if value is None:
        assert found["risk_ratio"] is None
        assert found["risk_ratio_reason"] in {"group_below_min_cell", "group_below_min_n"}
    else:
        assert found["risk_ratio"] == pytest.approx(value, abs=1e-9)
    if method == "alternate_risk_ratio":
        assert found["risk_ratio_reason"] == "comparison_below_min_cell"


def test_risk_ratio_leaves_out_not_reported_from_the_comparison():
    counts = counts_for(
        {"hispanic": {"arrest": (60, 60)}, "white": {"arrest": (90, 90)},
         "not_reported": {"arrest": (50, 50)}},
        {"hispanic": 400, "white": 1200, "not_reported": 100},
    )
    report = compute_report(counts)
    assert entry(report, "hispanic", "arrest")["risk_ratio"] == pytest.approx(2.0)
    nr = entry(report, "not_reported", "arrest")
    assert (nr["students"], nr["rate_per_1000"], nr["rri"], nr["risk_ratio"]) == (50, None,
                                                                                   None, None)
    assert nr["rri_reason"] == "not_reported"


E_TABLE = [[25, 14, 40], [12, 6, 22], [11, 3, 15], [0, 2, 13], [4, 0, 12]]
# Example E after the audit (docs/methods.md, "Worked example"): the first pass (line rule)
# left the 2 and the 4 within [0, 6]; the audited result leaves every withheld count of 1..10
# free over a range at least 10 wide, with every total shown.
E_PUBLISHED = [
    [25, 14, 40],
    [None, None, 22],
    [None, None, None],
    [0, None, None],
    [None, 0, None],
]


def test_example_e_published_table():
    table = published_table(
        E_TABLE, row_totals=[79, 40, 29, 15, 16], col_totals=[52, 25, 102], grand_total=179,
        k=10,
    )
    assert table["cells"] == E_PUBLISHED
    assert table["row_totals"] == [79, 40, 29, 15, 16]
    assert table["col_totals"] == [52, 25, 102]
    assert table["grand_total"] == 179


def test_example_e2_and_e3():
    e2 = published_table([[5, 20, 30], [40, 25, 60]], row_totals=[55, 125],
                         col_totals=[45, 45, 90], grand_total=180, k=10)
    assert e2["cells"][0][0] is None  # the 5; its protection is checked in test_disclosure
    e3 = published_table([[11, 30], [50, 12]], row_totals=[41, 62], col_totals=[61, 42],
                         grand_total=103, k=10)
    assert e3["cells"] == [[11, 30], [50, 12]]


def test_example_e_through_the_school_table():
    """Example E as the school x race table of a report: five schools (rows) by three race
    groups (columns), one measure, row and column totals shown."""
    schools = [(f"3367157000{n:04d}", f"School {n}") for n in range(5)]
    races = ["asian", "hispanic", "white"]  # in code order, as the report lays them out
    counts = ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2025, 7, 31),
        schools=schools,
        totals={"arrest": (179, 179)},
        groups={RACE: {r: {"arrest": (t, t)} for r, t in zip(races, [52, 25, 102],
                                                             strict=True)}},
        schools_counts={cds: {"arrest": (t, t)}
                        for (cds, _), t in zip(schools, [79, 40, 29, 15, 16], strict=True)},
        school_groups={cds: {r: {"arrest": E_TABLE[i][j]} for j, r in enumerate(races)}
                       for i, (cds, _) in enumerate(schools)},
        enrollment={RACE: {r: 1000 for r in races}},
        school_enrollment={cds: {"all": {"all": 1000}} for cds, _ in schools},
    )
    published = suppress_report(compute_report(counts), 10)
    shown = {(e["school"], e["group"]): e["students"] for e in published["school_groups"]
             if e["measure"] == "arrest" and e["group"] in races}
    for i, (cds, _) in enumerate(schools):
        for j, r in enumerate(races):
            value = shown[(cds, r)]
            assert value is None or value == E_TABLE[i][j]
            if 1 <= E_TABLE[i][j] <= 10:
                assert value is None
    for e, total in zip([e for e in published["schools"] if e["measure"] == "arrest"],
                        [79, 40, 29, 15, 16], strict=True):
        assert e["students"] in (None, total)


def test_enrollment_k_or_fewer_suppresses_every_count_of_the_group():
    counts = counts_for(
        {"hispanic": {"arrest": (40, 40)}, "white": {"arrest": (30, 30)},
         "asian": {"arrest": (0, 0)}, "african_american": {"arrest": (20, 20)}},
        {"hispanic": 400, "white": 500, "asian": 9, "african_american": 300},
    )
    counts.school_enrollment = {"33671570000011": {"all": {"all": 1209}}}
    published = suppress_report(compute_report(counts), 10)
    asian = entry(published, "asian", "arrest")
    assert asian["suppressed"] is True and asian["students"] is None
    assert asian["enrollment"] is None
    # The audit withholds a second enrollment so that the 9 cannot be worked back from the
    # school's enrollment minus the other groups; the counts stay shown.
    others = [entry(published, g, "arrest") for g in ("hispanic", "white", "african_american")]
    assert sum(1 for e in others if e["enrollment"] is None) >= 1
    assert entry(published, "hispanic", "arrest")["students"] == 40


def test_reference_suppressed_hides_every_rri_of_the_line():
    counts = counts_for(
        {"hispanic": {"arrest": (40, 40)}, "white": {"arrest": (5, 5)},
         "african_american": {"arrest": (30, 30)}},
        {"hispanic": 400, "white": 500, "african_american": 300},
    )
    published = suppress_report(compute_report(counts), 10)
    hispanic = entry(published, "hispanic", "arrest")
    assert hispanic["students"] == 40 and hispanic["rate_per_1000"] == pytest.approx(100.0)
    assert hispanic["rri"] is None and hispanic["rri_reason"] == "reference_suppressed"


def test_groups_and_months_helpers():
    assert dimension_groups("grade", {"12", "09", "TK"}) == ["TK", "09", "12"]
    assert dimension_groups("gender") == ["F", "M", "X"]
    assert months_between(dt.date(2025, 11, 15), dt.date(2026, 2, 1)) == [
        "2025-11", "2025-12", "2026-01", "2026-02"]


def test_every_measure_and_group_appears():
    from interactions.codes import MEASURES, STAGE_MEASURES

    report = compute_report(counts_for({"white": {"contact": (1, 1)}}, {"white": 10}))
    assert [t["measure"] for t in report["totals"]] == MEASURES
    race = {(e["group"], e["measure"]) for e in report["groups"] if e["dimension"] == RACE}
    assert len(race) == 9 * len(MEASURES)
    assert {e["measure"] for e in report["stages"]} == set(STAGE_MEASURES)
    assert report["schema"] == "sro-board-report/1"
