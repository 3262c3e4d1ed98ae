"""The board report as pure functions over plain counts (domain.md section 3).

`compute_report(counts)` turns a `ReportCounts` into the unsuppressed report dict of schema
`sro-board-report/1`; `suppress_report(report, k)` returns the published (suppressed) copy.
Nothing here touches the database, so the worked examples and property tests run on plain
numbers. Every figure is unrounded; renderers round for display.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext

from interactions.codes import DIMENSIONS, MEASURES, STAGE_MEASURES
from sro_program.models import GRADE_ORDER

from . import stats
from .stats import SuppressionResult, is_small

SCHEMA = "sro-board-report/1"
NOT_REPORTED = "not_reported"
REFERENCE_GROUPS: dict[str, str] = {
    "race_ethnicity": "white",
    "gender": "F",
    "disability": "none",
    "english_learner": "N",
    "foster_youth": "N",
    "homeless": "N",
    "socioeconomically_disadvantaged": "N",
    # grade: no reference group
}
SCHOOL_GROUP_DIMENSION = "race_ethnicity"
COUNT_FIELDS = ("instances", "students", "enrollment", "contacted_students")
GROUP_DERIVED = (
    "rate_per_1000", "rri", "rri_ci_low", "rri_ci_high", "rri_significant", "risk_ratio",
)
STAGE_DERIVED = ("rate_per_100", "rri", "rri_ci_low", "rri_ci_high", "rri_significant")


def dimension_groups(dimension: str, present: Iterable[str] = ()) -> list[str]:
    """The groups of a dimension in display order. Coded dimensions list every code; grade
    lists the grades that occur (in enrollment or in the data), TK first."""
    choices = DIMENSIONS[dimension]
    if choices is not None:
        codes = [c for c, _ in choices.choices]
        extra = sorted(set(present) - set(codes))
        return codes + extra
    present = set(present)
    ordered = [g for g in GRADE_ORDER if g in present]
    return ordered + sorted(present - set(ordered))


def group_label(dimension: str, group: str) -> str:
    choices = DIMENSIONS.get(dimension)
    if choices is not None:
        for code, label in choices.choices:
            if code == group:
                return str(label)
    if dimension == "grade":
        if group in ("TK", "KN"):
            return {"TK": "TK", "KN": "K"}[group]
        return gettext("Grade %(grade)s") % {"grade": group.lstrip("0") or "0"}
    return group


def months_between(date_from: dt.date, date_to: dt.date) -> list[str]:
    out = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _rri_fields(result: stats.RRIResult) -> dict:
    return {
        "rri": result.rri, "rri_ci_low": result.ci_low, "rri_ci_high": result.ci_high,
        "rri_significant": result.significant, "rri_reason": result.reason,
    }


def _reference_rri(c: int, n2: int, min_n: int) -> dict:
    """The reference group's own index is 1, with no interval, when an index can be formed."""
    if n2 < min_n:
        reason = "reference_below_min_n"
    elif c == 0:
        reason = "zero_count"
    else:
        reason = None
    return {
        "rri": 1.0 if reason is None else None, "rri_ci_low": None, "rri_ci_high": None,
        "rri_significant": None, "rri_reason": reason,
    }


def _no_rri(reason: str) -> dict:
    return {"rri": None, "rri_ci_low": None, "rri_ci_high": None, "rri_significant": None,
            "rri_reason": reason}


