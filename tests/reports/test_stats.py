"""Board report statistics: worked examples A-E of docs/methods.md, edge cases, properties."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from reports.stats import (
    DEFAULT_K,
    MIN_CELL,
    MIN_N,
    Z_95,
    RRIResult,
    is_small,
    rate,
    risk_ratio,
    round_half_up,
    rri,
)

EXACT = 1e-9


def test_constants() -> None:
    assert Z_95 == 1.959963984540054
    assert (MIN_N, MIN_CELL, DEFAULT_K) == (30, 10, 10)


# --------------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "expected", "shown"),
    [
        (36, 1200, 1000, 30.0, "30.00"),  # example A, group
        (40, 4000, 1000, 10.0, "10.00"),  # example A, reference
        (4, 300, 1000, 13.333333333333334, "13.33"),  # example B
        (10, 2000, 1000, 5.0, "5.00"),
        (45, 300, 100, 15.0, "15.00"),  # example C, per 100 contacted
        (20, 250, 100, 8.0, "8.00"),
        (0, 250, 100, 0.0, "0.00"),
    ],
)
def test_rate(numerator: int, denominator: int, per: int, expected: float, shown: str) -> None:
    value = rate(numerator, denominator, per)
    assert value == pytest.approx(expected, abs=EXACT)
    assert str(round_half_up(value)) == shown


def test_rate_without_denominator_is_none() -> None:
    assert rate(0, 0, 1000) is None
    assert rate(5, 0, 100) is None


def test_rate_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        rate(-1, 10, 1000)


# --------------------------------------------------------------------------------------------
# RRI (examples A, B, C)
# --------------------------------------------------------------------------------------------


def test_example_a_rri_significant() -> None:
    result = rri(36, 1200, 40, 4000)
    assert result.reason is None and result.calculated
    assert result.rri == pytest.approx(3.0, abs=EXACT)
    assert result.ci_low == pytest.approx(1.9212707117, abs=EXACT)
    assert result.ci_high == pytest.approx(4.6843997284, abs=EXACT)
    assert result.significant is True
    assert str(round_half_up(result.rri)) == "3.00"
    assert str(round_half_up(result.se, 4)) == "0.2274"
    assert (str(round_half_up(result.ci_low)), str(round_half_up(result.ci_high))) == (
        "1.92",
        "4.68",
    )


def test_example_a_formula() -> None:
    """The interval is exactly the Katz log interval with z = Z_95."""
    result = rri(36, 1200, 40, 4000)
    se = math.sqrt(1 / 36 - 1 / 1200 + 1 / 40 - 1 / 4000)
    assert result.se == pytest.approx(se, abs=1e-12)
    assert result.ci_low == pytest.approx(math.exp(math.log(3) - Z_95 * se), abs=1e-12)
    assert result.ci_high == pytest.approx(math.exp(math.log(3) + Z_95 * se), abs=1e-12)


def test_example_b_rri_not_significant() -> None:
    result = rri(4, 300, 10, 2000)
    assert result.reason is None
    assert result.rri == pytest.approx(8 / 3, abs=EXACT)
    assert result.significant is False
    assert str(round_half_up(result.rri)) == "2.67"
    assert str(round_half_up(result.se, 4)) == "0.5884"
    assert str(round_half_up(result.ci_low)) == "0.84"
    assert str(round_half_up(result.ci_high)) == "8.45"
    assert result.ci_low < 1 < result.ci_high


def test_example_b_count_is_suppressed_when_published() -> None:
    """Example B's 4 is a small count, so the published report withholds it."""
    assert is_small(4, DEFAULT_K)


def test_example_c_stage_rate() -> None:
    result = rri(45, 300, 20, 250)
    assert result.rri == pytest.approx(1.875, abs=EXACT)
    assert str(round_half_up(result.rri)) == "1.88"
    assert str(round_half_up(result.ci_low)) == "1.14"
    assert str(round_half_up(result.ci_high)) == "3.09"
    assert result.significant is True


def test_rri_below_one_can_be_significant() -> None:
    """A protective difference (interval entirely under 1) is significant too."""
    result = rri(10, 1000, 40, 1000)
    assert result.rri == pytest.approx(0.25, abs=EXACT)
    assert result.ci_high is not None and result.ci_high < 1
    assert result.significant is True


def test_rri_of_equal_rates_is_not_significant() -> None:
    result = rri(40, 4000, 40, 4000)
    assert result.rri == pytest.approx(1.0, abs=EXACT)
    assert result.significant is False


def test_rri_significance_uses_unrounded_interval() -> None:
    """A lower bound of 1.004 displays as 1.00 but still excludes 1."""
    se = math.sqrt(1 / 36 - 1 / 1200 + 1 / 40 - 1 / 4000)
    z = (math.log(3) - math.log(1.004)) / se
    result = rri(36, 1200, 40, 4000, z=z)
    assert result.ci_low == pytest.approx(1.004, abs=EXACT)
    assert str(round_half_up(result.ci_low)) == "1.00"
    assert result.significant is True


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((0, 1200, 40, 4000), "zero_count"),
        ((36, 1200, 0, 4000), "zero_count"),
        ((0, 1200, 0, 4000), "zero_count"),
        ((5, 29, 40, 4000), "group_below_min_n"),
        ((36, 1200, 5, 29), "reference_below_min_n"),
        ((0, 0, 40, 4000), "group_below_min_n"),
        ((36, 1200, 0, 0), "reference_below_min_n"),
        ((40, 35, 40, 4000), "count_exceeds_denominator"),
    ],
)
def test_rri_not_calculated(args: tuple[int, int, int, int], reason: str) -> None:
    result = rri(*args)
    assert result == RRIResult(None, None, None, None, None, reason)
    assert not result.calculated


