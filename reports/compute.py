"""The board report as pure functions over plain counts (methods: docs/methods.md).

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

from . import disclosure, stats

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
            # Counted and shown, but in no comparison (docs/codes.md).
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
    """A table as published: withheld counts replaced by None. Counts from 1 to k are
    withheld, then more until the LP audit of `reports.disclosure` finds every withheld count
    of 1..k free over a range at least k wide (docs/methods.md, worked example E)."""
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    withheld, _ = disclosure.protect_table(
        cells, row_totals=row_totals, col_totals=col_totals, grand_total=grand_total, k=k,
        small_rows=small_rows,
    )

    def shown(i: int, j: int, value):
        return None if (i, j) in withheld else value

    return {
        "cells": [[shown(i, j, v) for j, v in enumerate(row)] for i, row in enumerate(cells)],
        "row_totals": None if row_totals is None
        else [shown(i, n_cols, v) for i, v in enumerate(row_totals)],
        "col_totals": None if col_totals is None
        else [shown(n_rows, j, v) for j, v in enumerate(col_totals)],
        "grand_total": None if grand_total is None else shown(n_rows, n_cols, grand_total),
    }


def suppression_masks(report: dict, k: int) -> dict:
    """Which entries of each section a published report withholds (by index), as decided by
    the audited suppression of `reports.disclosure` (docs/methods.md)."""
    withheld, model, _record = disclosure.protect_report(report, k)
    masks: dict[str, set] = {"totals": set(), "groups": set(), "schools": set(),
                             "school_groups": set(), "months": set(), "compliance": set()}
    for key in withheld:
        for ref in model.refs.get(key, ()):
            section = ref[1]
            if section == "totals":
                masks["totals"].add(report["totals"][ref[2]]["measure"])
            elif section in masks:
                masks[section].add(ref[2])
    return masks


def _blank(entry: dict, fields: Iterable[str]) -> None:
    for name in fields:
        if name in entry:
            entry[name] = None
    entry["suppressed"] = True


def suppress_report(report: dict, k: int | None = None) -> dict:
    """The published copy of an unsuppressed report: every count from 1 to k withheld, more
    counts withheld until an audit shows none of them can be narrowed to a range under k wide
    (docs/methods.md), and every figure derived from a withheld count set to null."""
    return suppress_report_audited(report, k)[0]


def suppress_report_audited(report: dict, k: int | None = None, *,
                            earlier: Iterable[tuple] = (),
                            earlier_ids: Iterable[int] = ()) -> tuple[dict, dict]:
    """`suppress_report` audited jointly with `earlier` publications ((content, audit record)
    pairs of the same school year, or (content, audit record, the same report computed again
    unsuppressed)); returns (published copy, audit record). Raises
    `disclosure.AuditError` when the guarantee cannot be established."""
    k = report["parameters"]["min_cell"] if k is None else k
    withheld, model, record = disclosure.protect_report(report, k, earlier=list(earlier))
    out = disclosure.apply(report, model, withheld, k)
    record["audited_with"] = sorted(earlier_ids)
    out["parameters"]["disclosure_statement"] = disclosure.guarantee_sentence(record)
    out["parameters"]["audited_with"] = record["audited_with"]
    return out, record


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