def group_entries(
    dimension: str,
    groups: list[str],
    measure: str,
    counts: dict[str, tuple[int, int]],
    enrollment: dict[str, int],
    *,
    min_n: int = stats.MIN_N,
    min_cell: int = stats.MIN_CELL,
    outside_risk: float | None = None,
) -> list[dict]:
    """Rows of `groups` for one dimension and measure: counts, rate per 1,000, RRI against the
    reference group (Katz CI), and risk ratio against all other groups together.
    `counts` maps group -> (instances, students); `enrollment` group -> enrolled."""
    reference = REFERENCE_GROUPS.get(dimension)
    ref_students = counts.get(reference, (0, 0))[1] if reference else 0
    ref_enrolled = enrollment.get(reference, 0) if reference else 0
    comparable = [g for g in groups if g != NOT_REPORTED]
    out = []
    for group in groups:
        instances, students = counts.get(group, (0, 0))
        enrolled = enrollment.get(group, 0)
        entry = {
            "dimension": dimension, "group": group, "measure": measure,
            "instances": instances, "students": students, "enrollment": enrolled,
        }
        if group == NOT_REPORTED:
            # Counted and shown, but in no comparison (domain.md section 2).
            entry["rate_per_1000"] = None
            entry.update(_no_rri("not_reported"))
            entry.update(risk_ratio=None, risk_ratio_method="not_calculated",
                         risk_ratio_reason="not_reported")
        else:
            entry["rate_per_1000"] = stats.rate(students, enrolled, 1000)
            if reference is None:
                entry.update(_no_rri("no_reference_group"))
            elif group == reference:
                entry.update(_reference_rri(ref_students, ref_enrolled, min_n))
            else:
                entry.update(_rri_fields(
                    stats.rri(students, enrolled, ref_students, ref_enrolled, min_n=min_n)
                ))
            others = [g for g in comparable if g != group]
            others_num = sum(counts.get(g, (0, 0))[1] for g in others)
            others_den = sum(enrollment.get(g, 0) for g in others)
            rr = stats.risk_ratio(
                students, enrolled, others_num, others_den, min_cell=min_cell, min_n=min_n,
                outside_risk=outside_risk,
            )
            entry.update(risk_ratio=rr.value, risk_ratio_method=rr.method,
                         risk_ratio_reason=rr.reason)
        entry["suppressed"] = False
        out.append(entry)
    return out


def stage_entries(
    dimension: str,
    groups: list[str],
    measure: str,
    students: dict[str, int],
    contacted: dict[str, int],
    *,
    min_n: int = stats.MIN_N,
) -> list[dict]:
    """Stage rates: students with the measure per 100 students contacted, RRI vs reference
    (the denominators n1, n2 are the students contacted)."""
    reference = REFERENCE_GROUPS.get(dimension)
    c = students.get(reference, 0) if reference else 0
    n2 = contacted.get(reference, 0) if reference else 0
    out = []
    for group in groups:
        a, n1 = students.get(group, 0), contacted.get(group, 0)
        entry = {"dimension": dimension, "group": group, "measure": measure,
                 "students": a, "contacted_students": n1}
        if group == NOT_REPORTED:
            entry["rate_per_100"] = None
            entry.update(_no_rri("not_reported"))
        else:
            entry["rate_per_100"] = stats.rate(a, n1, 100)
            if reference is None:
                entry.update(_no_rri("no_reference_group"))
            elif group == reference:
                entry.update(_reference_rri(c, n2, min_n))
            else:
                entry.update(_rri_fields(stats.rri(a, n1, c, n2, min_n=min_n)))
        entry["suppressed"] = False
        out.append(entry)
    return out


