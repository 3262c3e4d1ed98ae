"""Board report statistics: worked examples A-E of docs/methods.md, edge cases, properties."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.stats import (
    DEFAULT_K,
    MIN_CELL,
    MIN_N,
    Z_95,
    LineSuppression,
    RRIResult,
    SuppressionResult,
    is_small,
    rate,
    risk_ratio,
    round_half_up,
    rri,
    suppress_line,
    suppress_table,
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
    assert suppress_line([4, 10], None).cells == (True, True)


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
# Suppression (example E)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "k", "expected"),
    [(0, 10, False), (1, 10, True), (10, 10, True), (11, 10, False), (3, 2, False), (1, 0, False)],
)
def test_is_small(count: int, k: int, expected: bool) -> None:
    assert is_small(count, k) is expected


def _publish(rows: list[list[int]], mask: tuple[tuple[bool, ...], ...]) -> list[list[str]]:
    return [
        ["*" if hidden else str(value) for value, hidden in zip(row, flags, strict=True)]
        for row, flags in zip(rows, mask, strict=True)
    ]


E_ROWS = [[25, 14, 40], [12, 6, 22], [11, 3, 15], [0, 2, 13], [4, 0, 12]]
E_ROW_TOTALS = [79, 40, 29, 15, 16]
E_COL_TOTALS = [52, 25, 102]
E_GRAND = 179


def _example_e() -> SuppressionResult:
    return suppress_table(
        E_ROWS,
        row_totals=E_ROW_TOTALS,
        col_totals=E_COL_TOTALS,
        grand_total=E_GRAND,
        k=10,
    )


def test_example_e_published_table() -> None:
    result = _example_e()
    assert _publish(E_ROWS, result.cells) == [
        ["25", "14", "40"],  # hispanic
        ["*", "*", "22"],  # white
        ["*", "*", "15"],  # african_american
        ["0", "*", "*"],  # asian
        ["*", "0", "*"],  # two_or_more
    ]
    assert result.row_totals == (False,) * 5
    assert result.col_totals == (False,) * 3
    assert result.grand_total is False
    assert result.any_suppressed


def test_example_e_primary_and_complementary_cells() -> None:
    result = _example_e()
    hidden = {(i, j) for i, row in enumerate(result.cells) for j, flag in enumerate(row) if flag}
    primary = {(1, 1), (2, 1), (3, 1), (4, 0)}  # 6, 3, 2, 4
    complementary = {(1, 0), (2, 0), (3, 2), (4, 2)}  # white 12, aa 11, asian 13, two+ 12
    assert hidden == primary | complementary
    assert [E_ROWS[i][j] for i, j in sorted(primary)] == [6, 3, 2, 4]
    assert [E_ROWS[i][j] for i, j in sorted(complementary)] == [12, 11, 13, 12]


def test_example_e2() -> None:
    rows = [[5, 20, 30], [40, 25, 60]]
    result = suppress_table(
        rows, row_totals=[55, 125], col_totals=[45, 45, 90], grand_total=180, k=10
    )
    assert _publish(rows, result.cells) == [["*", "*", "30"], ["*", "*", "60"]]
    assert result.row_totals == (False, False)
    assert result.col_totals == (False, False, False)
    assert result.grand_total is False


@pytest.mark.parametrize("with_totals", [True, False])
def test_example_e3_nothing_suppressed(with_totals: bool) -> None:
    rows = [[11, 30], [50, 12]]
    if with_totals:
        result = suppress_table(rows, row_totals=[41, 62], col_totals=[61, 42], grand_total=103)
    else:
        result = suppress_table(rows)
    assert result.cells == ((False, False), (False, False))
    assert not result.any_suppressed


def test_zero_is_shown_and_totals_in_range_are_suppressed() -> None:
    """A line whose total is itself small is withheld and needs no complement."""
    result = suppress_table([[4, 0]], row_totals=[4])
    assert result.cells == ((True, False),)
    assert result.row_totals == (True,)


def test_without_totals_only_primary_suppression() -> None:
    result = suppress_table([[5, 20, 30]])
    assert result.cells == ((True, False, False),)
    assert result.row_totals is None and result.col_totals is None and result.grand_total is None


def test_complement_ties_take_the_first_cell() -> None:
    result = suppress_table([[3, 20, 20, 50]], row_totals=[93])
    assert result.cells == ((True, True, False, False),)


def test_complement_falls_back_to_a_zero_then_the_total() -> None:
    # Totals of unduplicated students need not be the sum of the cells.
    assert suppress_table([[5, 0, 0]], row_totals=[15]).cells == ((True, True, False),)
    only_cell = suppress_table([[5]], row_totals=[40])
    assert only_cell.cells == ((True,),)
    assert only_cell.row_totals == (True,)


def test_complement_in_column_order() -> None:
    """Columns are checked after rows: the column's smallest other cell is taken."""
    result = suppress_table([[4, 50], [30, 60], [20, 70]], col_totals=[54, 180])
    assert result.cells == ((True, False), (False, False), (True, False))


