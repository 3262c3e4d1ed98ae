"""Complements chosen together by one integer program, and the floor of information loss
(docs/methods.md, "Which counts to withhold" and "Information loss, measured")."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reports import disclosure
from reports.compute import compute_report, suppress_report_audited
from reports.selectors import ReportCounts
from tests.reports.lp_audit import report_intervals, width
from tests.reports.test_properties import build_counts, student

SCHOOL = "33671570000011"


def disability_report():
    """Arrests by disability as in the demo district: 4 and 1 arrests of students with a 504
    plan and with an IEP, 17 of the others, 22 in all. The two small counts add up to 5, so
    with the total shown each could only lie in [0, 5]: one more count of the line must be
    withheld, and it should be the others' 17 (in students and in instances), not the total."""
    rows = {  # measure: instances = students, for none / 504 / idea
        "contact": (120, 30, 20),
        "arrest": (17, 4, 1),
        "citation": (25, 12, 11),
    }
    groups = {g: {m: (v[i], v[i]) for m, v in rows.items()}
              for i, g in enumerate(("none", "504", "idea"))}
    totals = {m: (sum(v), sum(v)) for m, v in rows.items()}
    counts = ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30),
        schools=[(SCHOOL, "Alpha High School")], totals=totals,
        groups={"disability": groups},
        schools_counts={SCHOOL: totals},
        enrollment={"disability": {"none": 1500, "504": 120, "idea": 180}},
        school_enrollment={SCHOOL: {"all": {"all": 1800}}},
    )
    return compute_report(counts)


def test_a_line_whose_small_counts_add_up_to_less_than_k_withholds_one_more_of_it():
    raw = disability_report()
    pub, record = suppress_report_audited(raw, 10)
    arrests = {e["group"]: e for e in pub["groups"]
               if e["dimension"] == "disability" and e["measure"] == "arrest"}
    assert arrests["504"]["instances"] is None and arrests["idea"]["instances"] is None
    assert arrests["none"]["instances"] is None and arrests["none"]["students"] is None
    totals = {t["measure"]: t for t in pub["totals"]}
    assert totals["arrest"]["instances"] == 22 and totals["arrest"]["students"] == 22
    # The citations (12 and 11 for the small groups) need nothing withheld.
    citations = {e["group"]: e["instances"] for e in pub["groups"]
                 if e["dimension"] == "disability" and e["measure"] == "citation"}
    assert citations == {"none": 25, "504": 12, "idea": 11}
    for name, value, lo, hi in report_intervals(raw, pub, 10):
        assert width(lo, hi) >= 10, f"{name} = {value} is pinned to [{lo}, {hi}]"
    # No protection that shows the totals can do with less: the floor is what was withheld.
    floor, above = disclosure.complements_floor(raw, 10)
    withheld_above = record["complements_withheld"]
    assert record["counts_above_k"] == above
    assert floor == withheld_above


@settings(max_examples=12, deadline=None)
@given(students=st.lists(student, min_size=5, max_size=60), k=st.sampled_from([5, 10]))
def test_the_floor_is_never_above_what_a_protected_report_withholds(students, k):
    """The floor is a lower bound: every audited report that shows all its totals withholds
    at least that many counts above k (a floor above it would be a wrong claim in the
    method note)."""
    raw = compute_report(build_counts(students, 3), min_cell=k)
    _pub, record = suppress_report_audited(raw, k)
    result = disclosure.complements_floor(raw, k)
    assert result is not None
    floor, above = result
    if any(e["kind"] == "total" and e["reason"].startswith("withheld to protect")
           for e in record["expensive_withheld"]):
        return  # the floor speaks of reports that show every total
    assert floor <= record["complements_withheld"] and record["counts_above_k"] == above


def test_a_count_of_k_alone_in_its_sum_gets_a_complement():
    """A count of exactly k alone among the withheld parts of a sum would be given back by
    subtraction. A zero withheld beside it would let it be anything from 0 to k, but the two
    would still add up to exactly k, a small count given by the sum: the part withheld beside
    it must hold something (here the 30, the only one that does)."""
    model = disclosure.Model(k=10)
    for key, value in (("a", 10), ("b", 30), ("c", 0), ("total", 40)):
        model.cell(key, value, ("t", key))
    model.total("line", "total", ["a", "b", "c"], additive=True, inexact=None)
    picks = disclosure._cover(model.relations, model.value, {"a"}, {"b", "c", "total"}, {"a"},
                              {}, model.cost, {"total"}, 10, 5.0)
    assert picks == {"b": "a"}