def compute_report(
    counts,
    *,
    min_cell: int = stats.DEFAULT_K,
    min_n: int = stats.MIN_N,
    risk_min_cell: int = stats.MIN_CELL,
    outside_risk: dict[str, float] | None = None,
    generated_at: dt.datetime | None = None,
    compliance: dict | None = None,
) -> dict:
    """The unsuppressed report of schema sro-board-report/1 from a ReportCounts."""
    outside_risk = outside_risk or {}
    zero = (0, 0)
    totals = [
        {"measure": m, "instances": counts.totals.get(m, zero)[0],
         "students": counts.totals.get(m, zero)[1], "suppressed": False}
        for m in MEASURES
    ]
    groups_out: list[dict] = []
    stages_out: list[dict] = []
    for dimension in DIMENSIONS:
        by_group = counts.groups.get(dimension, {})
        enrollment = counts.enrollment.get(dimension, {})
        groups = dimension_groups(dimension, set(by_group) | set(enrollment))
        for measure in MEASURES:
            groups_out.extend(group_entries(
                dimension, groups, measure,
                {g: by_group.get(g, {}).get(measure, zero) for g in groups},
                enrollment, min_n=min_n, min_cell=risk_min_cell,
                outside_risk=outside_risk.get(measure),
            ))
        contacted = {g: by_group.get(g, {}).get("contact", zero)[1] for g in groups}
        for measure in STAGE_MEASURES:
            stages_out.extend(stage_entries(
                dimension, groups, measure,
                {g: by_group.get(g, {}).get(measure, zero)[1] for g in groups},
                contacted, min_n=min_n,
            ))
    schools_out = []
    school_groups_out = []
    race_groups = dimension_groups(
        SCHOOL_GROUP_DIMENSION,
        set(counts.groups.get(SCHOOL_GROUP_DIMENSION, {}))
        | set(counts.enrollment.get(SCHOOL_GROUP_DIMENSION, {})),
    )
    for cds, name in counts.schools:
        per_measure = counts.schools_counts.get(cds, {})
        enrolled = counts.school_enrollment.get(cds, {}).get("all", {}).get("all", 0)
        for measure in MEASURES:
            instances, students = per_measure.get(measure, zero)
            schools_out.append({
                "school": cds, "school_name": name, "measure": measure,
                "instances": instances, "students": students, "enrollment": enrolled,
                "rate_per_1000": stats.rate(students, enrolled, 1000), "suppressed": False,
            })
        by_race = counts.school_groups.get(cds, {})
        for measure in MEASURES:
            for group in race_groups:
                school_groups_out.append({
                    "school": cds, "dimension": SCHOOL_GROUP_DIMENSION, "group": group,
                    "measure": measure, "students": by_race.get(group, {}).get(measure, 0),
                    "suppressed": False,
                })
    months_out = []
    for month in months_between(counts.date_from, counts.date_to):
        for measure in MEASURES:
            months_out.append({
                "month": month, "measure": measure,
                "instances": counts.months.get(month, {}).get(measure, 0), "suppressed": False,
            })
    notes = []
    if counts.enrollment_source == "roster":
        notes.append(
            f"No enrollment counts were imported for {counts.school_year}; enrollment is the "
            "number of students on the roster of the selected schools for that year."
        )
    generated = generated_at or dt.datetime.now(dt.UTC)
    return {
        "schema": SCHEMA,
        "parameters": {
            "date_from": counts.date_from.isoformat(),
            "date_to": counts.date_to.isoformat(),
            "school_year": counts.school_year,
            "schools": [cds for cds, _ in counts.schools],
            "suppressed": False,
            "confidential": True,
            "min_cell": min_cell,
            "min_n": min_n,
            "risk_ratio_min_cell": risk_min_cell,
            "reference_groups": dict(REFERENCE_GROUPS),
            "outside_comparison_risk": dict(outside_risk),
            "enrollment_source": counts.enrollment_source,
        },
        "generated_at": generated.isoformat(timespec="seconds"),
        "confidential": True,
        "school_names": {cds: name for cds, name in counts.schools},
        "totals": totals,
        "groups": groups_out,
        "stages": stages_out,
        "schools": schools_out,
        "school_groups": school_groups_out,
        "months": months_out,
        "compliance": compliance if compliance is not None else {},
        "notes": notes,
    }


# --------------------------------------------------------------------------------------------
# Suppression
# --------------------------------------------------------------------------------------------


def published_table(
    cells: list[list[int]],
    *,
    row_totals: list[int] | None = None,
    col_totals: list[int] | None = None,
    grand_total: int | None = None,
    k: int = stats.DEFAULT_K,
    small_rows: Iterable[int] = (),
) -> dict:
    """A table as published: withheld counts (primary and complementary) replaced by None."""
    result = stats.suppress_table(
        cells, row_totals=row_totals, col_totals=col_totals, grand_total=grand_total, k=k,
        enrollment_small_rows=frozenset(small_rows),
    )

    def mask(values, flags):
        if values is None:
            return None
        return [None if flag else value for value, flag in zip(values, flags, strict=True)]

    return {
        "cells": [mask(row, flags) for row, flags in zip(cells, result.cells, strict=True)],
        "row_totals": mask(row_totals, result.row_totals or ()),
        "col_totals": mask(col_totals, result.col_totals or ()),
        "grand_total": None if grand_total is None or result.grand_total else grand_total,
    }


