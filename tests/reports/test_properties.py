"""Property tests of the compute + suppress layer on any data (hypothesis).

Random students (school, demographics, interactions per measure) are summed by the same
`accumulate` the selector uses, computed, and suppressed. Then, for every table:
- no published count is from 1 to k;
- an independent LP audit finds no withheld count of 1..k narrower than k (docs/methods.md);
- every figure derived from a withheld count is hidden;
- every count that is shown equals the unsuppressed count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from interactions.codes import MEASURES
from reports.compute import REFERENCE_GROUPS, compute_report, suppress_report
from reports.selectors import DEMOGRAPHIC_FIELDS, ReportCounts, accumulate
from reports.stats import is_small
from tests.reports.lp_audit import report_intervals, width

SCHOOLS = [(1, "33671570000011"), (2, "33671570000029"), (3, "33671570000037")]
RACES = ["hispanic", "white", "african_american", "asian", "not_reported"]
SMALL_MEASURES = ["arrest", "citation", "search", "use_of_force", "outside_sro_role"]
MONTHS = ["2025-09", "2025-10"]
COUNT_FIELDS = ("instances", "students", "enrollment", "contacted_students")

student = st.fixed_dictionaries({
    "school": st.sampled_from([s for s, _ in SCHOOLS]),
    "race_ethnicity": st.sampled_from(RACES),
    "gender": st.sampled_from(["F", "M", "X"]),
    "disability": st.sampled_from(["none", "idea", "504"]),
    "english_learner": st.sampled_from(["Y", "N"]),
    "grade": st.sampled_from(["09", "10", "11", "12"]),
    "contacts": st.integers(1, 3),
    "measures": st.lists(st.sampled_from(SMALL_MEASURES), max_size=3),
    "month": st.sampled_from(MONTHS),
})


def build_counts(students: list[dict], enrollment_scale: int) -> ReportCounts:
    counts = ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 10, 31),
        schools=[(cds, f"School {cds[-2:]}") for _, cds in SCHOOLS],
    )
    rows = []
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, s in enumerate(students):
        demo = {f: s.get(f, "N") for f in DEMOGRAPHIC_FIELDS}
        instances = {m: 0 for m in MEASURES}
        instances["contact"] = s["contacts"]
        for m in s["measures"]:
            instances[m] += 1
        rows.append((n, s["school"], *[demo[f] for f in DEMOGRAPHIC_FIELDS],
                     *[instances[m] for m in MEASURES]))
        for m, v in instances.items():
            months[s["month"]][m] += v
    accumulate(counts, rows, dict(SCHOOLS))
    counts.months = {k: dict(v) for k, v in months.items()}
    # Enrollment: each group's students times a scale, so some groups are k or fewer.
    enrollment: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_school: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for s in students:
        cds = dict(SCHOOLS)[s["school"]]
        for f in ("all", *DEMOGRAPHIC_FIELDS):
            group = "all" if f == "all" else s.get(f, "N")
            enrollment[f][group] += enrollment_scale
            per_school[cds][f][group] += enrollment_scale
    counts.enrollment = {d: dict(g) for d, g in enrollment.items()}
    counts.school_enrollment = {c: {d: dict(g) for d, g in v.items()}
                                for c, v in per_school.items()}
    return counts


def check_published(raw: dict, pub: dict, k: int) -> None:
    # 1. No published count from 1 to k; shown counts are the true counts.
    for section in ("totals", "groups", "stages", "schools", "school_groups", "months"):
        for r, p in zip(raw[section], pub[section], strict=True):
            for field in COUNT_FIELDS:
                if field in p and p[field] is not None:
                    assert not is_small(p[field], k), (section, p)
                    assert p[field] == r[field]
            if p["suppressed"]:
                assert all(p.get(f) is None for f in COUNT_FIELDS if f in p)

    # 2. An independent LP audit (tests/reports/lp_audit.py): no withheld count of 1..k can
    # be narrowed to a range under k wide by any combination of shown figures.
    for name, value, lo, hi in report_intervals(raw, pub, k):
        assert lo - 1e-6 <= value <= hi + 1e-6, (name, value, lo, hi)
        assert width(lo, hi) >= k, f"{name} = {value} is pinned to [{lo}, {hi}]"

    # 3. Derived figures of withheld counts are hidden.
    index = {(e["dimension"], e["group"], e["measure"]): e for e in pub["groups"]}
    for e in pub["groups"]:
        ref = index.get((e["dimension"], REFERENCE_GROUPS.get(e["dimension"]), e["measure"]))
        if e["suppressed"]:
            assert e["rate_per_1000"] is None and e["rri"] is None
            assert e["rri_ci_low"] is None and e["risk_ratio"] is None
        elif ref is not None and ref["suppressed"]:
            assert e["rri"] is None and e["rri_ci_low"] is None
    stage_index = {(e["dimension"], e["group"], e["measure"]): e for e in pub["stages"]}
    for e in pub["stages"]:
        own = index[(e["dimension"], e["group"], e["measure"])]
        contact = index[(e["dimension"], e["group"], "contact")]
        if own["suppressed"] or contact["suppressed"]:
            assert e["suppressed"] and e["rate_per_100"] is None and e["rri"] is None
        ref = stage_index.get((e["dimension"], REFERENCE_GROUPS.get(e["dimension"]),
                               e["measure"]))
        if ref is not None and ref["suppressed"]:
            assert e["rri"] is None
    for e in pub["schools"]:
        if e["suppressed"]:
            assert e["rate_per_1000"] is None


@settings(max_examples=15, deadline=None)
@given(
    students=st.lists(student, min_size=0, max_size=70),
    scale=st.sampled_from([1, 3, 20]),
    k=st.sampled_from([3, 5, 10]),
)
def test_suppression_properties(students, scale, k):
    counts = build_counts(students, scale)
    raw = compute_report(counts, min_cell=k)
    pub = suppress_report(raw, k)
    assert pub["parameters"]["suppressed"] is True
    check_published(raw, pub, k)


def test_accumulate_counts_each_student_once_per_line():
    counts = ReportCounts(school_year="2025-26", date_from=dt.date(2025, 9, 1),
                          date_to=dt.date(2025, 9, 30), schools=[("A", "A"), ("B", "B")])
    demo = ["white", "F", "none", "N", "N", "N", "N", "10"]  # DEMOGRAPHIC_FIELDS order
    zeros = [0] * (len(MEASURES) - 1)
    # Student 7 at two schools (one arrest at each), student 8 once.
    rows = [
        (7, 1, *demo, 1, *[1 if m == "arrest" else 0 for m in MEASURES[1:]]),
        (7, 2, *demo, 2, *[1 if m == "arrest" else 0 for m in MEASURES[1:]]),
        (8, 1, *demo, 1, *zeros),
    ]
    accumulate(counts, rows, {1: "A", 2: "B"})
    assert counts.totals["contact"] == (4, 2)
    assert counts.totals["arrest"] == (2, 1)
    assert counts.schools_counts["A"]["contact"] == (2, 2)
    assert counts.schools_counts["B"]["arrest"] == (1, 1)
    assert counts.groups["race_ethnicity"]["white"]["arrest"] == (2, 1)


@settings(max_examples=40, deadline=None)
@given(students=st.lists(student, min_size=1, max_size=40))
def test_fast_and_exact_accumulation_agree(students):
    """One row per student takes the merged fast path; the exact path must give the same."""
    from reports import selectors

    fast = build_counts(students, 5)
    rows = [(n, s["school"], *[s.get(f, "N") for f in DEMOGRAPHIC_FIELDS],
             s["contacts"], *[s["measures"].count(m) for m in MEASURES[1:]])
            for n, s in enumerate(students)]
    inst, masks = selectors._lines_exact(rows, len(DEMOGRAPHIC_FIELDS), dict(SCHOOLS))
    exact = ReportCounts(school_year="2025-26", date_from=dt.date(2025, 9, 1),
                         date_to=dt.date(2025, 10, 31), schools=fast.schools)
    accumulate(exact, rows + [rows[0]], dict(SCHOOLS))  # a repeated row forces the exact path
    for dimension, groups in fast.groups.items():
        for group, per_measure in groups.items():
            for measure, (_, students_n) in per_measure.items():
                assert exact.groups[dimension][group][measure][1] == students_n
    assert {m: s for m, (_, s) in exact.totals.items()} == {
        m: s for m, (_, s) in fast.totals.items()}
    assert inst[("total",)] == [fast.totals[m][0] for m in MEASURES]
