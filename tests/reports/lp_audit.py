"""An independent LP audit for the tests: given a published table (None = withheld) and the
true table, the feasible interval of every withheld count under the row and column sums and
counts >= 0. Written apart from reports.disclosure so that the two check each other."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog


def table_intervals(published, row_totals, col_totals, grand_total):
    """published: rows of ints or None, with totals lists (ints or None) and grand total.
    Returns {(i, j): (lo, hi)} for every withheld entry; margins are (i, n) and (n, j)."""
    n_rows, n_cols = len(published), len(published[0])
    grid = {(i, j): published[i][j] for i in range(n_rows) for j in range(n_cols)}
    for i in range(n_rows):
        grid[(i, n_cols)] = row_totals[i] if row_totals is not None else "absent"
    for j in range(n_cols):
        grid[(n_rows, j)] = col_totals[j] if col_totals is not None else "absent"
    grid[(n_rows, n_cols)] = grand_total if grand_total is not None else (
        None if row_totals is not None and col_totals is not None else "absent")
    grid = {p: v for p, v in grid.items() if v != "absent"}
    unknown = sorted(p for p, v in grid.items() if v is None)
    col = {p: n for n, p in enumerate(unknown)}
    lines = []
    for i in range(n_rows + 1):
        if (i, n_cols) in grid:
            lines.append(([(i, j) for j in range(n_cols) if (i, j) in grid], (i, n_cols)))
    for j in range(n_cols + 1):
        if (n_rows, j) in grid:
            lines.append(([(i, j) for i in range(n_rows) if (i, j) in grid], (n_rows, j)))
    a_eq, b_eq = [], []
    for cells, total in lines:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for p, coef in [(c, 1) for c in cells] + [(total, -1)]:
            if p in col:
                row[col[p]] += coef
            else:
                rhs -= coef * grid[p]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for p in unknown:
        bounds = []
        for sign in (1, -1):
            c = np.zeros(len(unknown))
            c[col[p]] = sign
            res = linprog(c, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None, bounds=(0, None),
                          method="highs")
            bounds.append(math.inf if res.status == 3 else res.fun * sign)
        out[p] = (bounds[0], bounds[1])
    return out


def width(lo, hi):
    return math.inf if math.isinf(hi) else math.floor(hi + 1e-6) - math.ceil(lo - 1e-6)