def _line_fixpoint(
    values_by_field: dict[str, list[int]],
    totals_by_field: dict[str, int | None],
    *,
    k: int,
    small_rows: set[int],
    hidden: set[int],
    total_hidden: bool,
) -> tuple[set[int], bool]:
    """Suppress the linked lines of one table (the same entries counted as students and as
    instances): an entry hidden in one is hidden in all, until nothing changes."""
    n = len(next(iter(values_by_field.values())))
    hidden = set(hidden)
    while True:
        before = (len(hidden), total_hidden)
        for name, values in values_by_field.items():
            total = totals_by_field.get(name)
            initial = SuppressionResult(
                cells=tuple((i in hidden,) for i in range(n)), row_totals=None,
                col_totals=None if total is None else (total_hidden,), grand_total=None,
            )
            result = stats.suppress_table(
                [[v] for v in values], col_totals=None if total is None else [total], k=k,
                enrollment_small_rows=frozenset(small_rows), initial=initial,
            )
            hidden |= {i for i in range(n) if result.cells[i][0]}
            if result.col_totals is not None and result.col_totals[0]:
                total_hidden = True
        if (len(hidden), total_hidden) == before:
            return hidden, total_hidden


def suppression_masks(report: dict, k: int) -> dict:
    """Which entries of each section a published report withholds (by index).

    Tables (domain.md section 3, rule 4): for each dimension and measure, the groups with the
    measure's total (students and instances linked); for each measure, the school x race
    group table with both totals (students) linked to the schools' instances line; for each
    measure, the months with the total (instances). Totals are withheld when small, or when a
    table needs them. Runs until no table adds anything.
    """
    totals = {t["measure"]: t for t in report["totals"]}
    total_hidden = {m: is_small(t["instances"], k) or is_small(t["students"], k)
                    for m, t in totals.items()}
    groups_by_line: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(report["groups"]):
        groups_by_line.setdefault((e["dimension"], e["measure"]), []).append(i)
    group_hidden: set[int] = set()
    schools_by_measure: dict[str, list[int]] = {}
    for i, e in enumerate(report["schools"]):
        schools_by_measure.setdefault(e["measure"], []).append(i)
    school_hidden: set[int] = set()
    sg_index = {(e["school"], e["group"], e["measure"]): i
                for i, e in enumerate(report["school_groups"])}
    sg_hidden: set[int] = set()

    while True:
        before = (dict(total_hidden), len(group_hidden), len(school_hidden), len(sg_hidden))
        for (_dimension, measure), idx in groups_by_line.items():
            entries = [report["groups"][i] for i in idx]
            small = {j for j, e in enumerate(entries) if is_small(e["enrollment"] or 0, k)}
            hidden, t_hidden = _line_fixpoint(
                {"students": [e["students"] for e in entries],
                 "instances": [e["instances"] for e in entries]},
                {"students": totals[measure]["students"],
                 "instances": totals[measure]["instances"]},
                k=k, small_rows=small,
                hidden={j for j, i in enumerate(idx) if i in group_hidden},
                total_hidden=total_hidden[measure],
            )
            group_hidden |= {idx[j] for j in hidden}
            total_hidden[measure] = t_hidden
        race_hidden = {
            (report["groups"][i]["group"], report["groups"][i]["measure"])
            for i in group_hidden if report["groups"][i]["dimension"] == SCHOOL_GROUP_DIMENSION
        }
        race_groups = list(dict.fromkeys(
            e["group"] for e in report["groups"] if e["dimension"] == SCHOOL_GROUP_DIMENSION
        ))
        race_totals = {
            (e["group"], e["measure"]): e["students"]
            for e in report["groups"] if e["dimension"] == SCHOOL_GROUP_DIMENSION
        }
        for measure, idx in schools_by_measure.items():
            entries = [report["schools"][i] for i in idx]
            schools = [e["school"] for e in entries]
            small_rows = {j for j, e in enumerate(entries) if is_small(e["enrollment"] or 0, k)}
            # The school x race table, students, with both totals.
            hidden_rows = {j for j, i in enumerate(idx) if i in school_hidden}
            while True:
                rows = [[report["school_groups"][sg_index[(s, g, measure)]]["students"]
                         if (s, g, measure) in sg_index else 0 for g in race_groups]
                        for s in schools]
                positions = [[sg_index.get((s, g, measure)) for g in race_groups]
                             for s in schools]
                initial = SuppressionResult(
                    cells=tuple(tuple(p in sg_hidden for p in row) for row in positions),
                    row_totals=tuple(j in hidden_rows for j in range(len(schools))),
                    col_totals=tuple((g, measure) in race_hidden for g in race_groups),
                    grand_total=total_hidden[measure],
                )
                result = stats.suppress_table(
                    rows, row_totals=[e["students"] for e in entries],
                    col_totals=[race_totals.get((g, measure), 0) for g in race_groups],
                    grand_total=totals[measure]["students"], k=k,
                    enrollment_small_rows=frozenset(small_rows), initial=initial,
                ) if schools and race_groups else None
                if result is not None:
                    for r, row in enumerate(result.cells):
                        for c, flag in enumerate(row):
                            if flag and positions[r][c] is not None:
                                sg_hidden.add(positions[r][c])
                    hidden_rows |= {j for j, f in enumerate(result.row_totals) if f}
                    for c, flag in enumerate(result.col_totals):
                        if flag and (race_groups[c], measure) not in race_hidden:
                            race_hidden.add((race_groups[c], measure))
                            group_hidden.update(
                                i for i in groups_by_line.get(
                                    (SCHOOL_GROUP_DIMENSION, measure), [])
                                if report["groups"][i]["group"] == race_groups[c]
                            )
                    if result.grand_total:
                        total_hidden[measure] = True
                # The schools' instances against the measure's total instances.
                hidden2, t_hidden = _line_fixpoint(
                    {"instances": [e["instances"] for e in entries],
                     "students": [e["students"] for e in entries]},
                    {"instances": totals[measure]["instances"],
                     "students": totals[measure]["students"]},
                    k=k, small_rows=small_rows, hidden=hidden_rows,
                    total_hidden=total_hidden[measure],
                )
                total_hidden[measure] = total_hidden[measure] or t_hidden
                if hidden2 == hidden_rows:
                    break
                hidden_rows = hidden2
            school_hidden |= {idx[j] for j in hidden_rows}
        after = (dict(total_hidden), len(group_hidden), len(school_hidden), len(sg_hidden))
        if after == before:
            break

    month_hidden: set[int] = set()
    months_by_measure: dict[str, list[int]] = {}
    for i, e in enumerate(report["months"]):
        months_by_measure.setdefault(e["measure"], []).append(i)
    for measure, idx in months_by_measure.items():
        hidden, _ = _line_fixpoint(
            {"instances": [report["months"][i]["instances"] for i in idx]},
            {"instances": totals[measure]["instances"]},
            k=k, small_rows=set(), hidden=set(), total_hidden=total_hidden[measure],
        )
        month_hidden |= {idx[j] for j in hidden}
    return {
        "totals": {m for m, h in total_hidden.items() if h},
        "groups": group_hidden,
        "schools": school_hidden,
        "school_groups": sg_hidden,
        "months": month_hidden,
    }


