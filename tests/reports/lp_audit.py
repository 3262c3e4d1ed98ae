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


def report_intervals(raw: dict, pub: dict, k: int) -> list[tuple[str, int, float, float]]:
    """Audit a published report against its unsuppressed original: every withheld count of
    1..k with its feasible interval, over the relations true in the data (sums over groups,
    schools, the school x race table and months; students <= instances; a measure <= contact;
    students <= enrollment; enrollment of the groups of a dimension = the schools' enrollment;
    the compliance reason split and force with/without de-escalation). Returns
    [(name, value, lo, hi)] for every withheld count of 1..k."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    true: dict = {}
    shown: dict = {}

    def var(name, raw_value, pub_value):
        true[name] = raw_value
        if pub_value is not None:
            shown[name] = pub_value
        return name

    totals = {}
    for r, p in zip(raw["totals"], pub["totals"], strict=True):
        for f in ("instances", "students"):
            totals[(r["measure"], f)] = var(("T", r["measure"], f), r[f], p[f])
    groups = {}
    for r, p in zip(raw["groups"], pub["groups"], strict=True):
        for f in ("instances", "students"):
            groups[(r["dimension"], r["group"], r["measure"], f)] = var(
                ("G", r["dimension"], r["group"], r["measure"], f), r[f], p[f])
        var(("E", r["dimension"], r["group"]), r["enrollment"], p["enrollment"])
    schools = {}
    for r, p in zip(raw["schools"], pub["schools"], strict=True):
        for f in ("instances", "students"):
            schools[(r["school"], r["measure"], f)] = var(("S", r["school"], r["measure"], f),
                                                          r[f], p[f])
        var(("SE", r["school"]), r["enrollment"], p["enrollment"])
    sg = {}
    for r, p in zip(raw["school_groups"], pub["school_groups"], strict=True):
        sg[(r["school"], r["group"], r["measure"])] = var(
            ("SG", r["school"], r["group"], r["measure"]), r["students"], p["students"])
    months = defaultdict_list()
    for r, p in zip(raw["months"], pub["months"], strict=True):
        months[r["measure"]].append(var(("M", r["month"], r["measure"]), r["instances"],
                                        p["instances"]))
    comp_raw = (raw.get("compliance") or {}).get("interactions") or {}
    comp_pub = (pub.get("compliance") or {}).get("interactions") or {}
    for name, value in comp_raw.items():
        var(("C", name), value, comp_pub.get(name))

    eqs: list[dict] = []
    les: list[dict] = []

    def sum_rel(whole, parts, exact_only=False):
        if whole not in true or any(p not in true for p in parts):
            return
        if true[whole] == sum(true[p] for p in parts):
            rel = {whole: -1}
            for p in parts:
                rel[p] = rel.get(p, 0) + 1
            eqs.append(rel)

    def le(a, b):
        if a in true and b in true and true[a] <= true[b]:
            les.append({a: 1, b: -1})

    dims = {(d, m) for (d, _g, m, _f) in groups}
    for d, m in dims:
        for f in ("instances", "students"):
            sum_rel(totals[(m, f)], [v for (dd, _g, mm, ff), v in groups.items()
                                     if dd == d and mm == m and ff == f])
    measures = {m for (m, _f) in totals}
    school_codes = sorted({s for (s, _m, _f) in schools})
    for m in measures:
        for f in ("instances", "students"):
            sum_rel(totals[(m, f)], [schools[(s, m, f)] for s in school_codes])
        sum_rel(totals[(m, "instances")], months.get(m, []))
        race_groups = sorted({g for (_s, g, mm) in sg if mm == m})
        for s in school_codes:
            sum_rel(schools[(s, m, "students")], [sg[(s, g, m)] for g in race_groups])
        for g in race_groups:
            whole = groups.get(("race_ethnicity", g, m, "students"))
            if whole is not None:
                sum_rel(whole, [sg[(s, g, m)] for s in school_codes])
    for (d, g, m, f), v in groups.items():
        if f == "students":
            le(v, groups[(d, g, m, "instances")])
            le(v, ("E", d, g))
        if m != "contact":
            le(v, groups[(d, g, "contact", f)])
    for (s, m, f), v in schools.items():
        if f == "students":
            le(v, schools[(s, m, "instances")])
            le(v, ("SE", s))
        if m != "contact":
            le(v, schools[(s, "contact", f)])
    for (s, _g, _m), v in sg.items():
        le(v, ("SE", s))
    all_enrolled = ("SEALL",)
    true[all_enrolled] = sum(true[("SE", s)] for s in school_codes)
    if all(("SE", s) in shown for s in school_codes):
        shown[all_enrolled] = true[all_enrolled]
    sum_rel(all_enrolled, [("SE", s) for s in school_codes])
    for d in {d for (d, _g) in [(k_[1], k_[2]) for k_ in true if k_[0] == "E"]}:
        sum_rel(all_enrolled, [k_ for k_ in true if k_[0] == "E" and k_[1] == d])
    if comp_raw:
        sum_rel(("C", "outside_sro_role"), [("C", "outside_code_of_conduct"),
                                            ("C", "outside_mental_health")])
        without = ("C", "force_without")
        true[without] = comp_raw["use_of_force"] - comp_raw["force_with_de_escalation"]
        sum_rel(("C", "use_of_force"), [("C", "force_with_de_escalation"), without])
        for name in ("interactions", "use_of_force", "outside_sro_role", "arrest",
                     "restorative"):
            measure = "contact" if name == "interactions" else name
            if (measure, "instances") in totals:
                eqs.append({("C", name): 1, totals[(measure, "instances")]: -1})

    unknown = sorted((v for v in true if v not in shown), key=repr)
    col = {v: i for i, v in enumerate(unknown)}
    rels = [(r, "eq") for r in eqs] + [(r, "le") for r in les]
    rels = [(r, s) for r, s in rels if any(v in col for v in r)]
    # Components of the unknowns, linked by the relations they share.
    ri, ci = [], []
    for n, (r, _s) in enumerate(rels):
        for v in r:
            if v in col:
                ri.append(n)
                ci.append(col[v])
    incidence = coo_matrix(([1] * len(ri), (ri, ci)), shape=(len(rels), len(unknown)))
    graph = (incidence.T @ incidence).tocsr()
    _, labels = connected_components(graph, directed=False) if unknown else (0, [])
    out = []
    for target in unknown:
        value = true[target]
        if not (1 <= value <= k):
            continue
        members = [v for v in unknown if labels[col[v]] == labels[col[target]]]
        local = {v: i for i, v in enumerate(members)}
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for r, s in rels:
            if not any(v in local for v in r):
                continue
            row = np.zeros(len(members))
            rhs = 0.0
            for v, c in r.items():
                if v in local:
                    row[local[v]] += c
                else:
                    rhs -= c * shown[v]
            (a_eq if s == "eq" else a_ub).append(row)
            (b_eq if s == "eq" else b_ub).append(rhs)
        bounds = []
        for sign in (1, -1):
            c = np.zeros(len(members))
            c[local[target]] = sign
            res = linprog(c, A_eq=np.array(a_eq) if a_eq else None,
                          b_eq=np.array(b_eq) if b_eq else None,
                          A_ub=np.array(a_ub) if a_ub else None,
                          b_ub=np.array(b_ub) if b_ub else None,
                          bounds=(0, None), method="highs")
            assert res.status in (0, 3), res.message
            bounds.append(math.inf if res.status == 3 else res.fun * sign)
        out.append((repr(target), value, bounds[0], bounds[1]))
    return out


def defaultdict_list():
    from collections import defaultdict

    return defaultdict(list)
