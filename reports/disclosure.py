"""The disclosure guarantee of published board reports (docs/methods.md, "Suppression").

A publication is modelled as a set of counts, each named by a key that says what it counts
(`kind|schools@period|dimension|group|measure`), and every linear relation a reader knows
between them: sums over groups, schools and months, splits (the reasons within "outside the
SRO role", force with and without de-escalation), students <= instances, a measure <= contact,
counts <= enrollment, counts >= 0. Two publications that show the same quantity use the same
key, so a joint audit of several publications is the union of their models.

Suppression:
1. primary: every count from 1 to k (and every count of a group or school enrolling 1..k);
2. audit: for each withheld count of 1..k, a range of values it can take given every shown
   figure and every relation: proven at least k wide by feasible points (the true counts and
   a few shared linear programs, HiGHS through `highspy`), or else solved exactly (least and
   greatest value) by linear programs of its own;
3. extend: first the complements that one integer program chooses together for every count
   of 1..k (each sum holding such a count keeps at least k withheld in its parts, no
   complement is alone in a sum, fewest counts above k, reference groups and totals at their
   cost); then, while a withheld count of 1..k has an interval narrower than k, withhold
   the cheapest shown count related to it (small cells are cheap; totals, reference groups
   and enrollment are expensive) and audit again. Withholding more never narrows an
   interval, so counts that passed stay passed;
4. show again: complements, most costly first, whose showing leaves every interval at least
   k wide (within a time budget), and complements pinned to one value.

Pure functions over the report dict of schema sro-board-report/1; no database.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import bmat, csc_matrix
from scipy.sparse.csgraph import connected_components

#: An audit that takes longer than this many seconds is a failure (nothing is published). The
#: fifth of six schools published one by one takes about 50 s on the development machine;
#: gunicorn's timeout (config/gunicorn.conf.py) and the proxy's leave room for it and the report.
SOLVER_TIME_LIMIT = 90.0
#: How much work the audit may spend showing complements again once every count is
#: protected, in solver work (simplex iterations plus the size of each program solved; about
#: 1.6 s on the development machine). Counted in work, not seconds, so the same figures always
#: give the same published report, on any machine.
RESHOW_WORK = 250_000
#: Branch-and-bound nodes the integer program that chooses complements may explore (a count,
#: not seconds, for the same reason; reports seen so far need fewer than ten). Its time limit
#: is only a guard: a program stopped by it proposes nothing and the audit extends alone.
COVER_NODE_LIMIT = 10_000
#: Shared linear programs that certify many counts at once before each gets its own.
CERTIFY_ROUNDS = 32
#: A certification round that proves fewer counts than this ends the rounds (the counts left
#: take a linear program or two each, and a round costs about as much as 30 of those).
_CERTIFY_YIELD = 25

# Compliance counts that are the same quantity as a report total (interactions of the period).
COMPLIANCE_ALIASES = {
    "interactions": "contact",
    "use_of_force": "use_of_force",
    "outside_sro_role": "outside_sro_role",
    "restorative": "restorative",
    "arrest": "arrest",
}
REFERENCE_GROUPS = {
    "race_ethnicity": "white", "gender": "F", "disability": "none", "english_learner": "N",
    "foster_youth": "N", "homeless": "N", "socioeconomically_disadvantaged": "N",
}


class AuditError(Exception):
    """The audit could not establish the guarantee (solver failure, time-out, infeasible
    system, or no way to protect a count). Nothing may be published."""


@dataclass
class Model:
    """Counts and relations of one or more publications."""

    k: int
    value: dict[str, int | None] = field(default_factory=dict)
    refs: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    implicit: set[str] = field(default_factory=set)
    relations: list[tuple[tuple[tuple[str, int], ...], str]] = field(default_factory=list)
    inexact: set[str] = field(default_factory=set)
    primary: set[str] = field(default_factory=set)
    cost: dict[str, float] = field(default_factory=dict)
    siblings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    expensive: dict[str, str] = field(default_factory=dict)  # key -> "total" | "reference"
    known_inexact: set[str] | None = None  # given when rebuilding a published snapshot

    # -- reading ----------------------------------------------------------------------------
    def displayed(self) -> set[str]:
        """The counts the report shows somewhere (before suppression)."""
        return {k_ for k_ in self.value if k_ not in self.implicit and self.refs.get(k_)}

    def first_withheld(self) -> tuple[set[str], set[str]]:
        """(withheld before any complement: the primary and the implicit counts, the counts
        among them from 1 to k that must be protected)."""
        withheld = set(self.primary) | set(self.implicit)
        small = {k_ for k_ in withheld
                 if self.value.get(k_) is not None and 1 <= self.value[k_] <= self.k}
        return withheld, small

    # -- building ---------------------------------------------------------------------------
    def cell(self, key: str, value, ref: tuple | None = None, *, cost_factor: float = 1.0,
             implicit: bool = False) -> str:
        if key not in self.value or self.value[key] is None:
            self.value[key] = value
        if ref is not None:
            self.refs[key].append(ref)
            self.implicit.discard(key)  # shown somewhere: not implicit after all
        elif implicit and not self.refs.get(key):
            self.implicit.add(key)
        base = 1.0 + (value if isinstance(value, int) else 0)
        self.cost[key] = max(self.cost.get(key, 0.0), base * cost_factor)
        return key

    def rel(self, terms: list[tuple[str, int]], sense: str) -> None:
        """Add sum(coef * count) == 0 ("eq") or <= 0 ("le"). A relation that the counts
        themselves break (inconsistent input data) is not one a reader could rely on."""
        vals = [self.value.get(k_) for k_, _ in terms]
        if all(v is not None for v in vals):
            total = sum(c * v for (_, c), v in zip(terms, vals, strict=True))
            if total > 0 or (sense == "eq" and total != 0):
                self.inexact.add(_signature(terms, sense))  # remembered with the snapshot
                return
        elif self.known_inexact and _signature(terms, sense) in self.known_inexact:
            return
        self.relations.append((tuple(terms), sense))

    def le(self, a: str, b: str) -> None:
        """a <= b."""
        self.rel([(a, 1), (b, -1)], "le")

    def total(self, name: str, whole: str, parts: list[str], *, additive: bool,
              inexact: set[str] | None) -> None:
        """whole = sum(parts) when the counts add up (instances always do; students and
        enrollment do when every person is in one part); otherwise only what always holds."""
        parts = list(dict.fromkeys(parts))
        if not parts:
            return
        vals = [self.value.get(p) for p in [whole, *parts]]
        if additive:
            exact = True
        elif inexact is not None:
            exact = name not in inexact
        elif any(v is None for v in vals):
            exact = True
        else:
            exact = vals[0] == sum(vals[1:])
        if exact:
            self.rel([(whole, -1)] + [(p, 1) for p in parts], "eq")
        else:
            self.inexact.add(name)
            if name.startswith("E|"):
                return  # enrollment imports that do not add up: no relation is known
            self.rel([(whole, 1)] + [(p, -1) for p in parts], "le")  # whole <= sum
            for p in parts:
                self.le(p, whole)


def describe(key: str) -> str:
    """A count's key in words, for messages: 'students, Race or ethnicity african_american,
    Report of student misconduct, 2 schools, 2026-01-01 to 2026-06-30'."""
    from .labels import DIMENSION_LABELS, MEASURE_LABELS, humanize_code

    parts = key.split("|")
    kind = parts[0]
    if kind == "X" and "minus" in parts:
        cut = parts.index("minus")
        return (f"{describe('|'.join(parts[1:cut]))} minus "
                f"{describe('|'.join(parts[cut + 1:]))}")

    def where(scope: str) -> str:
        schools, _, period = scope.partition("@")
        n = len(schools.split(","))
        place = f"school {schools}" if n == 1 else f"{n} schools"
        return f"{place}, {period.replace('..', ' to ')}"

    if kind in ("I", "S") and len(parts) == 5:
        _, scope, d, g, meas = parts
        words = ["interactions" if kind == "I" else "students"]
        if d != "all":
            words.append(f"{DIMENSION_LABELS.get(d, humanize_code(d))} {g}")
        words += [str(MEASURE_LABELS.get(meas, humanize_code(meas))), where(scope)]
        return ", ".join(words)
    if kind in ("C", "X") and len(parts) == 3:
        return f"{humanize_code(parts[2])}, {where(parts[1])}"
    return key


def _signature(terms, sense: str) -> str:
    return "R:" + sense + ":" + ";".join(f"{c}*{k_}" for k_, c in terms)


def _scope(schools, date_from: str, date_to: str) -> str:
    return ",".join(sorted(schools)) + "@" + date_from + ".." + date_to


def _month_bounds(month: str, date_from: str, date_to: str) -> tuple[str, str]:
    year, mon = int(month[:4]), int(month[5:7])
    first = f"{year:04d}-{mon:02d}-01"
    nxt = (year + 1, 1) if mon == 12 else (year, mon + 1)
    last = (dt.date(nxt[0], nxt[1], 1) - dt.timedelta(days=1)).isoformat()
    return max(first, date_from), min(last, date_to)