def _blank(entry: dict, fields: Iterable[str]) -> None:
    for name in fields:
        if name in entry:
            entry[name] = None
    entry["suppressed"] = True


def suppress_report(report: dict, k: int | None = None) -> dict:
    """The published copy of an unsuppressed report: every count from 1 to k withheld (with
    its complements), and every figure derived from a withheld count set to null."""
    k = report["parameters"]["min_cell"] if k is None else k
    masks = suppression_masks(report, k)
    out = copy.deepcopy(report)
    out["parameters"]["suppressed"] = True
    out["parameters"]["confidential"] = False
    out["parameters"]["min_cell"] = k
    out["confidential"] = False
    for entry in out["totals"]:
        if entry["measure"] in masks["totals"]:
            _blank(entry, ("instances", "students"))
    for i in masks["groups"]:
        _blank(out["groups"][i], COUNT_FIELDS + GROUP_DERIVED)
        out["groups"][i]["rri_reason"] = "suppressed"
        out["groups"][i]["risk_ratio_method"] = "not_calculated"
        out["groups"][i]["risk_ratio_reason"] = "suppressed"
    index = {(e["dimension"], e["group"], e["measure"]): e for e in out["groups"]}
    for entry in out["groups"]:
        if entry["suppressed"]:
            continue
        reference = REFERENCE_GROUPS.get(entry["dimension"])
        ref = index.get((entry["dimension"], reference, entry["measure"]))
        if ref is not None and ref["suppressed"] and entry["rri"] is not None:
            # The index divides by the reference group's withheld count.
            entry.update(_no_rri("reference_suppressed"))
        nr = index.get((entry["dimension"], NOT_REPORTED, entry["measure"]))
        if (nr is not None and nr["suppressed"] and entry["risk_ratio"] is not None
                and entry["risk_ratio_method"] == "risk_ratio"):
            # All other groups together = total - group - not reported: it would reveal the
            # withheld not-reported count.
            entry.update(risk_ratio=None, risk_ratio_method="not_calculated",
                         risk_ratio_reason="comparison_suppressed")
    for entry in out["stages"]:
        own = index.get((entry["dimension"], entry["group"], entry["measure"]))
        contact = index.get((entry["dimension"], entry["group"], "contact"))
        if (own and own["suppressed"]) or (contact and contact["suppressed"]):
            _blank(entry, COUNT_FIELDS + STAGE_DERIVED)
            entry["rri_reason"] = "suppressed"
    stage_index = {(e["dimension"], e["group"], e["measure"]): e for e in out["stages"]}
    for entry in out["stages"]:
        if entry["suppressed"]:
            continue
        reference = REFERENCE_GROUPS.get(entry["dimension"])
        ref = stage_index.get((entry["dimension"], reference, entry["measure"]))
        if ref is not None and ref["suppressed"] and entry["rri"] is not None:
            entry.update(_no_rri("reference_suppressed"))
    for i in masks["schools"]:
        _blank(out["schools"][i], COUNT_FIELDS + ("rate_per_1000",))
    for i in masks["school_groups"]:
        _blank(out["school_groups"][i], ("students",))
    for i in masks["months"]:
        _blank(out["months"][i], ("instances",))
    out["compliance"] = suppress_compliance(out.get("compliance") or {}, k)
    return out