def test_small_enrollment_group_has_every_count_suppressed() -> None:
    result = suppress_table(
        [[0, 3], [30, 40]],
        row_totals=[3, 70],
        col_totals=[30, 43],
        grand_total=73,
        enrollment_small_rows={0},
    )
    assert result.cells == ((True, True), (True, True))  # the zero too, then complements
    assert result.row_totals == (True, True)  # 3 is small; 70 = 73 - 3 otherwise
    assert result.col_totals == (False, False)
    assert result.grand_total is False


def test_small_total_in_margin_gets_a_complement() -> None:
    """A column total of 5 beside a shown grand total would be 95 - 90: 90 is withheld too."""
    rows = [[3, 40], [2, 50]]
    result = suppress_table(rows, row_totals=[43, 52], col_totals=[5, 90], grand_total=95)
    assert result.col_totals == (True, True)
    assert result.row_totals == (False, False)
    assert result.grand_total is False
    assert result.cells == ((True, True), (True, True))


def test_grand_total_derivable_from_margins_counts_as_shown() -> None:
    rows = [[3, 40], [2, 50]]
    result = suppress_table(rows, row_totals=[43, 52], col_totals=[5, 90])
    assert result.grand_total is None
    assert result.col_totals == (True, True)


def test_withheld_total_is_not_left_recomputable_from_its_cells() -> None:
    """60 is withheld as the complement of 5 in the totals row; 30 + 30 would give it away."""
    rows = [[3, 30], [2, 30]]
    result = suppress_table(rows, col_totals=[5, 60], grand_total=65)
    assert result.col_totals == (True, True)
    assert result.cells == ((True, True), (True, False))
    assert result.grand_total is False


def test_k_is_configurable() -> None:
    rows = [[12, 30], [50, 12]]
    assert not suppress_table(rows, k=10).any_suppressed
    assert suppress_table(rows, k=12).cells == ((True, False), (False, True))
    assert not suppress_table([[1, 2]], row_totals=[3], k=0).any_suppressed


def test_initial_marks_are_kept_and_completed() -> None:
    base = suppress_table([[11, 30], [50, 12]], row_totals=[41, 62])
    marked = SuppressionResult(((True, False), (False, False)), (False, False), None, None)
    result = suppress_table([[11, 30], [50, 12]], row_totals=[41, 62], initial=marked)
    assert not base.any_suppressed
    assert result.cells == ((True, True), (False, False))


def test_example_e_is_a_fixed_point() -> None:
    result = _example_e()
    again = suppress_table(
        E_ROWS,
        row_totals=E_ROW_TOTALS,
        col_totals=E_COL_TOTALS,
        grand_total=E_GRAND,
        initial=result,
    )
    assert again == result


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": [[1, 2], [3]]},
        {"rows": [[1, 2]], "row_totals": [3, 4]},
        {"rows": [[1, 2]], "col_totals": [1]},
        {"rows": [[1, -2]]},
        {"rows": [[1, 2]], "row_totals": [-3]},
        {"rows": [[1, 2]], "grand_total": -3},
        {"rows": [[1, 2]], "enrollment_small_rows": {1}},
        {"rows": [[1, 2]], "k": -1},
        {"rows": [[1, 2]], "initial": SuppressionResult(((False,),), None, None, None)},
    ],
)
def test_suppress_table_rejects_bad_input(kwargs: dict) -> None:
    rows = kwargs.pop("rows")
    with pytest.raises(ValueError):
        suppress_table(rows, **kwargs)


