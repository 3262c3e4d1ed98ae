"""Statistics and small-cell suppression for the board report (docs/methods.md).

Pure functions, standard library only, so the methods can be tested against the worked
examples without a database. Every figure is returned unrounded: thresholds compare unrounded
values, and display rounding happens only through `round_half_up`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "DEFAULT_K",
    "MIN_CELL",
    "MIN_N",
    "Z_95",
    "LineSuppression",
    "RRIResult",
    "RiskRatioResult",
    "SuppressionResult",
    "is_small",
    "rate",
    "risk_ratio",
    "round_half_up",
    "rri",
    "suppress_line",
    "suppress_table",
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


@dataclass(frozen=True)
class SuppressionResult:
    """Which counts of a table are suppressed (True) in the published report.

    `row_totals`, `col_totals` and `grand_total` are None when the table has no such total.
    """

    cells: tuple[tuple[bool, ...], ...]
    row_totals: tuple[bool, ...] | None
    col_totals: tuple[bool, ...] | None
    grand_total: bool | None

    @property
    def any_suppressed(self) -> bool:
        """True when at least one count of the table is withheld."""
        return (
            any(any(row) for row in self.cells)
            or any(self.row_totals or ())
            or any(self.col_totals or ())
            or bool(self.grand_total)
        )


@dataclass(frozen=True)
class LineSuppression:
    """Suppression of a single line of counts (for example the groups of one dimension)."""

    cells: tuple[bool, ...]
    total: bool | None


# A position in the table extended by its margins: (row, col), where row == n_rows is the
# column-totals row and col == n_cols is the row-totals column.
_Pos = tuple[int, int]


def _validate_counts(name: str, values: Sequence[int]) -> None:
    for value in values:
        if value < 0:
            raise ValueError(f"{name} must not contain negative counts")


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    col_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    k: int = DEFAULT_K,
    enrollment_small_rows: AbstractSet[int] = frozenset(),
    initial: SuppressionResult | None = None,
) -> SuppressionResult:
    """Decide which counts of a table to withhold so no count from 1 to k is shown or derivable.

    1. Primary: every count (cell or total) from 1 to k is suppressed; zeros are shown. Rows
       in `enrollment_small_rows` (groups enrolling k or fewer) have all their counts suppressed,
       zeros and row total included.
    2. Complementary: in every line whose total is shown, a single suppressed cell could be
       recovered by subtraction, so a line with exactly one gets its smallest unsuppressed
       non-zero cell suppressed too (first on ties; else its first zero; else its total).
       Rows go top to bottom, then columns left to right, repeated until nothing changes.

    Lines are the rows and columns of the body and, when the grand total is given (or is
    derivable from a wholly shown margin), the margins: the column totals against the grand
    total form a last row, the row totals against it a last column. A suppressed total whose
    line shows every cell could be recomputed by addition, so such a line also gets its
    smallest cell suppressed; this only arises when a total was suppressed as a complement,
    never from the primary rule alone.

    `initial` marks counts already suppressed (for example by a linked table); the result
    contains them. Feeding a result back as `initial` returns it unchanged.

    Limitation of the line rule: it stops recovery from any one line, not from combining
    lines. A suppressed cell that alone links two separate groups of suppressed cells (a
    "bridge") can still be solved from several row and column sums together.
    """
    if k < 0:
        raise ValueError("k must not be negative")
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else (len(col_totals) if col_totals is not None else 0)
    for row in rows:
        if len(row) != n_cols:
            raise ValueError("all rows must have the same number of cells")
        _validate_counts("rows", row)
    if row_totals is not None:
        if len(row_totals) != n_rows:
            raise ValueError("row_totals must have one entry per row")
        _validate_counts("row_totals", row_totals)
    if col_totals is not None:
        if len(col_totals) != n_cols:
            raise ValueError("col_totals must have one entry per column")
        _validate_counts("col_totals", col_totals)
    if grand_total is not None and grand_total < 0:
        raise ValueError("grand_total must not be negative")
    for index in enrollment_small_rows:
        if not 0 <= index < n_rows:
            raise ValueError(f"enrollment_small_rows index {index} is out of range")

    # Values of the table extended by its margins; absent totals are simply not in the dict.
    values: dict[_Pos, int] = {}
    for i, row in enumerate(rows):
        for j, count in enumerate(row):
            values[(i, j)] = count
    if row_totals is not None:
        for i, count in enumerate(row_totals):
            values[(i, n_cols)] = count
    if col_totals is not None:
        for j, count in enumerate(col_totals):
            values[(n_rows, j)] = count
    if grand_total is not None:
        values[(n_rows, n_cols)] = grand_total

    suppressed: set[_Pos] = {pos for pos, count in values.items() if is_small(count, k)}
    for i in enrollment_small_rows:
        suppressed.update(pos for pos in values if pos[0] == i)
    if initial is not None:
        suppressed.update(_positions_of(initial, n_rows, n_cols, values))

    # Lines as (cells in order, total position): body rows, then the column-totals row, then
    # body columns, then the row-totals column. A line takes part only if its total exists.
    # With both margins but no grand total, the grand total is still known as the sum of
    # either margin while that margin is wholly shown, so the margin lines then count it as a
    # shown total.
    grand = (n_rows, n_cols)
    implicit_grand = grand_total is None and row_totals is not None and col_totals is not None
    lines: list[tuple[list[_Pos], _Pos]] = []
    for i in range(n_rows + 1):
        cells = [(i, j) for j in range(n_cols) if (i, j) in values]
        if cells and ((i, n_cols) in values or (i == n_rows and implicit_grand)):
            lines.append((cells, (i, n_cols)))
    for j in range(n_cols + 1):
        cells = [(i, j) for i in range(n_rows) if (i, j) in values]
        if cells and ((n_rows, j) in values or (j == n_cols and implicit_grand)):
            lines.append((cells, (n_rows, j)))

    row_total_positions = [(i, n_cols) for i in range(n_rows)]
    col_total_positions = [(n_rows, j) for j in range(n_cols)]

    def total_hidden(total: _Pos) -> bool:
        if total == grand and implicit_grand:
            return not (
                suppressed.isdisjoint(row_total_positions)
                or suppressed.isdisjoint(col_total_positions)
            )
        return total in suppressed

    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            extra = _complement(cells, total, total_hidden(total), values, suppressed)
            if extra is not None and extra in values:  # never "suppress" an implicit total
                suppressed.add(extra)
                changed = True

    return SuppressionResult(
        cells=tuple(tuple((i, j) in suppressed for j in range(n_cols)) for i in range(n_rows)),
        row_totals=None
        if row_totals is None
        else tuple((i, n_cols) in suppressed for i in range(n_rows)),
        col_totals=None
        if col_totals is None
        else tuple((n_rows, j) in suppressed for j in range(n_cols)),
        grand_total=None if grand_total is None else grand in suppressed,
    )


def _complement(
    cells: list[_Pos],
    total: _Pos,
    total_hidden: bool,
    values: dict[_Pos, int],
    suppressed: set[_Pos],
) -> _Pos | None:
    """The one further position a line needs suppressed, or None if it is already safe."""
    hidden = sum(1 for pos in cells if pos in suppressed)
    if total_hidden and hidden != 0:
        return None  # no requirement: the total is withheld and so is at least one cell
    if not total_hidden and hidden != 1:
        return None  # 0 or at least 2 suppressed cells against a shown total
    candidates = [pos for pos in cells if pos not in suppressed]
    nonzero = [pos for pos in candidates if values[pos] > 0]
    if nonzero:
        return min(nonzero, key=lambda pos: values[pos])  # min() keeps the first on ties
    if candidates:
        return candidates[0]  # the smallest zero: all zeros tie, so the first
    return None if total_hidden else total


def _positions_of(
    result: SuppressionResult, n_rows: int, n_cols: int, values: dict[_Pos, int]
) -> set[_Pos]:
    """Positions marked in an earlier result, checked against this table's shape."""
    if len(result.cells) != n_rows or any(len(row) != n_cols for row in result.cells):
        raise ValueError("initial does not have the shape of the table")
    marked = {(i, j) for i, row in enumerate(result.cells) for j, flag in enumerate(row) if flag}
    if result.row_totals is not None:
        marked.update((i, n_cols) for i, flag in enumerate(result.row_totals) if flag)
    if result.col_totals is not None:
        marked.update((n_rows, j) for j, flag in enumerate(result.col_totals) if flag)
    if result.grand_total:
        marked.add((n_rows, n_cols))
    return {pos for pos in marked if pos in values}


def suppress_line(
    values: Sequence[int],
    total: int | None,
    k: int = DEFAULT_K,
    *,
    enrollment_small: AbstractSet[int] = frozenset(),
) -> LineSuppression:
    """Suppress one line of counts with its total (e.g. the groups of a dimension).

    Same rules as `suppress_table` for a one-column table: counts 1..k (and every count of a
    group in `enrollment_small`) are withheld, and if exactly one is withheld while the total
    is shown, the smallest other count is withheld too.
    """
    result = suppress_table(
        [[value] for value in values],
        col_totals=None if total is None else [total],
        k=k,
        enrollment_small_rows=enrollment_small,
    )
    return LineSuppression(
        cells=tuple(row[0] for row in result.cells),
        total=None if result.col_totals is None else result.col_totals[0],
    )