# Compliance facts about student interactions are counts of students' events: published
# reports withhold them from 1 to k, with the shares computed from them.
_COMPLIANCE_SHARES = {
    "use_of_force_share": ("use_of_force", "interactions"),
    "gc12525_reportable_share": ("gc12525_reportable", "interactions"),
    "outside_sro_role_share": ("outside_sro_role", "interactions"),
    "de_escalation_share": ("de_escalation", "interactions"),
    "de_escalation_share_of_force": ("force_with_de_escalation", "use_of_force"),
    "restorative_share": ("restorative", "interactions"),
}


def compliance_section(facts: dict) -> dict:
    """The compliance facts with the shares the board reads (unsuppressed)."""
    section = copy.deepcopy(facts)
    counts = section.get("interactions")
    if counts is not None:
        shares = {}
        for name, (num, den) in _COMPLIANCE_SHARES.items():
            n, d = counts.get(num), counts.get(den)
            shares[name] = (n / d) if (n is not None and d) else None
        section["shares"] = shares
    mous = section.get("mous", [])
    officers = section.get("officers", [])
    schools = section.get("schools", [])
    section["summary"] = {
        "agencies": len(mous),
        "mous_in_force": sum(1 for m in mous if m.get("in_force")),
        "mous_in_force_and_complete": sum(1 for m in mous if m.get("in_force")
                                          and m.get("complete")),
        "officers_assigned": len(officers),
        "officers_sworn": sum(1 for o in officers if o.get("sworn")),
        "officers_required_training_current": sum(
            1 for o in officers if o.get("required_training_current")),
        "schools": len(schools),
        "schools_with_sworn_officer": sum(1 for s in schools if (s.get("sworn_fte") or 0) > 0),
    }
    return section


def suppress_compliance(section: dict, k: int) -> dict:
    section = copy.deepcopy(section)
    counts = section.get("interactions")
    if counts:
        hidden = {name for name, value in counts.items()
                  if isinstance(value, int) and is_small(value, k)}
        for name in hidden:
            counts[name] = None
        shares = section.get("shares") or {}
        for name, (num, den) in _COMPLIANCE_SHARES.items():
            if num in hidden or den in hidden:
                shares[name] = None
        section["suppressed_counts"] = sorted(hidden)
    access = section.get("record_access") or {}
    for key in ("requests", "log_entries"):
        for entry in access.get(key, []):
            if is_small(entry.get("count") or 0, k):
                entry["count"] = None
                entry["suppressed"] = True
    return section