def test_suppress_line() -> None:
    assert suppress_line([5, 20, 30, 0], 55) == LineSuppression((True, True, False, False), False)
    assert suppress_line([5, 20, 30, 0], None) == LineSuppression((True, False, False, False), None)
    assert suppress_line([11, 30], 41) == LineSuppression((False, False), False)
    assert suppress_line([4, 3], 7) == LineSuppression((True, True), True)
    assert suppress_line([0, 30, 45], 75, enrollment_small={0}) == LineSuppression(
        (True, True, False), False
    )
    assert suppress_line([12, 30], 42, 12) == LineSuppression((True, True), False)


# --------------------------------------------------------------------------------------------
# Properties over arbitrary tables
# --------------------------------------------------------------------------------------------

Table = tuple[list[list[int]], list[int] | None, list[int] | None, int | None, int, frozenset[int]]

counts = st.one_of(st.integers(0, 15), st.integers(0, 200))


@st.composite
def tables(draw: st.DrawFn) -> Table:
    n_rows = draw(st.integers(1, 7))
    n_cols = draw(st.integers(1, 6))
    rows = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    row_totals = [sum(row) for row in rows] if draw(st.booleans()) else None
    col_totals = [sum(col) for col in zip(*rows, strict=True)] if draw(st.booleans()) else None
    grand_total = sum(map(sum, rows)) if draw(st.booleans()) else None
    k = draw(st.integers(1, 15))
    small = draw(st.frozensets(st.integers(0, n_rows - 1), max_size=2))
    return rows, row_totals, col_totals, grand_total, k, small


def _run(table: Table, initial: SuppressionResult | None = None) -> SuppressionResult:
    rows, row_totals, col_totals, grand_total, k, small = table
    return suppress_table(
        rows,
        row_totals=row_totals,
        col_totals=col_totals,
        grand_total=grand_total,
        k=k,
        enrollment_small_rows=small,
        initial=initial,
    )


def _entries(table: Table, result: SuppressionResult) -> list[tuple[int, bool]]:
    """Every published count with its mask: cells, row totals, column totals, grand total."""
    rows, row_totals, col_totals, grand_total, _, _ = table
    entries = [
        (value, hidden)
        for row, flags in zip(rows, result.cells, strict=True)
        for value, hidden in zip(row, flags, strict=True)
    ]
    if row_totals is not None:
        assert result.row_totals is not None
        entries += list(zip(row_totals, result.row_totals, strict=True))
    if col_totals is not None:
        assert result.col_totals is not None
        entries += list(zip(col_totals, result.col_totals, strict=True))
    if grand_total is not None:
        assert result.grand_total is not None
        entries.append((grand_total, result.grand_total))
    return entries