def test_rri_at_exactly_min_n_is_calculated() -> None:
    result = rri(3, 30, 40, 4000)
    assert result.reason is None
    assert result.rri == pytest.approx(10.0, abs=EXACT)


def test_rri_min_n_is_configurable() -> None:
    assert rri(3, 30, 40, 4000, min_n=31).reason == "group_below_min_n"
    assert rri(3, 20, 40, 4000, min_n=20).reason is None


def test_rri_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        rri(-1, 100, 4, 100)


# --------------------------------------------------------------------------------------------
# Risk ratio (example D)
# --------------------------------------------------------------------------------------------


def test_example_d1_risk_ratio() -> None:
    result = risk_ratio(60, 400, 90, 1200)
    assert result.method == "risk_ratio" and result.reason is None
    assert result.value == pytest.approx(2.0, abs=EXACT)
    assert str(round_half_up(result.value)) == "2.00"


def test_example_d2_alternate_risk_ratio() -> None:
    result = risk_ratio(12, 80, 4, 25, outside_risk=30000 / 500000)
    assert result.method == "alternate_risk_ratio"
    assert result.reason == "comparison_below_min_cell"
    assert result.value == pytest.approx(2.5, abs=EXACT)
    assert str(round_half_up(result.value)) == "2.50"


def test_example_d2_without_outside_comparison_is_not_calculated() -> None:
    result = risk_ratio(12, 80, 4, 25)
    assert (result.value, result.method, result.reason) == (
        None,
        "not_calculated",
        "comparison_below_min_cell",
    )


def test_example_d3_group_fails_cell() -> None:
    result = risk_ratio(8, 50, 90, 1200, outside_risk=0.06)
    assert (result.value, result.method, result.reason) == (
        None,
        "not_calculated",
        "group_below_min_cell",
    )


def test_example_d4_group_fails_n() -> None:
    result = risk_ratio(10, 25, 90, 1200, outside_risk=0.06)
    assert (result.value, result.method, result.reason) == (
        None,
        "not_calculated",
        "group_below_min_n",
    )


def test_example_d5_risk_ratio() -> None:
    result = risk_ratio(23, 187, 41, 913)
    assert result.method == "risk_ratio"
    assert result.value == pytest.approx(2.7388809182, abs=EXACT)
    assert str(round_half_up(result.value)) == "2.74"


def test_risk_ratio_minimums_are_inclusive() -> None:
    """Exactly min_cell students with the measure and exactly min_n enrolled both qualify."""
    result = risk_ratio(10, 30, 10, 30)
    assert result.method == "risk_ratio"
    assert result.value == pytest.approx(1.0, abs=EXACT)


def test_risk_ratio_comparison_fails_n_only() -> None:
    result = risk_ratio(12, 80, 12, 29)
    assert (result.method, result.reason) == ("not_calculated", "comparison_below_min_n")
    alternate = risk_ratio(12, 80, 12, 29, outside_risk=0.1)
    assert alternate.method == "alternate_risk_ratio"
    assert alternate.value == pytest.approx(1.5, abs=EXACT)


def test_risk_ratio_thresholds_are_configurable() -> None:
    assert risk_ratio(8, 50, 90, 1200, min_cell=5).method == "risk_ratio"
    assert risk_ratio(60, 400, 90, 1200, min_n=401).reason == "group_below_min_n"


@pytest.mark.parametrize("outside", [0.0, -0.1, 1.5])
def test_risk_ratio_rejects_impossible_outside_risk(outside: float) -> None:
    with pytest.raises(ValueError):
        risk_ratio(12, 80, 4, 25, outside_risk=outside)


# --------------------------------------------------------------------------------------------
# Display rounding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (1.875, 2, "1.88"),
        (2.675, 2, "2.68"),  # binary 2.67499999... still displays half up
        (0.125, 2, "0.13"),  # half-even would give 0.12
        (2.7388809182, 2, "2.74"),
        (3, 2, "3.00"),
        (Decimal("0.22735"), 4, "0.2274"),
        (-1.005, 2, "-1.01"),
        (13.333333333333334, 2, "13.33"),
    ],
)
def test_round_half_up(value: float | int | Decimal, places: int, shown: str) -> None:
    result = round_half_up(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == shown


def test_round_half_up_rejects_non_finite() -> None:
    with pytest.raises(ValueError):
        round_half_up(math.nan)


# --------------------------------------------------------------------------------------------
# Small counts (suppression itself: tests/reports/test_disclosure.py)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "k", "expected"),
    [(0, 10, False), (1, 10, True), (10, 10, True), (11, 10, False), (3, 2, False), (1, 0, False)],
)
def test_is_small(count: int, k: int, expected: bool) -> None:
    assert is_small(count, k) is expected
