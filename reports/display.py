"""Tables for people, from a report dict: the HTML preview, the published page and the PDF
share these, so each figure is formatted (rounded half up, withheld as "*") in one place."""

from __future__ import annotations

from decimal import Decimal

from interactions.codes import DIMENSIONS, MEASURES, STAGE_MEASURES

from . import charts
from .compute import REFERENCE_GROUPS, group_label
from .labels import DIMENSION_LABELS, MEASURE_LABELS, SHORT_REASON, method_note
from .stats import round_half_up

WITHHELD = "*"
DASH = "–"
# The measures the board packet details group by group (every format carries all of them).
KEY_MEASURES = [
    "contact", "referral_to_law_enforcement", "arrest", "citation", "prosecution_referral",
    "use_of_force", "outside_sro_role",
]
SCHOOL_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "citation",
                   "use_of_force", "outside_sro_role"]


def count(value, suppressed: bool = False) -> str:
    if value is None:
        return WITHHELD if suppressed else DASH
    return f"{value:,}"


def number(value, places: int = 2, suppressed: bool = False) -> str:
    if value is None:
        return WITHHELD if suppressed else DASH
    return f"{round_half_up(value, places):,}"


def percent(value) -> str:
    if value is None:
        return DASH
    return f"{round_half_up(Decimal(repr(value)) * 100, 1)}%"


def _interval(entry: dict) -> str:
    if entry.get("rri_ci_low") is None:
        return ""
    return f"{number(entry['rri_ci_low'])}–{number(entry['rri_ci_high'])}"


def group_rows(report: dict, dimension: str, measure: str) -> list[dict]:
    reference = REFERENCE_GROUPS.get(dimension)
    rows = []
    for e in report.get("groups", []):
        if e["dimension"] != dimension or e["measure"] != measure:
            continue
        s = e["suppressed"]
        rri_note = SHORT_REASON.get(e.get("rri_reason"), e.get("rri_reason") or "")
        if e["group"] == reference:
            rri_note = "reference group"
        if not s and not e["enrollment"] and not e["instances"] and not e["students"]:
            continue  # a group with no one enrolled and nothing counted
        rows.append({
            "label": group_label(dimension, e["group"]),
            "enrollment": count(e["enrollment"], s),
            "instances": count(e["instances"], s),
            "students": count(e["students"], s),
            "rate": number(e["rate_per_1000"], suppressed=s),
            "rri": number(e["rri"], suppressed=s),
            "ci": _interval(e),
            "significant": "yes" if e.get("rri_significant") else "",
            "risk_ratio": number(e["risk_ratio"], suppressed=s),
            "risk_ratio_note": "alternate" if e["risk_ratio_method"] == "alternate_risk_ratio"
            else "",
            "note": rri_note if e["rri"] is None or e["group"] == reference else "",
            "suppressed": s,
        })
    return rows


def stage_rows(report: dict, dimension: str, measure: str) -> list[dict]:
    reference = REFERENCE_GROUPS.get(dimension)
    rows = []
    for e in report.get("stages", []):
        if e["dimension"] != dimension or e["measure"] != measure:
            continue
        s = e["suppressed"]
        note = SHORT_REASON.get(e.get("rri_reason"), e.get("rri_reason") or "")
        if not s and not e["contacted_students"] and not e["students"]:
            continue  # no student of the group was contacted
        rows.append({
            "label": group_label(dimension, e["group"]),
            "students": count(e["students"], s),
            "contacted": count(e["contacted_students"], s),
            "rate": number(e["rate_per_100"], suppressed=s),
            "rri": number(e["rri"], suppressed=s),
            "ci": _interval(e),
            "significant": "yes" if e.get("rri_significant") else "",
            "note": "reference group" if e["group"] == reference else
            (note if e["rri"] is None else ""),
            "suppressed": s,
        })
    return rows


def totals_rows(report: dict) -> list[dict]:
    return [
        {"label": MEASURE_LABELS[t["measure"]], "measure": t["measure"],
         "instances": count(t["instances"], t["suppressed"]),
         "students": count(t["students"], t["suppressed"])}
        for t in report.get("totals", [])
    ]


def school_rows(report: dict, measures: list[str]) -> list[dict]:
    names = report.get("school_names", {})
    by = {(e["school"], e["measure"]): e for e in report.get("schools", [])}
    rows = []
    for cds in report.get("parameters", {}).get("schools", []):
        cells = []
        for m in measures:
            e = by.get((cds, m))
            cells.append(count(e["students"], e["suppressed"]) if e else DASH)
        rows.append({"label": names.get(cds, cds), "cds": cds, "cells": cells})
    return rows