def _lines(table: Table, result: SuppressionResult) -> list[tuple[list[bool], bool]]:
    """(cell masks, total hidden) for every line whose total exists: rows, columns, margins.

    The grand total exists when given, or when both margins are (it is then their sum, known
    while either margin is wholly shown).
    """
    rows, row_totals, col_totals, grand_total, _, _ = table
    lines: list[tuple[list[bool], bool]] = []
    if result.row_totals is not None:
        lines += [
            (list(flags), total)
            for flags, total in zip(result.cells, result.row_totals, strict=True)
        ]
    if result.col_totals is not None:
        lines += [
            ([row[j] for row in result.cells], total) for j, total in enumerate(result.col_totals)
        ]
    grand_exists = grand_total is not None or (row_totals is not None and col_totals is not None)
    if grand_total is not None:
        grand_hidden = bool(result.grand_total)
    else:  # implicit: known while either margin is wholly shown
        grand_hidden = (
            grand_exists and any(result.row_totals or ()) and any(result.col_totals or ())
        )
    if grand_exists and result.col_totals is not None:
        lines.append((list(result.col_totals), grand_hidden))
    if grand_exists and result.row_totals is not None:
        lines.append((list(result.row_totals), grand_hidden))
    return lines


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_small_count_is_shown(table: Table) -> None:
    k = table[4]
    result = _run(table)
    assert not [
        value for value, hidden in _entries(table, result) if not hidden and is_small(value, k)
    ]


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_line_with_a_shown_total_has_exactly_one_hidden_cell(table: Table) -> None:
    result = _run(table)
    for cells, total_hidden in _lines(table, result):
        if not total_hidden:
            assert sum(cells) != 1


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_hidden_total_is_the_sum_of_shown_cells(table: Table) -> None:
    result = _run(table)
    for cells, total_hidden in _lines(table, result):
        if total_hidden:
            assert any(cells)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_hidden_count_recoverable_line_by_line(table: Table) -> None:
    """An attacker who solves any line with one unknown (cells sum to total) learns nothing."""
    rows, row_totals, col_totals, grand_total, _, _ = table
    result = _run(table)
    n_rows, n_cols = len(rows), len(rows[0])
    body = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    known = {(i, j): not result.cells[i][j] for i, j in body}
    equations: list[list[tuple[int, int]]] = []  # cells..., total
    if row_totals is not None and result.row_totals is not None:
        known.update({(i, n_cols): not hidden for i, hidden in enumerate(result.row_totals)})
        equations += [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows)]
    if col_totals is not None and result.col_totals is not None:
        known.update({(n_rows, j): not hidden for j, hidden in enumerate(result.col_totals)})
        equations += [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols)]
    if grand_total is not None or (row_totals is not None and col_totals is not None):
        # Not published when absent, but still the sum of either margin.
        known[(n_rows, n_cols)] = grand_total is not None and not result.grand_total
        if col_totals is not None:
            equations.append([(n_rows, j) for j in range(n_cols + 1)])
        if row_totals is not None:
            equations.append([(i, n_cols) for i in range(n_rows + 1)])
    hidden_counts = {pos for pos, is_known in known.items() if not is_known}
    if grand_total is None:
        hidden_counts.discard((n_rows, n_cols))
    learned: set[tuple[int, int]] = set()
    progress = True
    while progress:
        progress = False
        for equation in equations:
            unknown = [pos for pos in equation if not known[pos]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                learned.add(unknown[0])
                progress = True
    assert not (learned & hidden_counts)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_suppression_is_idempotent(table: Table) -> None:
    result = _run(table)
    assert _run(table, initial=result) == result


@settings(max_examples=300, deadline=None)
@given(tables())
def test_primary_suppression_is_kept_and_nothing_without_cause(table: Table) -> None:
    rows, row_totals, col_totals, grand_total, k, small = table
    result = _run(table)
    for i in small:
        assert all(result.cells[i])
        if result.row_totals is not None:
            assert result.row_totals[i]
    for value, hidden in _entries(table, result):
        if is_small(value, k):
            assert hidden
    if not small and not any(is_small(value, k) for value, _ in _entries(table, result)):
        assert not result.any_suppressed


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_initial_marks_are_kept_and_rules_still_hold(table: Table, data: st.DataObject) -> None:
    rows = table[0]
    marks = tuple(tuple(data.draw(st.booleans()) for _ in row) for row in rows)
    initial = SuppressionResult(
        marks,
        None if table[1] is None else tuple(False for _ in rows),
        None if table[2] is None else tuple(False for _ in rows[0]),
        None if table[3] is None else False,
    )
    result = _run(table, initial=initial)
    for mark_row, row in zip(marks, result.cells, strict=True):
        assert all(hidden for marked, hidden in zip(mark_row, row, strict=True) if marked)
    for cells, total_hidden in _lines(table, result):
        assert sum(cells) != 1 if not total_hidden else any(cells)
    assert _run(table, initial=result) == result