def _v(entry: dict, name: str):
    value = entry.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def build_model(report: dict, k: int, *, inexact: set[str] | None = None,
                tag: str = "new") -> Model:
    """The model of one report. `report` is the unsuppressed report (values known) for a new
    publication, or a published snapshot's content (withheld values null) with the `inexact`
    relation names stored with it."""
    m = Model(k=k, known_inexact=inexact)
    p = report["parameters"]
    schools = list(p["schools"])
    df, dt_ = p["date_from"], p["date_to"]
    scope = _scope(schools, df, dt_)
    year = p["school_year"]
    escope = ",".join(sorted(schools)) + "@" + year

    def key(kind, sc, d, g, meas):
        return f"{kind}|{sc}|{d}|{g}|{meas}"

    # Totals.
    total_i, total_s = {}, {}
    for idx, t in enumerate(report["totals"]):
        meas = t["measure"]
        ki = m.cell(key("I", scope, "all", "all", meas), _v(t, "instances"),
                    (tag, "totals", idx), cost_factor=1000)
        ks = m.cell(key("S", scope, "all", "all", meas), _v(t, "students"),
                    (tag, "totals", idx), cost_factor=1000)
        m.expensive[ki] = m.expensive[ks] = "total"
        m.siblings[ki].add(ks)
        m.siblings[ks].add(ki)
        total_i[meas], total_s[meas] = ki, ks
    e_total = m.cell(f"E|{escope}|all|all|all", None, implicit=True, cost_factor=1000)

    # Groups (and the stages, which repeat group counts).
    lines: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    enroll: dict[str, dict[str, str]] = defaultdict(dict)
    small_group_keys: dict[str, list[str]] = defaultdict(list)
    for idx, e in enumerate(report["groups"]):
        d, g, meas = e["dimension"], e["group"], e["measure"]
        ref_factor = 50 if REFERENCE_GROUPS.get(d) == g else 1
        ki = m.cell(key("I", scope, d, g, meas), _v(e, "instances"), (tag, "groups", idx),
                    cost_factor=ref_factor)
        ks = m.cell(key("S", scope, d, g, meas), _v(e, "students"), (tag, "groups", idx),
                    cost_factor=ref_factor)
        ke = m.cell(f"E|{escope}|{d}|{g}|all", _v(e, "enrollment"),
                    (tag, "groups_enrollment", idx), cost_factor=20 * ref_factor)
        if ref_factor > 1:
            m.expensive[ki] = m.expensive[ks] = m.expensive[ke] = "reference group"
        m.siblings[ki].add(ks)
        m.siblings[ks].add(ki)
        lines[(d, meas)].append((ki, ks))
        enroll[d][g] = ke
        small_group_keys[ke] += [ki, ks]
    for (d, meas), cells in lines.items():
        if meas in total_i:
            m.total(f"I|{d}|{meas}", total_i[meas], [c[0] for c in cells], additive=True,
                    inexact=inexact)
            m.total(f"S|{d}|{meas}", total_s[meas], [c[1] for c in cells], additive=False,
                    inexact=inexact)
    for idx, e in enumerate(report.get("stages", [])):
        d, g, meas = e["dimension"], e["group"], e["measure"]
        for name, mm in (("students", meas), ("contacted_students", "contact")):
            k_ = key("S", scope, d, g, mm)
            if k_ in m.value:
                m.refs[k_].append((tag, "stages_" + name, idx))

    # Schools, and the school x race table.
    school_i: dict[str, list[str]] = defaultdict(list)
    school_s: dict[str, list[str]] = defaultdict(list)
    school_enr: dict[str, str] = {}
    for idx, e in enumerate(report["schools"]):
        s, meas = e["school"], e["measure"]
        sc = _scope([s], df, dt_)
        ki = m.cell(key("I", sc, "all", "all", meas), _v(e, "instances"),
                    (tag, "schools", idx), cost_factor=10)
        ks = m.cell(key("S", sc, "all", "all", meas), _v(e, "students"),
                    (tag, "schools", idx), cost_factor=10)
        ke = m.cell(f"E|{s}@{year}|all|all|all", _v(e, "enrollment"),
                    (tag, "schools_enrollment", idx), cost_factor=20)
        m.siblings[ki].add(ks)
        m.siblings[ks].add(ki)
        school_i[meas].append(ki)
        school_s[meas].append(ks)
        school_enr[s] = ke
        small_group_keys[ke] += [ki, ks]
    for meas in school_i:
        if meas in total_i and len(school_i[meas]) > 1:
            m.total(f"Is|{meas}", total_i[meas], school_i[meas], additive=True, inexact=inexact)
            m.total(f"Ss|{meas}", total_s[meas], school_s[meas], additive=False,
                    inexact=inexact)
    school_values = [m.value.get(v) for v in school_enr.values()]
    if school_enr and all(v is not None for v in school_values) and inexact is None:
        m.value[e_total] = sum(school_values)
    for d, groups in enroll.items():
        m.total(f"E|{d}", e_total, list(groups.values()), additive=False, inexact=inexact)
    if school_enr and list(school_enr.values()) != [e_total]:
        m.total("E|schools", e_total, list(school_enr.values()), additive=False,
                inexact=inexact)
    by_school: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_race: dict[tuple[str, str], list[str]] = defaultdict(list)
    for idx, e in enumerate(report.get("school_groups", [])):
        s, d, g, meas = e["school"], e["dimension"], e["group"], e["measure"]
        sc = _scope([s], df, dt_)
        ks = m.cell(key("S", sc, d, g, meas), _v(e, "students"), (tag, "school_groups", idx),
                    cost_factor=2)
        by_school[(s, meas)].append(ks)
        by_race[(g, meas)].append(ks)
        if s in school_enr:
            small_group_keys[school_enr[s]].append(ks)
            m.le(ks, school_enr[s])
        eg = enroll.get(d, {}).get(g)
        if eg is not None:
            small_group_keys[eg].append(ks)
    for (s, meas), parts in by_school.items():
        m.total(f"Sg|{s}|{meas}", key("S", _scope([s], df, dt_), "all", "all", meas), parts,
                additive=False, inexact=inexact)
    for (g, meas), parts in by_race.items():
        whole = key("S", scope, "race_ethnicity", g, meas)
        if whole in m.value:
            m.total(f"Sr|{g}|{meas}", whole, parts, additive=False, inexact=inexact)

    # Months.
    month_keys: dict[str, list[str]] = defaultdict(list)
    for idx, e in enumerate(report.get("months", [])):
        a, b = _month_bounds(e["month"], df, dt_)
        k_ = m.cell(key("I", _scope(schools, a, b), "all", "all", e["measure"]),
                    _v(e, "instances"), (tag, "months", idx), cost_factor=2)
        month_keys[e["measure"]].append(k_)
    for meas, parts in month_keys.items():
        if meas in total_i and not (len(parts) == 1 and parts[0] == total_i[meas]):
            m.total(f"Im|{meas}", total_i[meas], parts, additive=True, inexact=inexact)

    # Compliance counts, their splits, and record-access counts.
    comp = (report.get("compliance") or {}).get("interactions") or {}
    ckeys: dict[str, str] = {}
    for name, value in comp.items():
        if isinstance(value, bool) or not (isinstance(value, int) or value is None):
            continue
        alias = COMPLIANCE_ALIASES.get(name)
        if alias is not None and alias in total_i and (
            value is None or m.value.get(total_i[alias]) in (None, value)
        ):
            k_ = total_i[alias]
            m.refs[k_].append((tag, "compliance", name))
        else:
            k_ = m.cell(f"C|{scope}|{name}", value, (tag, "compliance", name), cost_factor=5)
        ckeys[name] = k_

    def implicit(name, value_terms):
        vals = [m.value.get(t) for t, _ in value_terms]
        value = (sum(c * v for (_, c), v in zip(value_terms, vals, strict=True))
                 if all(v is not None for v in vals) else None)
        return m.cell(f"X|{scope}|{name}", value, implicit=True)

    if {"outside_sro_role", "outside_code_of_conduct", "outside_mental_health"} <= set(ckeys):
        m.rel([(ckeys["outside_sro_role"], -1), (ckeys["outside_code_of_conduct"], 1),
               (ckeys["outside_mental_health"], 1)], "eq")
    if {"use_of_force", "force_with_de_escalation"} <= set(ckeys):
        x = implicit("force_without_de_escalation",
                     [(ckeys["use_of_force"], 1), (ckeys["force_with_de_escalation"], -1)])
        m.rel([(ckeys["use_of_force"], -1), (ckeys["force_with_de_escalation"], 1), (x, 1)],
              "eq")
        if "de_escalation" in ckeys:
            m.le(ckeys["force_with_de_escalation"], ckeys["de_escalation"])
    if "interactions" in ckeys:
        for name in ("gc12525_reportable", "serious_injury", "de_escalation",
                     "outside_sro_role", "use_of_force", "restorative", "arrest"):
            if name in ckeys:
                m.le(ckeys[name], ckeys["interactions"])
        if "de_escalation" in ckeys:
            x = implicit("without_de_escalation",
                         [(ckeys["interactions"], 1), (ckeys["de_escalation"], -1)])
            m.rel([(ckeys["interactions"], -1), (ckeys["de_escalation"], 1), (x, 1)], "eq")
    access = (report.get("compliance") or {}).get("record_access") or {}
    for section in ("requests", "log_entries"):
        for idx, e in enumerate(access.get(section, [])):
            parts = "|".join(str(e.get(f, "")) for f in ("basis", "status", "kind"))
            m.cell(f"R|{scope}|{section}|{parts}", _v(e, "count"), (tag, "access", section, idx))

    # Order relations: students <= instances; a measure <= contact; counts <= enrollment.
    for k_ in list(m.value):
        kind, rest = k_.split("|", 1)
        if kind not in ("I", "S"):
            continue
        sc, d, g, meas = rest.split("|")
        if kind == "S":
            inst = f"I|{rest}"
            if inst in m.value:
                m.le(k_, inst)
            enr = None
            if "," not in sc.split("@")[0] and d in ("all", "race_ethnicity"):
                enr = school_enr.get(sc.split("@")[0])
            if d != "all" and sc == scope:
                enr = enroll.get(d, {}).get(g)
            if enr is not None:
                m.le(k_, enr)
        if meas != "contact":
            contact = f"{kind}|{sc}|{d}|{g}|contact"
            if contact in m.value:
                m.le(k_, contact)

    # Primary suppression.
    for k_, value in m.value.items():
        if value is not None and 1 <= value <= k:
            m.primary.add(k_)
    for enr, keys in small_group_keys.items():
        value = m.value.get(enr)
        if value is not None and 1 <= value <= k:
            m.primary.update(keys)
            m.primary.add(enr)
    for k_ in sorted(m.primary):
        m.primary.update(m.siblings.get(k_, ()))
    return m


# --------------------------------------------------------------------------------------------
# Audit
# --------------------------------------------------------------------------------------------


@dataclass
class AuditResult:
    withheld: set[str]
    intervals: dict[str, tuple[float, float]]
    reasons: dict[str, str]
    solver_seconds: float
    lp_count: int
    # Counts no publication shows but two together give (the second half of a year that a year
    # and its first half were published for), protected like shown ones: `_across`.
    rests: set[str] = field(default_factory=set)
    # Counts earlier publications already narrowed to less than k, with the range they leave
    # (and this report leaves): `_pinned_before`.
    narrowed_before: dict[str, tuple[float, float]] = field(default_factory=dict)

    def narrowest(self, protect: set[str]) -> float | None:
        widths = [_width(*self.intervals[k]) for k in protect if k in self.intervals]
        return min(widths) if widths else None


def _width(lo: float, hi: float) -> float:
    if math.isinf(hi):
        return math.inf
    return math.floor(hi + 1e-6) - math.ceil(lo - 1e-6)


