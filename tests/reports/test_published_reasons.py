"""Why a figure is not given says nothing of a withheld count (docs/methods.md, "Reasons
beside withheld counts"): an attack found that a shown group's reasons (too few in the other
groups, the reference group's count zero) narrowed withheld counts of its line."""

from __future__ import annotations

from reports import disclosure
from reports.compute import compute_report
from tests.reports.test_compute import counts_for, entry

LINE = {
    "hispanic": {"arrest": (40, 40)},
    "white": {"arrest": (0, 0)},  # the reference group
    "african_american": {"arrest": (3, 3)},
    "asian": {"arrest": (0, 0)},
    "not_reported": {"arrest": (12, 12)},
}
ENROLLED = {"hispanic": 400, "white": 500, "african_american": 300, "asian": 10,
            "not_reported": 50}


def published(withheld_groups):
    report = compute_report(counts_for(LINE, ENROLLED))
    model = disclosure.build_model(report, 10)
    withheld = {key for key in model.value
                if any(key.endswith(f"|race_ethnicity|{g}|arrest") for g in withheld_groups)}
    return report, disclosure.apply(report, model, withheld, 10)


def test_a_shown_group_says_nothing_of_the_withheld_groups_beside_it():
    raw, pub = published({"white", "african_american", "not_reported"})
    before, after = entry(raw, "hispanic", "arrest"), entry(pub, "hispanic", "arrest")
    # Unsuppressed, the reasons tell that white is 0 and the others together under 10.
    assert before["rri_reason"] == "zero_count"
    assert before["risk_ratio_reason"] == "comparison_below_min_cell"
    assert after["students"] == 40
    assert after["rri"] is None and after["rri_reason"] == "reference_suppressed"
    assert after["risk_ratio"] is None and after["risk_ratio_reason"] == "comparison_suppressed"


def test_reasons_of_a_groups_own_shown_figures_stay():
    _raw, pub = published({"white", "african_american", "not_reported"})
    asian = entry(pub, "asian", "arrest")  # 10 enrolled: under the minimum of its own
    assert asian["rri_reason"] == "group_below_min_n"
    assert asian["risk_ratio_reason"] == "group_below_min_cell"


def test_with_nothing_withheld_the_reasons_are_the_computations():
    raw, pub = published(set())
    for group in ("hispanic", "asian"):
        for field in ("rri_reason", "risk_ratio_reason"):
            assert entry(pub, group, "arrest")[field] == entry(raw, group, "arrest")[field]
