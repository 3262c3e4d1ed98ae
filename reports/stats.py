"""Statistics of the board report (docs/methods.md); suppression is reports/disclosure.py.

Pure functions, standard library only, so the methods can be tested against the worked
examples without a database. Every figure is returned unrounded: thresholds compare unrounded
values, and display rounding happens only through `round_half_up`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "DEFAULT_K",
    "MIN_CELL",
    "MIN_N",
    "Z_95",
    "RRIResult",
    "RiskRatioResult",
    "is_small",
    "rate",
    "risk_ratio",
    "round_half_up",
    "rri",
]

#: Two-sided 95% normal quantile used for the Katz log confidence interval.
Z_95 = 1.959963984540054
#: Minimum denominator (students enrolled or contacted) for an RRI or risk ratio.
MIN_N = 30
#: Minimum numerator for an IDEA-style risk ratio.
MIN_CELL = 10
#: Counts from 1 to k are suppressed in published reports (California: 10 or fewer).
DEFAULT_K = 10

RiskRatioMethod = Literal["risk_ratio", "alternate_risk_ratio", "not_calculated"]


# --------------------------------------------------------------------------------------------
# Rates and ratios
# --------------------------------------------------------------------------------------------


def rate(numerator: int, denominator: int, per: float) -> float | None:
    """Return numerator / denominator x per, or None when there is no one to count against.

    A zero denominator means the group has no enrollment (or no contacts); the rate is then
    undefined rather than zero, so the report shows it as not available.
    """
    if numerator < 0 or denominator < 0:
        raise ValueError("counts must not be negative")
    if denominator == 0:
        return None
    return numerator / denominator * per


@dataclass(frozen=True)
class RRIResult:
    """A relative rate index with its Katz 95% interval, or the reason it was not calculated.

    When `reason` is set, every figure is None: the report prints the reason instead.
    """

    rri: float | None
    ci_low: float | None
    ci_high: float | None
    significant: bool | None
    se: float | None
    reason: str | None = None

    @property
    def calculated(self) -> bool:
        """True when the index was computed (no reason to withhold it)."""
        return self.reason is None


def _not_calculated_rri(reason: str) -> RRIResult:
    return RRIResult(rri=None, ci_low=None, ci_high=None, significant=None, se=None, reason=reason)


def rri(a: int, n1: int, c: int, n2: int, *, min_n: int = MIN_N, z: float = Z_95) -> RRIResult:
    """Relative rate index (OJJDP) of a group (a of n1) against a reference group (c of n2).

    The Katz log method gives the interval: SE = sqrt(1/a - 1/n1 + 1/c - 1/n2) and
    CI = exp(ln RRI -/+ z SE). It is withheld (reason set) when a rate rests on fewer than
    `min_n` people or when a or c is 0, because the log interval is then undefined or
    unreliable. Significance compares the unrounded interval with 1.
    """
    for value in (a, n1, c, n2):
        if value < 0:
            raise ValueError("counts must not be negative")
    if n1 < min_n:
        return _not_calculated_rri("group_below_min_n")
    if n2 < min_n:
        return _not_calculated_rri("reference_below_min_n")
    if a > n1 or c > n2:
        # Inconsistent inputs (more students with the measure than in the denominator):
        # the report says so instead of printing a meaningless index.
        return _not_calculated_rri("count_exceeds_denominator")
    if a == 0 or c == 0:
        return _not_calculated_rri("zero_count")
    # Integer cross-products keep the ratio exact where possible (36/1200 vs 40/4000 -> 3.0).
    index = (a * n2) / (c * n1)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    log_index = math.log(index)
    ci_low = math.exp(log_index - z * se)
    ci_high = math.exp(log_index + z * se)
    significant = ci_low > 1 or ci_high < 1
    return RRIResult(
        rri=index, ci_low=ci_low, ci_high=ci_high, significant=significant, se=se, reason=None
    )


@dataclass(frozen=True)
class RiskRatioResult:
    """An IDEA-style risk ratio, the method that produced it, and why if it was not the usual."""

    value: float | None
    method: RiskRatioMethod
    reason: str | None = None


def risk_ratio(
    group_num: int,
    group_den: int,
    others_num: int,
    others_den: int,
    *,
    min_cell: int = MIN_CELL,
    min_n: int = MIN_N,
    outside_risk: float | None = None,
) -> RiskRatioResult:
    """Risk of the group divided by the risk of all other groups together (34 CFR 300.647 style).

    The group must have at least `min_cell` students with the measure and `min_n` enrolled,
    or nothing is calculated. When the other groups fail those minimums (or have no risk),
    the ratio is taken against `outside_risk` (the configured outside comparison) as the
    "alternate risk ratio"; with no outside risk configured it is not calculated. `reason`
    names the minimum that failed.
    """
    for value in (group_num, group_den, others_num, others_den):
        if value < 0:
            raise ValueError("counts must not be negative")
    if outside_risk is not None and not (0 < outside_risk <= 1):
        raise ValueError("outside_risk must be a proportion in (0, 1]")

    if group_num < min_cell:
        return RiskRatioResult(None, "not_calculated", "group_below_min_cell")
    if group_den < min_n:
        return RiskRatioResult(None, "not_calculated", "group_below_min_n")
    if group_num > group_den:
        return RiskRatioResult(None, "not_calculated", "count_exceeds_denominator")
    group_risk = group_num / group_den

    comparison_reason: str | None = None
    if others_num < min_cell:
        comparison_reason = "comparison_below_min_cell"
    elif others_den < min_n:
        comparison_reason = "comparison_below_min_n"
    elif others_num > others_den:
        comparison_reason = "count_exceeds_denominator"
    elif others_num == 0:
        comparison_reason = "comparison_zero_risk"  # only reachable with min_cell 0

    if comparison_reason is None:
        # Cross-multiplied so integer inputs give the exact ratio where one exists.
        return RiskRatioResult((group_num * others_den) / (group_den * others_num), "risk_ratio")
    if outside_risk is None:
        return RiskRatioResult(None, "not_calculated", comparison_reason)
    return RiskRatioResult(group_risk / outside_risk, "alternate_risk_ratio", comparison_reason)


def round_half_up(x: float | int | Decimal, places: int = 2) -> Decimal:
    """Round for display, half up (1.875 -> 1.88, 2.675 -> 2.68), keeping trailing zeros.

    Floats go through their shortest repr so a value shown as 2.675 rounds the way a reader
    expects, not by its binary expansion. Used for display only; never for thresholds.
    """
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError("cannot round a non-finite value for display")
    value = x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else x)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Suppression
# --------------------------------------------------------------------------------------------


def is_small(count: int, k: int = DEFAULT_K) -> bool:
    """True for a count from 1 to k: published reports never show one (zeros are shown)."""
    return 1 <= count <= k