def month_rows(report: dict, measures: list[str]) -> list[dict]:
    by = {(e["month"], e["measure"]): e for e in report.get("months", [])}
    months = list(dict.fromkeys(e["month"] for e in report.get("months", [])))
    return [
        {"label": month, "cells": [
            count(by[(month, m)]["instances"], by[(month, m)]["suppressed"])
            if (month, m) in by else DASH for m in measures
        ]}
        for month in months
    ]


def compliance_view(section: dict) -> dict:
    inter = section.get("interactions") or {}
    shares = section.get("shares") or {}
    return {
        "summary": section.get("summary") or {},
        "mous": section.get("mous") or [],
        "officers": section.get("officers") or [],
        "schools": [
            {**s, "coverage_text": percent(s.get("coverage")),
             "fte_text": number(s.get("sworn_fte"))}
            for s in section.get("schools") or []
        ],
        "record_access": section.get("record_access") or {},
        "incidents": [
            ("Interactions", count(inter.get("interactions"), True)),
            ("Use of force", count(inter.get("use_of_force"), True)),
            ("GC 12525.2 reportable (firearm discharged, serious injury or death)",
             count(inter.get("gc12525_reportable"), True)),
            ("Serious injury or death", count(inter.get("serious_injury"), True)),
            ("Outside the SRO role (code of conduct or mental health crisis)",
             count(inter.get("outside_sro_role"), True)),
            ("  of which code of conduct", count(inter.get("outside_code_of_conduct"), True)),
            ("  of which mental health crisis",
             count(inter.get("outside_mental_health"), True)),
        ] if inter else [],
        "shares": [
            ("De-escalation attempted, of all interactions",
             percent(shares.get("de_escalation_share"))),
            ("De-escalation attempted, of interactions with force",
             percent(shares.get("de_escalation_share_of_force"))),
            ("Restorative approach, of all interactions",
             percent(shares.get("restorative_share"))),
            ("Outside the SRO role, of all interactions",
             percent(shares.get("outside_sro_role_share"))),
            ("Use of force, of all interactions", percent(shares.get("use_of_force_share"))),
        ] if shares else [],
    }


def report_context(report: dict, *, measures: list[str] | None = None,
                   chart_measures: list[str] | None = None) -> dict:
    """Everything a template needs to show a report."""
    measures = measures or KEY_MEASURES
    dimensions = []
    for dimension in DIMENSIONS:
        dimensions.append({
            "key": dimension, "label": DIMENSION_LABELS[dimension],
            "reference": group_label(dimension, REFERENCE_GROUPS[dimension])
            if dimension in REFERENCE_GROUPS else None,
            "tables": [
                {"measure": m, "label": MEASURE_LABELS[m], "rows": group_rows(report, dimension, m)}
                for m in measures
            ],
            "stages": [
                {"measure": m, "label": MEASURE_LABELS[m], "rows": stage_rows(report, dimension, m)}
                for m in STAGE_MEASURES if m in measures or measures == KEY_MEASURES
            ],
        })
    chart_list = []
    for m in chart_measures or ["referral_to_law_enforcement", "arrest"]:
        svg = charts.rates_chart(report, "race_ethnicity", m)
        if svg:
            chart_list.append({
                "title": f"{MEASURE_LABELS[m]} by race or ethnicity",
                "uri": charts.data_uri(svg),
                "alt": f"Bar chart of students per 1,000 enrolled with {MEASURE_LABELS[m].lower()}"
                       " by race or ethnicity, and relative rate index with 95% intervals "
                       "against White students. The same figures are in the tables.",
            })
    trend = charts.trend_chart(report)
    if trend:
        chart_list.append({
            "title": "Monthly trend", "uri": charts.data_uri(trend),
            "alt": "Line chart of interactions per month: contacts, referrals to law "
                   "enforcement, arrests and uses of force. The same figures are in the "
                   "monthly table.",
        })
    # A snapshot is shown from whatever it holds; a malformed one shows empty tables.
    params = {"schools": [], "suppressed": True, **report.get("parameters", {})}
    return {
        "report": report,
        "params": params,
        "confidential": not params.get("suppressed", True),
        "school_names": [report.get("school_names", {}).get(c, c) for c in params["schools"]],
        "method": method_note(params),
        "notes": report.get("notes", []),
        "totals": totals_rows(report),
        "dimensions": dimensions,
        "school_measures": [MEASURE_LABELS[m] for m in SCHOOL_MEASURES],
        "schools": school_rows(report, SCHOOL_MEASURES),
        "month_measures": [MEASURE_LABELS[m] for m in charts.TREND_MEASURES],
        "months": month_rows(report, charts.TREND_MEASURES),
        "compliance": compliance_view(report.get("compliance") or {}),
        "charts": chart_list,
        "all_measures": [(m, MEASURE_LABELS[m]) for m in MEASURES],
    }