class _Audit:
    def __init__(self, relations, known: dict[str, int], deadline: float,
                 truth: dict[str, int | None] | None = None):
        self.relations = relations
        self.known = known
        self.truth = truth or {}
        self.deadline = deadline
        self.lp_count = 0
        # Work done by the solver (simplex iterations, plus the size of each program solved):
        # a measure of effort that, unlike seconds, is the same on every run.
        self.work = 0
        self.binding: dict[str, set[int]] = {}  # relations that pin a failing count
        # Counts that publications before this one already narrowed to less than k: the width
        # each must keep (`_pinned_before`); every other count must keep k.
        self.need: dict[str, int] = {}
        # Sums two publications give together (`_difference_sums`), by each count in them.
        self.pairs_of: dict[str, list] = {}
        # The sums of the reports, by each count in them (`_exposed`), and the withheld counts
        # the shown ones give exactly (`_given`), for showing complements again.
        self.sums_of: dict[str, list] = defaultdict(list)
        self.given: dict[str, int] = {}
        # Per audited count: (column of each count of its part, a feasible point where it
        # takes its least value in its range, one where it takes its greatest).
        self.witness: dict[str, tuple[dict[str, int], np.ndarray, np.ndarray]] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for i, (terms, _) in enumerate(relations):
            for k_, _c in terms:
                self.by_key[k_].append(i)
        # Every relation as one sparse row over every count, for `system`.
        self.keys = sorted(self.by_key)
        self.key_index = {k_: i for i, k_ in enumerate(self.keys)}
        entries = [(i, self.key_index[k_], c) for i, (terms, _) in enumerate(relations)
                   for k_, c in terms]
        ri, ci, vi = zip(*entries, strict=True) if entries else ((), (), ())
        shape = (len(relations), len(self.keys))
        self.by_column = csc_matrix((np.array(vi, dtype=float), (ri, ci)), shape=shape)
        self.by_row = self.by_column.tocsr()
        self.is_eq = np.array([sense == "eq" for _, sense in relations], dtype=bool)

    def short(self, target: str, interval: tuple[float, float], k: int) -> bool:
        """Whether `interval` is narrower than `target` must stay: k, or for a count earlier
        publications already narrowed, the range they leave it."""
        return _width(*interval) < min(k, self.need.get(target, k))

    def components(self, unknown: set[str]) -> list[set[str]]:
        """The parts of the unknown counts (linked through relations), in the order of their
        first key."""
        ordered = sorted(unknown)
        linked = [k_ for k_ in ordered if k_ in self.key_index]
        if not linked or not self.relations:
            return [{k_} for k_ in ordered]
        columns = np.array([self.key_index[k_] for k_ in linked], dtype=np.int64)
        incidence = self.by_column[:, columns]
        incidence.data = np.ones_like(incidence.data)
        # Relations and counts as one graph: a count is linked to each relation it is in.
        n_rel, n = incidence.shape
        graph = bmat([[None, incidence], [incidence.T, None]], format="csr")
        _, labels = connected_components(graph, directed=False)
        label = dict(zip(linked, labels[n_rel:].tolist(), strict=True))
        comps: dict[object, set[str]] = {}
        for k_ in ordered:
            comps.setdefault(label.get(k_, ("alone", k_)), set()).add(k_)
        return list(comps.values())  # in order of their first key: deterministic

    def component_of(self, start: str, unknown: set[str], limit: int | None = None
                     ) -> set[str] | None:
        """The component of `start` among the unknown counts (linked through relations);
        None as soon as it has more than `limit` counts."""
        seen = {start}
        stack = [start]
        done: set[int] = set()  # each relation is read once
        while stack:
            k_ = stack.pop()
            for r in self.by_key[k_]:
                if r in done:
                    continue
                done.add(r)
                for kk, _ in self.relations[r][0]:
                    if kk in unknown and kk not in seen:
                        seen.add(kk)
                        stack.append(kk)
                if limit is not None and len(seen) > limit:
                    return None
        return seen

    def system(self, comp: set[str]):
        """The relations of a part as a sparse system over its counts (the shown counts are
        constants): (counts, column of each, matrix, right-hand side, number of equations
        (the first rows), relation of each row)."""
        variables = sorted(comp)
        col = {k_: i for i, k_ in enumerate(variables)}
        columns = np.array([self.key_index[k_] for k_ in variables], dtype=np.int64)
        sub = self.by_column[:, columns].tocsr()
        sub.sort_indices()
        touched = np.flatnonzero(np.diff(sub.indptr))
        # Rows in the order they are met going through the counts in order (each count's
        # relations in their order), equations first.
        first = sub.indices[sub.indptr[touched]]
        touched = touched[np.lexsort((touched, first))]
        eq = self.is_eq[touched]
        rows = np.concatenate([touched[eq], touched[~eq]])
        n_eq = int(eq.sum())
        values = np.full(len(self.keys), np.nan)  # the shown counts; 0 for the part's own
        for k_, v in self.known.items():
            idx = self.key_index.get(k_)
            if idx is not None and v is not None:
                values[idx] = v
        values[columns] = 0.0
        rhs = -(self.by_row[rows] @ values)
        matrix = sub[rows].tocsc()
        matrix.sort_indices()
        return variables, col, matrix, rhs, n_eq, rows.tolist()

    def intervals(self, comp: set[str], targets: list[str], certify_k: int = 0,
                  fail_fast: bool = False) -> dict[str, tuple[float, float]]:
        """For each target, a range of values it can take. With `certify_k`, a target may be
        certified instead of solved for: the range is then a proven sub-range at least
        certify_k wide, spanned by feasible points (docs/methods.md, "Speed"); otherwise it
        is the exact LP interval (min and max).

        Certification: the true counts are one feasible point. A few shared linear programs
        ("move every uncertified target up by as much as k, in total as much as possible",
        then down) give more feasible points; a target whose values over these points span k
        or more is certified, since every value between two feasible points is feasible
        (the feasible set is convex). Only the targets left need LPs of their own.
        With `fail_fast`, the answer stops at the first target narrower than certify_k."""
        free = {k_ for k_ in comp if k_ not in self.key_index}
        if free:
            # A count in no relation at all (a record-access count, say) is a part of its
            # own: it can be anything from 0 up.
            out = {t: (0.0, math.inf) for t in targets if t in free}
            others = [t for t in targets if t not in free]
            if others:
                out.update(self.intervals(comp - free, others, certify_k, fail_fast))
            return out
        variables, col, matrix, rhs, n_eq, row_rel = self.system(comp)
        n = len(variables)
        n_rows = len(rhs)
        truth = None
        if certify_k and len(targets) > 2:
            vals = [self.truth.get(k_) for k_ in variables]
            if all(v is not None for v in vals):
                point = np.array(vals, dtype=float)
                lhs = matrix @ point
                # The true counts certify nothing unless they satisfy every relation used
                # (they do unless the data changed since an earlier publication).
                if (np.all(np.abs(lhs[:n_eq] - rhs[:n_eq]) <= 1e-9)
                        and np.all(lhs[n_eq:] <= rhs[n_eq:] + 1e-9)):
                    truth = point
            if truth is None:
                # Values withheld by an earlier snapshot are not known here: any feasible
                # point serves as the reference instead (an LP without objective).
                probe = _lp_solver(matrix, rhs, n_eq, n)
                probe.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 0.01))
                self.lp_count += 1
                probe.run()
                if probe.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                    point = np.asarray(probe.getSolution().col_value[:n])
                    if np.all(point >= -1e-7):
                        truth = point
        # With the true counts, the shared rounds keep each target within k of its true value
        # (bounds on its column, lifted before the targets' own programs): "as far up as
        # possible in total" is then "each up by as much as k". Narrowing the feasible set
        # can only make fewer points feasible, never one that is not.
        t_cols = [col[t] for t in targets] if truth is not None else []
        m_t = len(t_cols)
        solver = _lp_solver(matrix, rhs, n_eq, n)
        if m_t:
            tv = truth[t_cols]
            solver.changeColsBounds(m_t, np.array(t_cols, dtype=np.int32),
                                    np.maximum(tv - certify_k, 0.0), tv + certify_k)
        solver.setOptionValue("simplex_strategy", 1)
        solver.setOptionValue("presolve", "on")
        fresh = [True]
        status = highspy.HighsModelStatus
        costed: list[int] = []

        def run(columns, maximize, label):
            """Optimise the sum of `columns` (indices); the model status."""
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise AuditError("The disclosure audit ran out of time; nothing was "
                                 "published. Publish a smaller report or try again.")
            if costed:
                solver.changeColsCost(len(costed), np.array(costed, dtype=np.int32),
                                      np.zeros(len(costed)))
            solver.changeColsCost(len(columns), np.array(columns, dtype=np.int32),
                                  np.ones(len(columns)))
            costed[:] = columns
            solver.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                                        else highspy.ObjSense.kMinimize)
            solver.setOptionValue("time_limit", solver.getRunTime() + float(remaining))
            self.lp_count += 1
            solver.run()
            self.work += n + max(solver.getInfo().simplex_iteration_count, 0)
            result = solver.getModelStatus()
            if fresh:
                # The first solve starts from nothing: the dual simplex after presolve finds
                # it many times faster. The later ones start from the last basis, which a new
                # objective keeps feasible: primal simplex, no presolve. Presolve may answer
                # "unbounded or infeasible" where the simplex tells which: asked again then.
                fresh.clear()
                solver.setOptionValue("simplex_strategy", 4)
                solver.setOptionValue("presolve", "off")
                if result == status.kUnboundedOrInfeasible:
                    self.lp_count += 1
                    solver.run()
                    result = solver.getModelStatus()
            if result in (status.kInfeasible, status.kUnboundedOrInfeasible) and not (
                    result == status.kUnboundedOrInfeasible and maximize):
                raise AuditError(
                    "The disclosure audit found the published figures inconsistent "
                    f"(infeasible around {label}); nothing was published. If data "
                    "changed since an earlier publication of this school year, the two "
                    "cannot be audited together.")
            if result == status.kTimeLimit:
                raise AuditError("The disclosure audit ran out of time; nothing was "
                                 "published. Publish a smaller report or try again.")
            if result not in (status.kOptimal, status.kUnbounded,
                              status.kUnboundedOrInfeasible):
                raise AuditError("The disclosure audit's solver failed "
                                 f"({solver.modelStatusToString(result)}); nothing was "
                                 "published.")
            return result

        def extreme(target, maximize):
            """The greatest (or least) value of target: math.inf when unbounded."""
            result = run([col[target]], maximize, target)
            if result == status.kOptimal:
                return solver.getInfo().objective_function_value
            return math.inf

        def binding() -> set[int]:
            """The relations that bound the last optimum (nonzero dual values): a count shown
            in one of them is what pins the target, so withholding it can widen the range."""
            duals = np.asarray(solver.getSolution().row_dual[:n_rows])
            return {row_rel[i] for i in np.flatnonzero(np.abs(duals) > 1e-9)}

        out = {}
        if m_t:
            tc = np.array(t_cols)
            lowv = truth[tc].copy()
            highv = lowv.copy()
            points = [truth]  # the feasible points seen; per target, where its least and
            low_at = np.zeros(m_t, dtype=int)  # greatest values were seen
            high_at = np.zeros(m_t, dtype=int)

            def seen(x) -> None:
                """Record a feasible point: each target can take its value there."""
                points.append(x)
                v = x[tc]
                low_at[v < lowv] = len(points) - 1
                high_at[v > highv] = len(points) - 1
                np.minimum(lowv, v, out=lowv)
                np.maximum(highv, v, out=highv)

            def proven() -> np.ndarray:
                return (np.floor(highv + 1e-6) - np.ceil(lowv - 1e-6)) >= certify_k

            left = np.arange(m_t)
            stale = 0
            few = min(_CERTIFY_YIELD, max(1, len(targets) // 20))
            # After a first round each way, each round moves up (the counts to protect are
            # mostly small: there is more room above them than below) and rewards the moves
            # of a random half of the targets left (seeded: the same audit makes the same
            # choices): two targets that can only move against each other (a count and the
            # rest beside it in a shown whole) are then often apart, and one of them moves
            # without the other's move being held against it.
            rng = np.random.default_rng(len(targets))
            for rnd in range(CERTIFY_ROUNDS):
                chosen = left if rnd < 2 else left[rng.random(len(left)) < 0.5]
                if not len(chosen):
                    continue
                # Up (the sum of their values as great as it can be), down, then up.
                if run([t_cols[int(j)] for j in chosen], rnd != 1,
                       "certification") != status.kOptimal:
                    break
                x = np.asarray(solver.getSolution().col_value[:n])
                if np.any(x < -1e-7):
                    break
                seen(x)
                still = left[~proven()[left]]
                stale = stale + 1 if len(still) == len(left) else 0
                proved = len(left) - len(still)
                left = still
                if not len(left) or stale >= 3 or (rnd >= 2 and proved < few):
                    break
            solver.changeColsBounds(m_t, np.array(t_cols, dtype=np.int32), np.zeros(m_t),
                                    np.full(m_t, highspy.kHighsInf))
        index = {t: j for j, t in enumerate(targets)}
        full_truth = None  # the true counts of the part, when all are known and feasible
        if truth is not None:
            full_truth = truth
        elif all(self.truth.get(k_) is not None for k_ in variables):
            point = np.array([self.truth[k_] for k_ in variables], dtype=float)
            lhs = matrix[:n_rows, :n] @ point
            if (np.all(np.abs(lhs[:n_eq] - rhs[:n_eq]) <= 1e-9)
                    and np.all(lhs[n_eq:n_rows] <= rhs[n_eq:n_rows] + 1e-9)):
                full_truth = point

        def witness(target, low_point, high_point) -> None:
            """Remember two feasible points spanning the target's range (docs/methods.md,
            "Showing complements again"); None where there is none (an unbounded range)."""
            if low_point is None or high_point is None:
                self.witness.pop(target, None)
            else:
                self.witness[target] = (col, low_point, high_point)

        for target in targets:
            if m_t and proven()[index[target]]:
                j = index[target]
                out[target] = (float(lowv[j]), float(highv[j]))
                witness(target, points[low_at[j]], points[high_at[j]])
                continue
            hi = extreme(target, maximize=True)
            high_point = None
            if not math.isinf(hi):
                high_point = np.array(solver.getSolution().col_value[:n], dtype=float)
                if m_t:
                    seen(high_point)  # proves others too
            known = self.truth.get(target) if certify_k else None
            low_point = full_truth
            if m_t:
                j = index[target]
                known = float(lowv[j])  # the least value seen at a feasible point
                low_point = points[low_at[j]]
            if known is not None and _width(known, hi) >= certify_k:
                out[target] = (float(known), hi)  # that value is feasible too
                witness(target, low_point, high_point)
                continue
            bound = binding() if not math.isinf(hi) else set()
            lo = extreme(target, maximize=False)
            low_point = np.array(solver.getSolution().col_value[:n], dtype=float)
            if m_t:
                seen(low_point)
            if certify_k and _width(lo, hi) < certify_k:
                self.binding[target] = bound | binding()
            out[target] = (lo, hi)
            witness(target, low_point, high_point)
            if fail_fast and certify_k and self.short(target, (lo, hi), certify_k):
                break  # the caller only needs to know that one fails
        return out


def _lp_solver(matrix, rhs, n_eq: int, n: int):
    """A HiGHS instance holding `matrix` x (= rhs on the first n_eq rows, <= rhs on the
    others), the n columns >= 0; no objective yet."""
    n_all = len(rhs)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, n_all
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.concatenate([rhs[:n_eq], np.full(n_all - n_eq, -highspy.kHighsInf)])
    lp.row_upper_ = rhs
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    solver = _new_solver()
    solver.setOptionValue("presolve", "off")  # definite answers; warm starts between runs
    # Primal simplex: a new objective keeps the last basis feasible (a warm start).
    solver.setOptionValue("simplex_strategy", 4)
    solver.passModel(lp)
    return solver


_banner_shown = False


def _new_solver():
    """A silent HiGHS instance. HiGHS prints a banner on standard output once per process, on
    the first instance: that one is made with the output sent to /dev/null, so a command's
    output (`publish_report` prints its id on its first line) stays clean."""
    global _banner_shown
    if not _banner_shown:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            solver = highspy.Highs()
            solver.setOptionValue("output_flag", False)
        finally:
            os.dup2(saved, 1)
            os.close(devnull)
            os.close(saved)
        _banner_shown = True
        return solver
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    return solver


def protect(models: list[Model], *, k: int, candidates: set[str], protect_keys: set[str],
            withheld: set[str], time_limit: float = SOLVER_TIME_LIMIT,
            truth: dict[str, int] | None = None) -> AuditResult:
    """Audit, and withhold more of `candidates` until every key of `protect_keys` has a
    feasible interval at least k wide. `withheld` is what is not shown (modified copy
    returned); the models give relations and the shown values; `truth` the values of counts
    earlier publications withheld, where known."""
    start = time.monotonic()
    relations = [r for mm in models for r in mm.relations]
    values: dict[str, int | None] = dict(truth or {})
    cost: dict[str, float] = {}
    siblings: dict[str, set[str]] = defaultdict(set)
    for mm in models:
        for k_, v in mm.value.items():
            if values.get(k_) is None:
                values[k_] = v
        for k_, c in mm.cost.items():
            cost[k_] = max(cost.get(k_, 0), c)
        for k_, sib in mm.siblings.items():
            siblings[k_] |= sib
    # The sums of every report, the new one's first (an earlier report's line whose withheld
    # groups the new one would give by pinning its withheld total counts too).
    own = [r for r in dict.fromkeys(r for mm in models for r in mm.relations) if r[1] == "eq"]
    differences = _difference_sums(models)  # and the sums two publications give together
    pairs_of: dict[str, list] = defaultdict(list)
    for pairs in differences:
        for w, p, _ in pairs:
            pairs_of[w].append(pairs)
            pairs_of[p].append(pairs)
    across, rests = _across(models, values, k, protect_keys)
    relations += across
    relations = list(dict.fromkeys(relations))
    # A count between two publications that is 1..k, made by the new one, is protected too;
    # so is one an earlier publication protected (its key is in that audit's record).
    for rest, (value, _whole, _part) in rests.items():
        values[rest] = value
    new_rests = {r for r in rests if r not in protect_keys}
    protect_keys = set(protect_keys) | set(rests)
    # Never shown: the rests, and the other schools' lines (`_across`), which no report shows.
    shown_somewhere = {k_ for mm in models for k_ in mm.value}
    unpublished = {k_ for terms, _ in across for k_, _ in terms if k_ not in shown_somewhere}
    withheld = set(withheld) | set(rests) | unpublished
    known = {k_: v for k_, v in values.items() if k_ not in withheld}
    audit = _Audit(relations, known, start + time_limit, truth=values)
    intervals: dict[str, tuple[float, float]] = {}
    reasons: dict[str, str] = {}
    expensive = {e for mm in models for e in mm.expensive}
    for add, target in _inherited(across, withheld, candidates).items():
        withheld.add(add)
        known.pop(add, None)
        reasons[add] = target
    for add, target in (_cover(relations, values, withheld, candidates, protect_keys, siblings,
                              cost, expensive, k, time_limit / 4) or {}).items():
        withheld.add(add)
        known.pop(add, None)
        reasons[add] = target
    ok: set[str] = set()
    dirty: set[str] | None = None  # None: audit every component
    before: set | None = None  # sums exposed by the earlier reports alone

    def hold(pick: str, why: str, dirty: set[str]) -> None:
        """Withhold `pick` (with its students or instances partner), protecting `why`."""
        for add in sorted({pick} | siblings.get(pick, set())):
            if add not in withheld and add in candidates:
                withheld.add(add)
                known.pop(add, None)
                dirty.add(add)
                reasons[add] = why

    while True:
        failing: list[tuple[str, set[str], float]] = []
        for comp in audit.components(withheld):
            targets = sorted(k_ for k_ in comp if k_ in protect_keys and k_ not in ok)
            if not targets or (dirty is not None and comp.isdisjoint(dirty)):
                failing += [(t, comp, _width(*intervals[t])) for t in targets
                            if t in intervals and audit.short(t, intervals[t], k)]
                continue
            for t, iv in audit.intervals(comp, targets, certify_k=k).items():
                intervals[t] = iv
                if not audit.short(t, iv, k):
                    ok.add(t)
                else:
                    failing.append((t, comp, _width(*iv)))
        if failing and dirty is None:
            # Counts the earlier publications already narrowed to less than k keep the range
            # they leave; the others go on being protected.
            audit.need.update(_pinned_before(audit, [t for t, _, _ in failing],
                                             withheld | candidates, k))
            ok |= {t for t, _, _ in failing if not audit.short(t, intervals[t], k)}
            failing = [f for f in failing if f[0] not in ok]
        if not failing:
            # A sum whose withheld parts add up to 1..k with everything else shown gives that
            # count of students (or interactions) exactly, though each part has its range:
            # one more part is withheld, the cheapest, and the audit runs again.
            # A withheld count the shown ones give exactly (a line's total, by another line shown
            # in full) is as good as shown here. Sums so exposed whatever this report withholds
            # were exposed by the reports before it, and are left as they are.
            given = _given(audit, withheld)
            if before is None:
                everything = withheld | candidates
                unknown = everything - _given(audit, everything).keys()
                before = {terms for terms, _ in own if _exposed(terms, unknown, values, k)}
            unknown = withheld - given.keys()
            exposed = [terms for terms, _ in own if terms not in before
                       and _exposed(terms, unknown, values, k)]
            exposed_pairs = [pairs for pairs in differences
                             if _exposed_pairs(pairs, unknown, values, k) is not None]
            if not exposed and not exposed_pairs:
                break
            dirty = set()
            for pairs in exposed_pairs:
                add = _settle_pairs(pairs, unknown, candidates, values, cost, k)
                if add is None:
                    raise AuditError(
                        "This report cannot be published: with the reports already published "
                        "for this school year, the counts withheld in the sum of "
                        f"{describe(pairs[0][0])} minus {describe(pairs[0][1])} would add up "
                        f"to between 1 and {k}, and no further count of it can be withheld; "
                        "nothing was published.")
                hold(add, next((j for pair in pairs for j in pair[:2]
                                if j in withheld and j in protect_keys), add), dirty)
            unknown = withheld - _given(audit, withheld).keys() if dirty else unknown
            for terms in exposed:
                if not _exposed(terms, unknown, values, k):
                    continue  # a part withheld for an earlier sum settled this one too
                # One more part of the sum, or else a count that gives one of its withheld
                # parts (a shown group of the line that gives the total).
                options = sorted((cost.get(j, 1.0), j) for j, _ in terms
                                 if j in candidates and j not in withheld)
                if not options:
                    options = sorted((cost.get(j, 1.0), j) for j in _givers(
                        audit, [j for j, _ in terms], given, candidates, withheld))
                if not options:
                    raise AuditError(
                        "This report cannot be published: the counts withheld in the sum "
                        f"of {describe(terms[0][0])} would add up to between 1 and {k}, and "
                        "no further count of it can be withheld; nothing was published.")
                why = next((j for j, _ in terms if j in withheld and j in protect_keys),
                           terms[0][0])
                held = len(dirty)
                hold(options[0][1], why, dirty)
                if len(dirty) > held:
                    unknown = withheld - _given(audit, withheld).keys()
            continue
        dirty = set()
        # A failing count bounded above by another failing count (an arrest count by the
        # group's contact count, students by instances) waits for that one: protecting the
        # bound first often protects it too, and a pick made now would be made against a bound
        # that is about to move.
        failing_keys = {t for t, _, _ in failing}
        waiting = {t for t, _, _ in failing
                   if any(sense == "le" and terms[0] == (t, 1) and len(terms) == 2
                          and terms[1][0] in failing_keys
                          for terms, sense in (audit.relations[r] for r in audit.by_key[t]))}
        if len(waiting) == len(failing_keys):
            waiting = set()
        for target, comp, width in failing:
            if target in waiting:
                continue
            # One pick per failing count per round, unless a count withheld this round is
            # already in one of its relations (it may be enough: the next audit tells).
            near = {kk for r in audit.by_key[target] for kk, _ in audit.relations[r][0]}
            if not near.isdisjoint(dirty):
                continue
            pick = _pick(audit, target, comp, candidates, withheld, values, cost,
                         min(k, audit.need.get(target, k)) - width,
                         siblings, k)
            if pick is None:
                if dirty:
                    continue  # counts were withheld this round: audit again first
                raise AuditError(f"No further count can be withheld to protect {target}; "
                                 "nothing was published.")
            hold(pick, target, dirty)
    audit.pairs_of = pairs_of
    for terms, _ in own:
        if terms not in (before or set()):
            for j, _c in terms:
                audit.sums_of[j].append(terms)
    audit.given = _given(audit, withheld)
    _reshow(audit, withheld, protect_keys, reasons, siblings, values, cost, intervals, k,
            budget=RESHOW_WORK)
    # A complement that the other figures pin to one value protects nothing and only looks
    # withheld: show it again (the feasible set does not change, so neither do the ranges).
    for added in sorted(reasons):
        group = sorted(({added} | siblings.get(added, set())) & withheld)
        if any(g in protect_keys or g not in candidates for g in group):
            continue
        exact = True
        for g in group:
            comp = audit.component_of(g, withheld, limit=_TRIAL_LIMIT)
            if comp is None:  # not worth its cost in a large component
                exact = False
                break
            try:
                lo, hi = audit.intervals(comp, [g])[g]
            except AuditError:  # out of time: it stays withheld, which is always safe
                exact = False
                break
            if math.isinf(hi) or hi - lo > 1e-6:
                exact = False
                break
        if exact:
            for g in group:
                withheld.discard(g)
                audit.known[g] = values[g]
                reasons.pop(g, None)
    return AuditResult(withheld=withheld, intervals=intervals, reasons=reasons,
                       solver_seconds=time.monotonic() - start, lp_count=audit.lp_count,
                       rests=new_rests,
                       narrowed_before={t: intervals[t] for t in audit.need if t in intervals})


def _exposed(terms, hidden: set[str], values, k: int) -> bool:
    """Whether the withheld counts of a sum, two or more on one side of it with every other
    count shown, add up to a count of 1..k (two withheld groups of a line whose total and
    other groups are shown: 442 - 441 = 1 student)."""
    parts = [(j, c) for j, c in terms if j in hidden]
    if len(parts) < 2 or len({c > 0 for _, c in parts}) != 1:
        return False
    vals = [values.get(j) for j, _ in parts]
    if any(v is None for v in vals):
        return False
    return 1 <= sum(abs(c) * v for (_, c), v in zip(parts, vals, strict=True)) <= k


def _given(audit: _Audit, hidden: set[str], known: dict[str, int] | None = None,
           start=None) -> dict[str, int]:
    """The withheld counts that the shown ones give exactly through equations, one unknown at
    a time ({count: the relation that gives it}): a line's withheld total when another line
    of the same total is shown in full, then what that total gives in turn. `known`: counts
    already found given; `start`: look only from the relations of these counts (those just
    shown)."""
    given = dict(known or {})
    queue = (list(range(len(audit.relations))) if start is None
             else [r for k_ in start for r in audit.by_key.get(k_, ())])
    while queue:
        r = queue.pop()
        terms, sense = audit.relations[r]
        if sense != "eq":
            continue
        unknown = [k_ for k_, _ in terms if k_ in hidden and k_ not in given]
        if len(unknown) == 1:
            given[unknown[0]] = r
            queue.extend(audit.by_key[unknown[0]])
    return given


def _givers(audit: _Audit, keys, given: dict[str, int], candidates, withheld) -> set[str]:
    """The counts this report shows (and may withhold) in the relations that give `keys`
    exactly, following given counts back to what gives them."""
    out: set[str] = set()
    seen: set[str] = set()
    stack = [j for j in keys if j in given]
    while stack:
        j = stack.pop()
        if j in seen:
            continue
        seen.add(j)
        for kk, _ in audit.relations[given[j]][0]:
            if kk in candidates and kk not in withheld:
                out.add(kk)
            elif kk in given and kk != j:
                stack.append(kk)
    return out


def _difference_sums(models: list[Model]) -> list[list[tuple[str, str, int]]]:
    """Sums of instances that two publications give together and neither shows: a line of a
    period (or set of schools) minus the same line of a period (or schools) inside it, group by
    group, where the new report is one of the two. [(count of the whole, count of the part,
    coefficient)] per sum: the second half's groups of a line add up to its total, each group
    the year's minus the first half's (docs/methods.md, "Sums of withheld counts")."""
    mine = set(models[0].value)
    by_scope: dict[str, list[tuple]] = defaultdict(list)
    for mm in models:
        for terms, sense in mm.relations:
            if sense != "eq" or not all(j.startswith("I|") for j, _ in terms):
                continue
            scopes = {_scope_of(j) for j, _ in terms}
            if len(scopes) == 1:
                by_scope[scopes.pop()].append(terms)
    everything = {k_ for mm in models for k_ in mm.value}
    out: list[list[tuple[str, str, int]]] = []
    seen: set[tuple] = set()
    for whole in sorted(by_scope):
        for part in sorted(by_scope):
            if part == whole or not _inside(part, whole):
                continue
            for terms in by_scope[whole]:
                pairs = [(j, _rescope(j, whole, part), c) for j, c in terms]
                if not all(p in everything for _, p, _ in pairs):
                    continue
                if not any(w in mine or p in mine for w, p, _ in pairs):
                    continue
                key = tuple(pairs)
                if key not in seen:
                    seen.add(key)
                    out.append(pairs)
    return out


def _inside(part: str, whole: str) -> bool:
    """Whether the scope `part` (schools@period) lies inside `whole`: the same schools and a
    period inside its period, or the same period and some of its schools."""
    ps, _, pp = part.partition("@")
    ws, _, wp = whole.partition("@")
    (pa, _, pb), (wa, _, wb) = pp.partition(".."), wp.partition("..")
    if ps == ws:
        return wa <= pa and pb <= wb and (pa, pb) != (wa, wb)
    return pp == wp and set(ps.split(",")) < set(ws.split(","))


def _exposed_pairs(pairs, hidden: set[str], values, k: int) -> int | None:
    """The sum of the rests (whole minus part) that are not known, when two or more of them,
    on one side of the sum, add up to 1..k with every other rest known; else None."""
    unknown = [(w, p, c) for w, p, c in pairs if w in hidden or p in hidden]
    if len(unknown) < 2 or len({c > 0 for _, _, c in unknown}) != 1:
        return None
    vals = [(values.get(w), values.get(p)) for w, p, _ in unknown]
    if any(a is None or b is None for a, b in vals):
        return None
    total = sum(abs(c) * (a - b) for (_, _, c), (a, b) in zip(unknown, vals, strict=True))
    return total if 1 <= total <= k else None


def _settle_pairs(pairs, withheld, candidates, values, cost, k: int) -> str | None:
    """The count of the new report to withhold for an exposed difference sum: the cheapest
    that makes it no longer exposed, else the one adding most to it (None: none can be)."""
    options = []
    for w, p, _c in pairs:
        for j in (w, p):
            if j in candidates and j not in withheld:
                settles = _exposed_pairs(pairs, withheld | {j}, values, k) is None
                gain = (values.get(w) or 0) - (values.get(p) or 0)
                options.append((not settles, cost.get(j, 1.0) if settles else -gain, j))
    return min(options)[2] if options else None


def _pinned_before(audit: _Audit, failing: list[str], everything: set[str], k: int
                   ) -> dict[str, int]:
    """The failing counts that stay narrower than k even with every count this report may
    withhold withheld, with the width they have then ({count: width}). This report shows
    nothing new about them then: the publications before it (audited before this count was
    related to them, or before a relation was known) already narrow them. No suppression of
    this report could widen them, so none is asked for: the report must leave each exactly the
    range it has without it (a range as wide, within that one, is that one), and the audit
    record lists them (docs/methods.md, "Counts already narrowed")."""
    targets = set(failing)
    out: dict[str, int] = {}
    for comp in audit.components(everything):
        mine = sorted(targets & comp)
        if mine:
            for t, iv in audit.intervals(comp, mine, certify_k=k).items():
                if _width(*iv) < k:
                    out[t] = max(int(_width(*iv)), 0)
    return out


#: Kinds of count that add up over periods and over schools: instances (`I`) and the
#: compliance section's incident counts (`C`). Students (`S`) do not (one student can be in
#: both halves, or at two schools): a whole is at most the sum of its parts. Enrollment is per
#: school year, already one count for every period; record-access counts by status change as
#: requests are decided, so they relate across publications only by their own figures.
_ADDITIVE_KINDS = ("I", "C")
_LINKED_KINDS = ("I", "C", "S")
#: Enrolment (`E`, one count per school year) adds up over schools too.
_SCHOOL_ADDITIVE_KINDS = (*_ADDITIVE_KINDS, "E")
#: Tilings of one period (or school set) by others that the joint audit relates, at most.
_TILINGS = 8


def _across(models: list[Model], values, k: int, protected: set[str]):
    """Relations between publications that their keys imply but no single report states
    (docs/methods.md, "Across publications"): the same line (kind, dimension, group, measure)
    for one period and for periods inside it, or for a set of schools and for schools inside
    it. A part is at most its whole; where parts tile the whole exactly (the two halves of a
    year, a district's schools), instances and incident counts add up to it, and students
    are at most the sum of the parts. Only lines shown by two or more publications are
    related; a relation the known figures break (data changed between publications) is left
    out, as no reader could rely on it.

    A part inside a whole leaves a rest that no publication shows but the two give: the year
    minus its first half is the second half, a district minus one school the other schools
    (for students too: those counted in the whole and not in the part). A rest of 1..k that
    the new publication (the first model) makes, or that an earlier audit protected, is a
    count of its own to protect (`X|whole|minus|part`, whole = part + rest); any other is
    only "the part is at most the whole". Returns (relations, {protected rest: (its value
    when both counts are known, whole, part)})."""
    rests: dict[str, tuple[int | None, str, str]] = {}
    if len(models) < 2:
        return [], rests
    owners: dict[str, set[int]] = defaultdict(set)
    for i, mm in enumerate(models):
        for k_ in mm.value:
            owners[k_].add(i)
    by_period: dict[tuple, dict[tuple[str, str], str]] = defaultdict(dict)
    by_schools: dict[tuple, dict[frozenset, str]] = defaultdict(dict)
    for k_ in owners:
        kind, _, rest = k_.partition("|")
        if kind not in _LINKED_KINDS and kind != "E":
            continue
        scope, _, line = rest.partition("|")
        schools, _, period = scope.partition("@")
        if kind == "E":  # enrolment: one count per school year, adding up over schools
            if schools and period:
                by_schools[(kind, period, line)][frozenset(schools.split(","))] = k_
            continue
        start, _, end = period.partition("..")
        if not (start and end and schools):
            continue
        by_period[(kind, schools, line)][(start, end)] = k_
        by_schools[(kind, period, line)][frozenset(schools.split(","))] = k_
    out: list[tuple[tuple[tuple[str, int], ...], str]] = []

    def add(terms, sense):
        if len({owner for k_, _ in terms for owner in owners[k_]}) < 2:
            return  # one publication's own relations are already in its model
        vals = [values.get(k_) for k_, _ in terms]
        if all(v is not None for v in vals):
            total = sum(c * v for (_, c), v in zip(terms, vals, strict=True))
            if total > 0 or (sense == "eq" and total != 0):
                return
        out.append((tuple(terms), sense))

    def relate(kind, whole, parts):
        if kind in _SCHOOL_ADDITIVE_KINDS:
            add([(whole, -1)] + [(p, 1) for p in parts], "eq")
        else:
            add([(whole, 1)] + [(p, -1) for p in parts], "le")

    def rest_of(whole: str, part: str) -> None:
        if len(owners[whole] | owners[part]) < 2:
            return
        rest = f"X|{whole}|minus|{part}"
        a, b = values.get(whole), values.get(part)
        value = a - b if a is not None and b is not None else None
        if value is not None and value < 0:
            return  # the data changed between the two publications
        made = 0 in owners[whole] | owners[part]
        if rest in protected or (made and value is not None and 1 <= value <= k):
            rests[rest] = (value, whole, part)
            out.append((((whole, -1), (part, 1), (rest, 1)), "eq"))
        else:
            add([(part, 1), (whole, -1)], "le")

    # (the whole's schools, the other schools): their keys
    others: dict[tuple[str, str], set[str]] = defaultdict(set)

    def other_part(whole: str, scope: str, parts: list[str], register=None) -> None:
        """Whole = its published parts + the rest (no publication shows it): the schools not
        yet published, or the one period left. The rest is a count of its own (its key,
        with `scope`, is the one a later report of it will have), protected when 1..k and
        made by the new publication. Its value, when known, goes into `values`; `register`
        files it for the relations below (the other schools')."""
        whole_scope = _scope_of(whole)
        rest = _rescope(whole, whole_scope, scope)
        a, bs = values.get(whole), [values.get(p) for p in parts]
        value = a - sum(bs) if a is not None and None not in bs else None
        if rest in owners or (value is not None and value < 0):
            return  # published after all, or the data changed between publications
        out.append((((whole, -1), *((p, 1) for p in parts), (rest, 1)), "eq"))
        if register is not None:
            others[register].add(rest)
        if value is not None:
            values.setdefault(rest, value)
        made = any(0 in owners[k_] for k_ in (whole, *parts))
        if rest in protected or (made and value is not None and 1 <= value <= k):
            rests[rest] = (value, whole, parts[0])

    def rests_inside(kind, keys, whole, inside, tilings) -> None:
        # A part of a tiling leaves as rest the sum of the other parts, which the tiling's
        # relation already gives (instances and incident counts); students' rests are new.
        tiled = {p for tiling in tilings for p in tiling} if kind in _ADDITIVE_KINDS else set()
        for part in inside:
            if part not in tiled:
                rest_of(keys[whole], keys[part])

    def next_day(day: str) -> str:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()

    def spans_tiling(whole, inside):
        """Ways to lay periods of `inside` end to end over the period `whole`."""
        found: list[list] = []

        def walk(start, path):
            if len(found) >= _TILINGS:
                return
            if start == next_day(whole[1]):
                found.append(list(path))
                return
            for p in inside:
                if p[0] == start:
                    walk(next_day(p[1]), [*path, p])

        walk(whole[0], [])
        return found

    def sets_tiling(whole, inside):
        """Ways to split the school set `whole` into disjoint sets of `inside`."""
        found: list[list] = []

        def walk(left, path):
            if len(found) >= _TILINGS:
                return
            if not left:
                found.append(list(path))
                return
            first = min(left)
            for p in inside:
                if first in p and p <= left:
                    walk(left - p, [*path, p])

        walk(whole, [])
        return found

    nestings = (
        (by_period, sorted, lambda p, w: w[0] <= p[0] and p[1] <= w[1], spans_tiling),
        (by_schools, lambda keys: sorted(keys, key=lambda s_: (len(s_), sorted(s_))),
         lambda p, w: p < w, sets_tiling),
    )
    nested: set[tuple[str, str]] = set()  # (whole scope, part scope) related above
    tiled_pairs: set[tuple[str, str]] = set()  # (whole, part) counts of a line, in a tiling
    for families, order, within, tilings_of in nestings:
        for (kind, _where, _line), keys in sorted(families.items()):
            if len(keys) < 2:
                continue
            wholes = order(keys)
            for whole in wholes:
                inside = [p for p in wholes if p != whole and within(p, whole)]
                tilings = tilings_of(whole, inside)
                for tiling in tilings:
                    relate(kind, keys[whole], [keys[p] for p in tiling])
                rests_inside(kind, keys, whole, inside, tilings)
                tiled = {p for tiling in tilings for p in tiling}
                for p in inside:
                    nested.add((_scope_of(keys[whole]), _scope_of(keys[p])))
                    if p in tiled:
                        tiled_pairs.add((keys[whole], keys[p]))
                if tilings_of is sets_tiling and kind in _SCHOOL_ADDITIVE_KINDS and not tilings:
                    # Schools published one by one: the district minus them is the line of
                    # the schools not yet published, a count of its own.
                    chosen: list[frozenset] = []
                    covered: set[str] = set()
                    for p in sorted(inside, key=lambda s_: (-len(s_), sorted(s_))):
                        if covered.isdisjoint(p):
                            chosen.append(p)
                            covered |= p
                    if len(chosen) >= 2:
                        left = ",".join(sorted(whole - covered))
                        period = _scope_of(keys[whole]).partition("@")[2]
                        other_part(keys[whole], f"{left}@{period}", [keys[p] for p in chosen],
                                   register=(_scope_of(keys[whole]).partition("@")[0], left))
                if tilings_of is spans_tiling and kind in _ADDITIVE_KINDS and not tilings:
                    # Periods published one by one (months): the year minus them, where that
                    # leaves one period, is that period's line, a count of its own.
                    chosen_p: list[tuple[str, str]] = []
                    for p in sorted(inside):
                        if all(p[1] < q[0] or q[1] < p[0] for q in chosen_p):
                            chosen_p.append(p)
                    gaps: list[tuple[str, str]] = []
                    day = whole[0]
                    for p in sorted(chosen_p):
                        if p[0] > day:
                            gaps.append((day, (dt.date.fromisoformat(p[0])
                                               - dt.timedelta(days=1)).isoformat()))
                        day = next_day(p[1])
                    if day <= whole[1]:
                        gaps.append((day, whole[1]))
                    if len(chosen_p) >= 2 and len(gaps) == 1:
                        schools_ = _scope_of(keys[whole]).partition("@")[0]
                        other_part(keys[whole], f"{schools_}@{gaps[0][0]}..{gaps[0][1]}",
                                   [keys[p] for p in chosen_p])
    # The other schools' lines relate as the whole's do (a line adds up to its total, an
    # arrest is a contact, a count is at most its enrolment), where every count is shown or is
    # one of the other schools'.
    theirs = {j for keys_ in others.values() for j in keys_}
    for whole_schools, left in sorted(others):
        for mm in models:
            for terms, sense in mm.relations:
                if any(_scope_of(j).partition("@")[0] != whole_schools for j, _ in terms):
                    continue
                moved = [(_rescope(j, _scope_of(j),
                                   f"{left}@{_scope_of(j).partition('@')[2]}"), c)
                         for j, c in terms]
                if (any(j in theirs for j, _ in moved)
                        and all(j in theirs or j in owners for j, _ in moved)):
                    vals = [values.get(j) for j, _ in moved]
                    if None not in vals:
                        total = sum(c * v for (_, c), v in zip(moved, vals, strict=True))
                        if total > 0 or (sense == "eq" and total != 0):
                            continue  # not true of the data: no reader relies on it
                    out.append((tuple(moved), sense))
    # What is in a whole and not in its part keeps the order of its own counts: students
    # there are at most the instances there (each has one), an arrest there is a contact
    # there. So a <= b in each publication gives a(whole) - a(part) <= b(whole) - b(part) when
    # b adds up over periods and schools (for students-to-students it does not: a student
    # contacted in the first half and arrested in the second is in neither rest's order).
    # Where both lines' parts are in tilings, the other parts' own counts already give this.
    orders: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mm in models:
        for terms, sense in mm.relations:
            if sense != "le" or len(terms) != 2 or terms[0][1] != 1 or terms[1][1] != -1:
                continue
            (a, _), (b, _) = terms
            if (b.split("|", 1)[0] not in _ADDITIVE_KINDS
                    or a.split("|", 1)[0] not in _LINKED_KINDS):
                continue
            sa, sb = _scope_of(a), _scope_of(b)
            if sa and sa == sb:
                orders[sa].add((a, b))
    for whole_scope, part_scope in sorted(nested):
        for a, b in sorted(orders.get(whole_scope, ())):
            ap, bp = (_rescope(x, whole_scope, part_scope) for x in (a, b))
            if ap in owners and bp in owners and not (
                    (a, ap) in tiled_pairs and (b, bp) in tiled_pairs):
                add([(a, 1), (ap, -1), (b, -1), (bp, 1)], "le")
    return out, rests


def _inherited(across, withheld: set[str], candidates: set[str]) -> dict[str, str]:
    """Counts of the new report withheld from the start because an earlier publication withheld
    a count they add up with (docs/methods.md, "Withheld in a whole, withheld in its parts"):
    where periods or schools tile a whole (a year and its two halves) and the new report gives
    one count of the tiling, the one that completes it, that count shown beside a withheld one
    would give it by subtraction (or, with more withheld, their sum), and what protected it in
    the earlier audit would be gone. Withheld in the year, withheld in the second half that
    completes it. Where the new report gives several counts of a tiling (a school's months
    with the school's first half), the cover chooses among them. The audit may show one
    again where the ranges allow ({count: the withheld count it keeps company})."""
    tilings = []
    for terms, _sense in across:
        if len(terms) < 3 or any(k_.startswith("X|") for k_, _ in terms):
            continue  # part <= whole, or a whole with its rest
        up = sum(1 for _, c in terms if c > 0)
        if min(up, len(terms) - up) == 1:  # one whole and its parts (not an order relation)
            tilings.append([k_ for k_, _ in terms])
    out: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for keys in tilings:
            mine = [k_ for k_ in keys if k_ in candidates]
            hidden = [k_ for k_ in keys if k_ in withheld or k_ in out]
            shown = [k_ for k_ in mine if k_ not in withheld and k_ not in out]
            if len(mine) == 1 and hidden and shown:
                out.update(dict.fromkeys(shown, hidden[0]))
                changed = True
    return out


def _scope_of(key: str) -> str:
    """The scope (schools@period) of a line's key, '' for a count of no line."""
    parts = key.split("|")
    return parts[1] if len(parts) > 2 and "@" in parts[1] else ""


def _rescope(key: str, old: str, new: str) -> str:
    kind, scope, rest = key.split("|", 2)
    return f"{kind}|{new}|{rest}" if scope == old else key


def _cover(relations, values, withheld: set[str], candidates: set[str], protect_keys: set[str],
           siblings, cost, expensive, k: int, time_limit: float, *,
           plain: bool = False, forbid: frozenset[str] = frozenset()) -> dict[str, str] | None:
    """Complements chosen together for every count of 1..k, by one integer program (HiGHS
    through `scipy.optimize.milp`; docs/methods.md, "Which counts to withhold"): the fewest
    counts above k, reference groups, totals and enrollment weighted by their cost, such that

    - in each sum that holds a count of 1..k and whose whole is shown, the withheld parts hold
      more than k together, the count included, and another part is withheld: any protection
      of width k needs at least k, and a sum of 1..k would be a small count given exactly;
    - no complement is the only withheld count of a sum (it would be given back exactly);
    - a group's students and instances are withheld together.

    These conditions look at one sum at a time; the audit that follows judges the whole and
    withholds more where they were not enough. Returns {count: the count it protects} (empty
    when there is nothing to add), or None when the program fails (the audit then extends
    on its own).

    With `plain`, every count above k weighs 1, the counts of `forbid` stay shown and the
    third condition is dropped (it is a rule of the page, not something protection needs):
    the program then answers how few counts above k any protection can withhold
    (`complements_floor`)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    cands = sorted(c for c in candidates if c not in withheld and values.get(c) is not None)
    if not cands or not protect_keys:
        return {}
    col = {c: i for i, c in enumerate(cands)}
    rows: list[tuple[dict[int, float], float]] = []
    why: dict[int, str] = {}  # a column's first mass row: the count it would protect
    for terms, sense in relations:
        if sense != "eq":
            continue
        for t, ct in terms:
            if t not in protect_keys:
                continue
            # The count can rise by what the other withheld parts hold, and fall by its own
            # value when another part is withheld to rise; a withheld count on the other side
            # (the whole) lets it move freely.
            held, coefs, free, beside = 0.0, {}, False, False
            for j, cj in terms:
                same = (cj > 0) == (ct > 0)
                if j == t or (j in withheld and j not in col):
                    if j == t or same:
                        held += abs(cj) * (values.get(j) or 0)
                        beside = beside or j != t
                    else:
                        free = True
                elif j in col:
                    coefs[col[j]] = abs(cj) * (values.get(j) or 0) if same else math.inf
            need = k + 1 - held  # more than k: a sum of 1..k would itself be a small count
            if free or not coefs or (need <= 0 and beside):
                continue
            if need <= 0:  # a count of k alone in its sum: any other count withheld frees it
                coefs, need = {i: 1.0 for i in coefs}, 1.0
            else:
                coefs = {i: min(c, need) for i, c in coefs.items()}
                need = min(need, sum(coefs.values()))
            if need > 0:
                rows.append((coefs, need))
                for i in coefs:
                    why.setdefault(i, t)
    if not rows:
        return {}
    n_flags = 0
    for terms, sense in relations:
        if sense != "eq" or any(j in withheld and j not in col for j, _ in terms):
            continue
        ids = sorted({col[j] for j, _ in terms if j in col})
        if len(ids) < 2:
            continue
        # One more column per sum, "the sum has a withheld count" (between 0 and 1): at least
        # each of its counts, and at most half of how many are withheld. A row per count and
        # one for the sum, so a sum of n schools costs about 3n entries, not n squared.
        flag = len(cands) + n_flags
        n_flags += 1
        rows.append(({b: 1.0 for b in ids} | {flag: -2.0}, 0.0))
        for a in ids:
            rows.append(({flag: 1.0, a: -1.0}, 0.0))
    for a, sib in () if plain else siblings.items():  # a rule of the page, not of protection
        for b in sib:
            if a in col and b in col and a < b:
                rows.append(({col[a]: 1.0, col[b]: -1.0}, 0.0))
                rows.append(({col[a]: -1.0, col[b]: 1.0}, 0.0))
    ri, ci, vi = [], [], []
    for r, (coefs, _) in enumerate(rows):
        for i, c in coefs.items():
            ri.append(r)
            ci.append(i)
            vi.append(c)
    n_cols = len(cands) + n_flags
    matrix = coo_matrix((vi, (ri, ci)), shape=(len(rows), n_cols)).tocsr()
    lower = np.array([need for _, need in rows])
    # One per count above k; a reference group, a total or an enrollment counts its cost
    # factor (50, 1,000, 20 times an ordinary count). Zeros almost nothing: they hold no mass.
    weight = np.array([
        (1.0 if (values[c] or 0) > k else 1e-3)
        * (cost.get(c, 1.0) / (1.0 + (values[c] or 0)) if c in expensive and not plain else 1.0)
        + (0.0 if plain else (values[c] or 0) * 1e-6)  # between equals, the smaller count
        for c in cands] + [0.0] * n_flags)
    upper = np.array([0.0 if c in forbid else 1.0 for c in cands] + [1.0] * n_flags)
    integral = np.array([1] * len(cands) + [0] * n_flags)
    try:
        result = milp(weight, constraints=LinearConstraint(matrix, lower, np.inf),
                      integrality=integral, bounds=Bounds(0, upper),
                      options={"node_limit": COVER_NODE_LIMIT, "time_limit": max(1.0, time_limit)})
    except (ValueError, RuntimeError):
        return None
    # Optimal, or the best found within the node limit; not a program stopped by the clock.
    if result.x is None or not (result.status == 0 or (
            result.status == 1 and "time limit" not in result.message.lower())):
        return None
    chosen = {cands[i] for i in range(len(cands)) if result.x[i] > 0.5}
    reasons = {c: why.get(col[c], "") for c in chosen}
    # A complement chosen only to keep another company (its students or instances partner,
    # or the second withheld count of a sum) protects what that one protects.
    lonely = {c for c in chosen if not reasons[c]}
    beside: dict[str, set[str]] = defaultdict(set)
    for terms, _ in relations if lonely else ():
        inside = {j for j, _ in terms if j in chosen}
        for c in inside & lonely:
            beside[c] |= inside - {c}
    for c in sorted(lonely):
        partners = sorted(siblings.get(c, set()) & chosen) + sorted(beside[c])
        reasons[c] = next((reasons[p] for p in partners if reasons.get(p)), "")
    return reasons


def _reshow(audit: _Audit, withheld: set[str], protect_keys: set[str], reasons: dict[str, str],
            siblings, values, cost, intervals, k: int, budget: int) -> None:
    """Show complements again, most costly first, each one that leaves every withheld count
    of 1..k a range at least k wide (docs/methods.md, "Showing complements again"), until
    the solver has done `budget` more work (_Audit.work). `withheld`, `reasons`, `intervals` and the
    audit's witnesses and known values are updated in place."""
    if budget <= 0:
        return
    _reshow_until(audit, withheld, protect_keys, reasons, siblings, values, cost,
                  intervals, k, audit.work + budget)


def _reshow_until(audit: _Audit, withheld: set[str], protect_keys: set[str],
                  reasons: dict[str, str], siblings, values, cost, intervals, k: int,
                  stop: int) -> None:
    targets = sorted(t for t in protect_keys if t in withheld)
    failed: set[frozenset[str]] = set()
    failers: dict[str, int] = defaultdict(int)  # counts that kept a complement withheld

    def moved(t: str, group) -> bool:
        """Whether showing `group` may narrow t's range: a witness point of t gives a count
        of the group another value than the true one (or t has no witness points)."""
        w = audit.witness.get(t)
        if w is None:
            return True
        col, low, high = w
        for g in group:
            j = col.get(g)
            if j is not None and (abs(low[j] - values[g]) > 1e-9
                                  or abs(high[j] - values[g]) > 1e-9):
                return True
        return False

    def attempt(group: list[str], solve: bool = True) -> bool:
        """Show the group if every count of 1..k keeps a range of k; without `solve`, only
        when that needs no linear program."""
        key = frozenset(group)
        if key in failed or audit.work >= stop:
            return False
        trial = withheld - key
        # What the group shown would give exactly, through equations, besides itself.
        given = _given(audit, trial, known=audit.given, start=group)
        unknown = trial - given.keys()
        for j in [*group, *(j for j in given if j not in audit.given)]:
            if any(_exposed(terms, unknown, values, k) for terms in audit.sums_of.get(j, ())):
                failed.add(key)  # a sum of withheld counts of 1..k would be given
                return False
            if any(_exposed_pairs(pairs, unknown, values, k) is not None
                   for pairs in audit.pairs_of.get(j, ())):
                failed.add(key)  # with an earlier report, a sum of rests of 1..k
                return False
        near: set[str] = set()  # the withheld counts in the group's relations
        for g in group:
            for r in audit.by_key[g]:
                terms, sense = audit.relations[r]
                left = {kk for kk, _ in terms if kk in trial}
                if sense == "eq" and len(left) == 1 and not left.isdisjoint(protect_keys):
                    failed.add(key)  # an equation would give that count exactly
                    return False
                near |= left
        affected = [t for t in targets if t in trial and moved(t, group)]
        if affected and not solve:
            return False
        parts: list[set[str]] = []
        covered: set[str] = set()
        if affected:
            for kk in sorted(near):
                if kk not in covered:
                    sub = audit.component_of(kk, trial)
                    covered |= sub
                    parts.append(sub)
        affected = [t for t in affected if t in covered]  # others are not linked to it
        if len(affected) > _RESHOW_AFFECTED or len(covered) > _RESHOW_PART:
            failed.add(key)  # auditing thousands again costs more than one count shown gains
            return False
        saved = {t: audit.witness.get(t) for t in affected}
        for g in group:
            audit.known[g] = values[g]
        new: dict[str, tuple[float, float]] = {}
        # The counts most likely to fail go first, alone (a failing trial costs little):
        # those that kept other complements withheld, then those related to the group.
        suspects = sorted((t for t in affected if failers.get(t)), key=lambda t: -failers[t])
        suspects = suspects[:3] + [t for t in affected if t in near and t not in suspects][:2]
        ok = True
        try:
            for t in suspects:
                sub = next(p for p in parts if t in p)
                iv = audit.intervals(sub, [t], certify_k=k)[t]
                new[t] = iv
                if audit.short(t, iv, k):
                    failers[t] += 1
                    ok = False
                    break
            for sub in parts if ok else ():
                mine = [t for t in affected if t in sub and t not in new]
                if not mine:
                    continue
                for t, iv in audit.intervals(sub, mine, certify_k=k, fail_fast=True).items():
                    new[t] = iv
                    if audit.short(t, iv, k):
                        failers[t] += 1
                        ok = False
                if not ok:
                    break
        except AuditError:
            ok = False  # out of time: the count stays withheld
        if not ok:
            for g in group:
                audit.known.pop(g, None)
            for t, w in saved.items():
                if w is None:
                    audit.witness.pop(t, None)
                else:
                    audit.witness[t] = w
            failed.add(key)
            return False
        withheld.difference_update(group)
        for g in group:
            reasons.pop(g, None)
        intervals.update(new)
        audit.given = given
        return True

    # First the complements that can be shown without a linear program, then the others.
    for solve in (False, True):
        for c in sorted(reasons, key=lambda c_: (-cost.get(c_, 1.0), c_)):
            if audit.work >= stop:
                return
            if c not in withheld or c not in reasons:
                continue
            # With its instances or students count: a published line is shown or withheld
            # whole, so one of the two alone would show nothing more.
            group = ({c} | siblings.get(c, set())) & withheld
            if group <= reasons.keys():  # not when the other is withheld for its own sake
                attempt(sorted(group), solve)


#: Showing a complement again is not tried where it would take the audit of more than this many
#: counts of 1..k again (a part of thousands, where two or more publications overlap): seconds
#: for one count shown.
_RESHOW_AFFECTED = 1_000
#: Nor in a part of more than this many withheld counts (each of its programs takes a second).
_RESHOW_PART = 5_000

#: Components larger than this take the cheapest candidate without trying it first.
_TRIAL_LIMIT = 120


def _pick(audit: _Audit, target, comp, candidates, withheld, values, cost, need,
          siblings=None, k: int = 0, trials: int = 5):
    """The next count to withhold for `target`: the cheapest shown count related to it (first
    in its own relations, then in those of its component) that makes its interval at least k
    wide when tried; failing that, the tried one that widens it most."""
    siblings = siblings or {}

    def score(o):
        v = values.get(o) or 0
        # A withheld count widens an interval by at most its own value: zeros almost never
        # help, counts short of the missing width help partly.
        factor = 1.0 if v >= need else 1000.0 if v == 0 else 2 + 10 * (need - v) / need
        return (cost.get(o, 1.0) * factor, o)

    ordered: list[str] = []
    listed: set[str] = set()
    read: set[int] = set()
    # The counts shown in the target's own relations; then those in the relations that pin
    # it at its last audit (nonzero duals); then those in the relations of its component.
    bound = sorted(audit.binding.get(target, ()))
    wanted = 1 if len(comp) > _TRIAL_LIMIT else trials  # how many are tried below
    for keys, rels in (([target], None), ([], bound), (sorted(comp), None)):
        if len(ordered) >= wanted:
            break
        options = set()
        for r in rels if rels is not None else (r for k_ in keys for r in audit.by_key[k_]):
            if r in read:
                continue
            read.add(r)
            for kk, _ in audit.relations[r][0]:
                if kk in candidates and kk not in withheld and kk not in listed:
                    options.add(kk)
        ordered += sorted(options, key=score)
        listed |= options
    if not ordered:
        # Two steps away: counts in relations of the shown counts that pin the component
        # (for example a half-year total when the year's months pin a withheld month).
        options = set()
        for k_ in sorted(comp):
            for r in audit.by_key[k_]:
                for kk, _ in audit.relations[r][0]:
                    if kk in withheld:
                        continue
                    for r2 in audit.by_key[kk]:
                        for k3, _ in audit.relations[r2][0]:
                            if k3 in candidates and k3 not in withheld:
                                options.add(k3)
        ordered = sorted(options, key=score)
    if not ordered:
        return None
    if len(comp) > _TRIAL_LIMIT:
        return ordered[0]  # trials in a large component cost more than they save
    best, best_width = None, -1.0
    for option in ordered[:trials]:
        added = ({option} | siblings.get(option, set())) - withheld
        saved = {a: audit.known.pop(a) for a in added if a in audit.known}
        try:
            sub = audit.component_of(target, withheld | added)
            interval = audit.intervals(sub, [target], certify_k=k)[target]
        finally:
            audit.known.update(saved)
        if not audit.short(target, interval, k):
            return option
        width = _width(*interval)
        if width > best_width:
            best, best_width = option, width
    return best


# --------------------------------------------------------------------------------------------
# The published report
# --------------------------------------------------------------------------------------------


def published_keys(model: Model) -> set[str]:
    """Keys shown by a published report model (value known and displayed)."""
    return {k_ for k_, v in model.value.items() if v is not None and k_ not in model.implicit}


def protect_report(report: dict, k: int, *, earlier: list[tuple] = (),
                   time_limit: float | None = None) -> tuple[set[str], Model, dict]:
    """Decide what the published copy of `report` (unsuppressed) withholds, audited jointly
    with `earlier` publications: (content, audit record) pairs of snapshots of the same school
    year, or (content, audit record, the snapshot's report computed again unsuppressed) to
    let the audit know the values it withheld (`_hidden_truth`). Returns (withheld keys,
    model, audit record)."""
    model = build_model(report, k)
    models = [model]
    withheld, protect_keys = model.first_withheld()
    displayed = model.displayed()
    shown_elsewhere: set[str] = set()
    truth: dict[str, int] = {}
    for content, record, *recomputed in earlier:
        old = build_model(content, k, inexact=set(record.get("inexact") or ()), tag="old")
        models.append(old)
        shown_elsewhere |= published_keys(old)
        hidden = {k_ for k_, v in old.value.items() if v is None}
        withheld |= hidden
        protect_keys |= set(record.get("protected") or ())
        if recomputed and recomputed[0] is not None:
            truth.update(_hidden_truth(old, hidden, build_model(recomputed[0], k)))
    withheld -= shown_elsewhere
    # Displayed counts of the new report that no earlier snapshot shows.
    candidates = displayed - shown_elsewhere
    result = protect(models, k=k, candidates=candidates, protect_keys=protect_keys,
                     withheld=withheld, truth=truth,
                     time_limit=SOLVER_TIME_LIMIT if time_limit is None else time_limit)
    new_withheld = result.withheld & displayed
    own_small = {k_ for k_ in protect_keys if k_ in model.value}
    above = [k_ for k_ in displayed if (model.value[k_] or 0) > k]
    complements = [k_ for k_ in above if k_ in new_withheld]
    expensive = []
    for k_ in sorted(new_withheld):
        if k_ in model.expensive:
            why = result.reasons.get(k_)
            expensive.append({
                "count": k_, "kind": model.expensive[k_],
                "reason": f"withheld to protect {why}" if why else
                "withheld as a count of 1..k or of a group enrolling 1..k"
                if k_ in model.primary else "withheld beside other withheld counts",
            })
    # The narrowest range among the counts this report protects (those the publications before
    # it had already narrowed are listed apart, below).
    widths = [_width(*result.intervals[t]) for t in protect_keys | result.rests
              if t in result.intervals and t not in result.narrowed_before]
    narrowest = min(widths) if widths else None
    record = {
        "method": "lp-audit/1",
        "protection": k,
        "counts_withheld": len(new_withheld),
        "counts_shown": len(displayed) - len(new_withheld),
        "small_counts_withheld": len(own_small),
        # Counts of 1..k no publication shows but this one and an earlier one give together.
        "implied_counts_protected": len(result.rests),
        "narrowest_interval": None if narrowest is None or math.isinf(narrowest)
        else int(narrowest),
        "complement_share": (len(complements) / len(above)) if above else 0.0,
        # The share's two counts: displayed counts above k withheld, and displayed above k.
        "complements_withheld": len(complements),
        "counts_above_k": len(above),
        "expensive_withheld": expensive,
        "solver_seconds": round(result.solver_seconds, 3),
        "linear_programs": result.lp_count,
        "protected": sorted(own_small | result.rests),
        # Counts the publications before this one had already narrowed to less than k: this
        # one leaves each the range it had (docs/methods.md, "Counts already narrowed").
        "narrowed_before": [
            {"count": key, "described": describe(key),
             "range": [math.ceil(lo - 1e-6), math.floor(hi + 1e-6)]}
            for key, (lo, hi) in sorted(result.narrowed_before.items())],
        "inexact": sorted(model.inexact),
    }
    return new_withheld, model, record


def _hidden_truth(published: Model, hidden: set[str], now: Model) -> dict[str, int]:
    """The values of a snapshot's withheld counts, from the same report computed again now
    (`now`), when it shows exactly what the snapshot shows (the data have not changed since):
    the audit then knows, for instance, that the second half of a year whose first half is
    being published holds 3 arrests of a group though the year report withheld that group's
    count, and protects that rest too. Record-access counts change as requests are decided
    and are left out of the comparison. Empty when anything else differs."""
    for k_, v in published.value.items():
        if v is not None and not k_.startswith("R|") and now.value.get(k_) != v:
            return {}
    return {k_: now.value[k_] for k_ in hidden
            if now.value.get(k_) is not None and not k_.startswith("R|")}


def complements_floor(report: dict, k: int) -> tuple[int, int] | None:
    """(floor, counts above k): the fewest displayed counts above k that any suppression of
    `report` which shows every total and leaves each withheld count of 1..k a range at least
    k wide must withhold (those withheld for their own sake included), and how many displayed
    counts are above k. The floor is a lower bound from the conditions of `_cover`, each of
    which every such suppression meets (docs/methods.md, "Information loss, measured").
    None when the program does not finish."""
    model = build_model(report, k)
    withheld, protect_keys = model.first_withheld()
    displayed = model.displayed()
    totals = frozenset(k_ for k_, kind in model.expensive.items() if kind == "total")
    picks = _cover(model.relations, model.value, withheld, displayed, protect_keys,
                   model.siblings, model.cost, set(model.expensive), k, SOLVER_TIME_LIMIT,
                   plain=True, forbid=totals)
    if picks is None:
        return None
    above = {k_ for k_ in displayed if (model.value.get(k_) or 0) > k}
    return len(above & (withheld | set(picks))), len(above)


def guarantee_sentence(record: dict | None) -> str:
    """The guarantee in one plain sentence, for the published page and the PDF method note."""
    if not record:
        return ""
    k = record.get("protection")
    together = (" alone or together with the reports already published for the same school "
                "year" if record.get("audited_with") else "")
    sentence = (f"No count from 1 to {k} can be worked out from this report{together}: an "
                f"audit of every figure and every sum it shows found each withheld count of 1 "
                f"to {k} could lie anywhere in a range at least {k} wide")
    before = len(record.get("narrowed_before") or ())
    if not before:
        return sentence + "."
    return sentence + (f", except {before} {'count' if before == 1 else 'counts'} that the "
                       "reports published before it had already narrowed, which this report "
                       "narrows no further.")


#: Why an index was not calculated, from the group's own shown figures only (kept when the
#: reference group is withheld): its enrolment (or students contacted) under the minimum,
#: or no reference or comparison for it at all.
_OWN_RRI_REASONS = {"group_below_min_n", "not_reported", "no_reference_group", "suppressed"}


def _own_rr_reason(entry: dict) -> bool:
    """Whether the entry's risk ratio was not calculated for a reason of its own shown figures
    (too few students with the measure, too few enrolled, more students than enrolled), which
    no withheld count of the other groups changes."""
    reason = entry.get("risk_ratio_reason")
    if reason in ("group_below_min_cell", "group_below_min_n", "not_reported", "suppressed"):
        return True
    students, enrolled = entry.get("students"), entry.get("enrollment")
    return (reason == "count_exceeds_denominator" and students is not None
            and enrolled is not None and students > enrolled)


def apply(report: dict, model: Model, withheld: set[str], k: int) -> dict:
    """The published copy: every withheld count, and every figure derived from one, null."""
    from .compute import (
        _COMPLIANCE_SHARES,
        COUNT_FIELDS,
        GROUP_DERIVED,
        NOT_REPORTED,
        STAGE_DERIVED,
        _blank,
        _no_rri,
    )

    out = copy.deepcopy(report)
    out["parameters"]["suppressed"] = True
    out["parameters"]["confidential"] = False
    out["parameters"]["min_cell"] = k
    out["confidential"] = False
    blank: dict[str, set] = defaultdict(set)
    for k_ in withheld:
        for ref in model.refs.get(k_, ()):
            blank[ref[1]].add(ref[2] if len(ref) == 3 else ref[2:])
    for i in blank["totals"]:
        _blank(out["totals"][i], ("instances", "students"))
    for i in blank["groups"]:
        e = out["groups"][i]
        _blank(e, COUNT_FIELDS + GROUP_DERIVED)
        e.update(rri_reason="suppressed", risk_ratio_method="not_calculated",
                 risk_ratio_reason="suppressed")
    enr_hidden: set[int] = set()
    for i in blank["groups_enrollment"]:
        e = out["groups"][i]
        if not e["suppressed"]:
            e.update(enrollment=None, rate_per_1000=None, risk_ratio=None,
                     risk_ratio_method="not_calculated", risk_ratio_reason="suppressed")
            e.update(_no_rri("suppressed"))
            enr_hidden.add(i)
    index = {(e["dimension"], e["group"], e["measure"]): e for e in out["groups"]}
    hidden_ids = {id(out["groups"][i]) for i in enr_hidden}

    def hidden(entry):
        return entry["suppressed"] or id(entry) in hidden_ids

    for e in out["groups"]:
        if e["suppressed"]:
            continue
        d, meas = e["dimension"], e["measure"]
        ref = index.get((d, REFERENCE_GROUPS.get(d), meas))
        if ref is not None and ref is not e and hidden(ref) and (
                e["rri_reason"] not in _OWN_RRI_REASONS):
            # Whatever the index would have been, or why it was not calculated (the
            # reference's count zero, its enrolment under the minimum), says something of the
            # withheld reference: one reason for all.
            e.update(_no_rri("reference_suppressed"))
        nr = index.get((d, NOT_REPORTED, meas))
        others_hidden = sum(1 for o in out["groups"] if o["dimension"] == d
                            and o["measure"] == meas and o is not e and o["group"] != NOT_REPORTED
                            and hidden(o))
        if ((nr is not None and nr["suppressed"]) or others_hidden) and not _own_rr_reason(e):
            # "All other groups together" would reveal the sum of withheld counts, and so would
            # the reason a ratio was not calculated (fewer than the minimum in the others) or
            # calculated against an outside comparison: one reason for all.
            e.update(risk_ratio=None, risk_ratio_method="not_calculated",
                     risk_ratio_reason="comparison_suppressed")
    for i in blank["stages_students"] | blank["stages_contacted_students"]:
        e = out["stages"][i]
        _blank(e, COUNT_FIELDS + STAGE_DERIVED)
        e["rri_reason"] = "suppressed"
    stage_index = {(e["dimension"], e["group"], e["measure"]): e for e in out["stages"]}
    for e in out["stages"]:
        if e["suppressed"]:
            continue
        ref = stage_index.get((e["dimension"], REFERENCE_GROUPS.get(e["dimension"]),
                               e["measure"]))
        if ref is not None and ref is not e and ref["suppressed"] and (
                e["rri_reason"] not in _OWN_RRI_REASONS):
            e.update(_no_rri("reference_suppressed"))
    for i in blank["schools"]:
        _blank(out["schools"][i], COUNT_FIELDS + ("rate_per_1000",))
    for i in blank["schools_enrollment"]:
        out["schools"][i].update(enrollment=None, rate_per_1000=None)
    for i in blank["school_groups"]:
        _blank(out["school_groups"][i], ("students",))
    for i in blank["months"]:
        _blank(out["months"][i], ("instances",))
    section = copy.deepcopy(out.get("compliance") or {})
    counts = section.get("interactions")
    if counts:
        hidden = {name for name in blank["compliance"] if name in counts}
        for name in hidden:
            counts[name] = None
        shares = section.get("shares") or {}
        for name, (num, den) in _COMPLIANCE_SHARES.items():
            if num in hidden or den in hidden:
                shares[name] = None
        section["suppressed_counts"] = sorted(hidden)
    access = section.get("record_access") or {}
    for sec, i in blank["access"]:
        access[sec][i]["count"] = None
        access[sec][i]["suppressed"] = True
    out["compliance"] = section
    return out



def protect_table(rows, *, row_totals=None, col_totals=None, grand_total=None, k: int,
                  small_rows=()) -> tuple[set[tuple[int, int]], dict]:
    """Audited suppression of one table with its margins. Positions are (row, col) with
    row == len(rows) for the column totals and col == n_cols for the row totals. Returns the
    withheld positions and {position: (low, high)} for the withheld counts of 1..k."""
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    m = Model(k=k)

    def key(i, j):
        return f"T|{i}|{j}"

    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            m.cell(key(i, j), v, ("t", "cell", (i, j)))
    if row_totals is not None:
        for i, v in enumerate(row_totals):
            m.cell(key(i, n_cols), v, ("t", "cell", (i, n_cols)), cost_factor=100)
            m.total(f"r{i}", key(i, n_cols), [key(i, j) for j in range(n_cols)],
                    additive=True, inexact=None)
    if col_totals is not None:
        for j, v in enumerate(col_totals):
            m.cell(key(n_rows, j), v, ("t", "cell", (n_rows, j)), cost_factor=100)
            m.total(f"c{j}", key(n_rows, j), [key(i, j) for i in range(n_rows)],
                    additive=True, inexact=None)
    grand = key(n_rows, n_cols)
    if grand_total is not None or (row_totals is not None and col_totals is not None):
        m.cell(grand, grand_total, None if grand_total is None else ("t", "cell",
               (n_rows, n_cols)), cost_factor=1000, implicit=grand_total is None)
        if grand_total is None:
            m.value[grand] = sum(row_totals)
        if row_totals is not None:
            m.total("rt", grand, [key(i, n_cols) for i in range(n_rows)], additive=True,
                    inexact=None)
        if col_totals is not None:
            m.total("ct", grand, [key(n_rows, j) for j in range(n_cols)], additive=True,
                    inexact=None)
    for k_, v in m.value.items():
        if v is not None and 1 <= v <= k:
            m.primary.add(k_)
    for i in small_rows:
        m.primary.update(k_ for k_ in m.value if k_.split("|")[1] == str(i))
    withheld = set(m.primary) | m.implicit
    protect_keys = {k_ for k_ in withheld if 1 <= (m.value[k_] or 0) <= k}
    candidates = {k_ for k_ in m.value if k_ not in m.implicit}
    result = protect([m], k=k, candidates=candidates, protect_keys=protect_keys,
                     withheld=withheld)

    def pos(k_):
        _, i, j = k_.split("|")
        return int(i), int(j)

    return ({pos(k_) for k_ in result.withheld if k_ not in m.implicit},
            {pos(k_): result.intervals[k_] for k_ in protect_keys if k_ in result.intervals})