def test_a_complement_that_keeps_another_company_names_the_count_they_protect():
    """b (20) protects a (3) in the first sum, but alone in the second sum it would be given
    back by subtraction, so c is withheld beside it: the audit record says c, too, protects a
    (not that it was a small count)."""
    model = disclosure.Model(k=10)
    for key, value in (("a", 3), ("b", 20), ("c", 30), ("t1", 23), ("t2", 50)):
        model.cell(key, value, ("t", key), cost_factor=1000 if key.startswith("t") else 1)
    model.total("first", "t1", ["a", "b"], additive=True, inexact=None)
    model.total("second", "t2", ["b", "c"], additive=True, inexact=None)
    picks = disclosure._cover(model.relations, model.value, {"a"}, {"b", "c", "t1", "t2"},
                              {"a"}, {}, model.cost, {"t1", "t2"}, 10, 5.0)
    assert picks == {"b": "a", "c": "a"}


def _gender_report(date_from, date_to, female, male):
    """One school's report with a gender line of searches (and contacts), no nonbinary
    student in either."""
    from tests.reports.test_across import gender_report

    return gender_report((date_from, date_to), {"F": female, "M": male, "X": 0},
                         {"F": female + 20, "M": male + 30, "X": 0})


def test_a_year_and_its_first_half_do_not_give_away_the_second_half():
    """16 girls searched in the year, 12 in its first half: published as they are, the two
    reports would tell that 4 were searched from January to June, a count no report shows.
    Publishing the half after the year protects that count too (found by an attack on the
    demo district's year, half-year and second-half reports)."""
    from scipy.optimize import linprog

    year = _gender_report(dt.date(2025, 7, 1), dt.date(2026, 6, 30), female=16, male=30)
    half = _gender_report(dt.date(2025, 7, 1), dt.date(2025, 12, 31), female=12, male=20)
    year_pub, year_record = suppress_report_audited(year, 10)
    assert [e["instances"] for e in year_pub["groups"]
            if e["measure"] == "search" and e["group"] == "F"] == [16]
    half_pub, record = suppress_report_audited(half, 10, earlier=[(year_pub, year_record)])
    assert record["implied_counts_protected"] >= 1 and record["narrowest_interval"] >= 10

    # A reader's own linear program: the half's girls' and boys' searches (withheld or shown),
    # the half's line adding up to its total (when shown), and no half above its year.
    line = {e["group"]: e["instances"] for e in half_pub["groups"]
            if e["measure"] == "search"}
    total = next(t["instances"] for t in half_pub["totals"] if t["measure"] == "search")
    bounds = [(v, v) if v is not None else (0, cap)
              for v, cap in ((line["F"], 16), (line["M"], 30))]
    a_eq, b_eq = ([[1, 1]], [total - (line["X"] or 0)]) if total is not None else (None, None)
    lo = linprog([1, 0], A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs").fun
    hi = -linprog([-1, 0], A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs").fun
    # January to June = 16 - (the half's girls), anywhere in a range at least 10 wide.
    assert (16 - lo) - (16 - hi) >= 10


def exposed_line_sums(raw: dict, pub: dict, k: int) -> list[str]:
    """Lines of the published report whose withheld groups (two or more) add up to 1..k while
    the line's total and every other group are shown: a reader subtracts and has that count.
    A withheld total counts as shown when another line of the same measure is shown in full
    and adds up to it."""
    found = []
    for field in ("instances", "students"):
        totals = {t["measure"]: t[field] for t in pub["totals"]}
        true_totals = {t["measure"]: t[field] for t in raw["totals"]}
        lines: dict[tuple[str, str], list[tuple[dict, dict]]] = {}
        for shown, true in zip(pub["groups"], raw["groups"], strict=True):
            lines.setdefault((shown["dimension"], shown["measure"]), []).append((shown, true))
        for (_dimension, measure), entries in lines.items():
            if (totals.get(measure) is None and all(e[field] is not None for e, _ in entries)
                    and sum(e[field] for e, _ in entries) == true_totals.get(measure)):
                totals[measure] = true_totals[measure]  # given by this line
        for (dimension, measure), entries in lines.items():
            hidden = [true[field] for shown, true in entries if shown[field] is None]
            if totals.get(measure) is None or len(hidden) < 2:
                continue
            if field == "students" and sum(t[field] for _, t in entries) != next(
                    t[field] for t in raw["totals"] if t["measure"] == measure):
                continue  # students in two groups: the line does not add up to its total
            if 1 <= sum(hidden) <= k:
                found.append(f"{dimension} {measure} {field}: withheld add up to {sum(hidden)}")
    return found


def test_withheld_groups_of_a_line_never_add_up_to_a_small_count():
    """Found by an attack on the demo district: 57 referrals to support, 47 of students with
    no disability shown, so the 1 of students with a 504 plan and the 9 with an IEP, each
    withheld and each anywhere in [0, 10], added up to exactly 10. The parts withheld beside
    a small count must hold more than k."""
    rows = {"contact": (120, 30, 20), "referral_support": (47, 1, 9)}
    groups = {g: {m: (v[i], v[i]) for m, v in rows.items()}
              for i, g in enumerate(("none", "504", "idea"))}
    totals = {m: (sum(v), sum(v)) for m, v in rows.items()}
    raw = compute_report(ReportCounts(
        school_year="2025-26", date_from=dt.date(2025, 7, 1), date_to=dt.date(2026, 6, 30),
        schools=[(SCHOOL, "Alpha High School")], totals=totals,
        groups={"disability": groups}, schools_counts={SCHOOL: totals},
        enrollment={"disability": {"none": 1500, "504": 120, "idea": 180}},
        school_enrollment={SCHOOL: {"all": {"all": 1800}}},
    ))
    pub, record = suppress_report_audited(raw, 10)
    assert exposed_line_sums(raw, pub, 10) == []
    line = {e["group"]: e["instances"] for e in pub["groups"]
            if e["dimension"] == "disability" and e["measure"] == "referral_support"}
    assert line["504"] is None and line["idea"] is None
    assert line["none"] is None  # the only count that can hold it besides the total
    assert next(t["instances"] for t in pub["totals"] if t["measure"] == "referral_support") == 57
    for name, value, lo, hi in report_intervals(raw, pub, 10):
        assert width(lo, hi) >= 10, f"{name} = {value} is pinned to [{lo}, {hi}]"


@settings(max_examples=10, deadline=None)
@given(students=st.lists(student, min_size=5, max_size=60), k=st.sampled_from([5, 10]))
def test_no_random_report_exposes_a_sum_of_withheld_groups(students, k):
    raw = compute_report(build_counts(students, 3), min_cell=k)
    pub, _record = suppress_report_audited(raw, k)
    assert exposed_line_sums(raw, pub, k) == []


def test_a_withheld_total_that_another_line_gives_does_not_hide_a_small_sum():
    """Found by an attack on the demo district's second half, published after the year, its
    first half and one school: referrals to school administration, total withheld (as the
    year's was), gender shown in full (14 + 37 + 0 = 51, so the total is 51 all the same),
    Hispanic 41 shown, and the six other races (1 + 1 + 3 + 3 + 1 + 1) withheld, each with a
    range of 10 but adding up to 51 - 41 = 10 exactly. A withheld count the shown ones give is
    as good as shown: one more count is withheld, and the sum is no longer given."""
    m = disclosure.Model(k=10)
    total = m.cell("T", 51, ("total",))
    gender = {g: m.cell(f"G|{g}", v, ("gender", g)) for g, v in (("F", 14), ("M", 37),
                                                                   ("X", 0))}
    races = {r: m.cell(f"R|{r}", v, ("race", r))
             for r, v in (("H", 41), ("a", 1), ("b", 1), ("c", 3), ("d", 3), ("e", 1),
                          ("f", 1))}
    for line in (gender, races):
        m.rel([(total, -1)] + [(j, 1) for j in line.values()], "eq")
    small = {j for j in races.values() if 1 <= m.value[j] <= 10}
    candidates = (set(gender.values()) | set(races.values())) - small
    result = disclosure.protect([m], k=10, candidates=candidates, protect_keys=small,
                                withheld=small | {total})
    shown = {j: m.value[j] for j in m.value if j not in result.withheld}
    total_known = shown.get(total) if total in shown else (
        sum(shown[j] for j in gender.values()) if all(j in shown for j in gender.values())
        else None)
    hidden_races = [j for j in races.values() if j not in shown]
    if total_known is not None:
        rest = total_known - sum(shown[j] for j in races.values() if j in shown)
        assert not 1 <= rest <= 10, f"the withheld races add up to {rest}: {hidden_races}"
