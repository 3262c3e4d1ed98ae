"""Tables for people, from a report dict: the HTML preview, the published page and the PDF
share these, so each figure is formatted (rounded half up, withheld as "*") in one place."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from interactions.codes import DIMENSIONS, MEASURES, STAGE_MEASURES

from . import chart_text, charts, summary
from .compute import _COMPLIANCE_SHARES, REFERENCE_GROUPS, group_label
from .labels import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    label_compliance,
    method_note,
    reason_text,
)
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


DATETIME_FORMAT = gettext_noop("j F Y, P")  # 28 November 2026, 6:22 a.m.
DATE_FORMAT = gettext_noop("j F Y")  # 1 July 2025
# Which day the compliance section describes, and why (reports.selectors.compliance_as_of).
AS_OF_NOTES = {
    "period_end": gettext_lazy("the last day of the period"),
    "today": gettext_lazy("today: the period has not ended"),
}


def format_datetime(value) -> str:
    """A moment for people, in the district's time zone: '28 November 2026, 6:22 a.m.'.
    Takes a datetime or the ISO text of the JSON (`generated_at`); other text is returned as
    it is, and nothing as "–"."""
    if not value:
        return DASH
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    value = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    return dateformat.format(value, _(DATETIME_FORMAT))


def format_date(value) -> str:
    """A day for people: '1 July 2025'. Takes a date or ISO text; other text is returned."""
    if not value:
        return DASH
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return dateformat.format(value, _(DATE_FORMAT))


def format_month(value: str) -> str:
    """'2025-09' -> 'September 2025'; other text is returned as it is."""
    try:
        return dateformat.format(dt.date.fromisoformat(f"{value}-01"), _("F Y"))
    except (TypeError, ValueError):
        return value


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


# An RRI or risk ratio withheld because a count it needs is withheld reads "*", like the count.
WITHHELD_REASONS = {"suppressed", "reference_suppressed", "comparison_suppressed"}


def _rri_withheld(entry: dict) -> bool:
    return bool(entry.get("suppressed")) or entry.get("rri_reason") in WITHHELD_REASONS


def _interval(entry: dict, reference: bool = False) -> str:
    """The 95% interval of the RRI: "*" when withheld, "–" when not calculated (and for the
    reference group, whose RRI is 1 by definition, with no interval)."""
    if _rri_withheld(entry):
        return WITHHELD
    if reference or entry.get("rri_ci_low") is None or entry.get("rri_ci_high") is None:
        return DASH
    return f"{number(entry['rri_ci_low'])}–{number(entry['rri_ci_high'])}"


def _significant(entry: dict, reference: bool = False) -> str:
    if _rri_withheld(entry):
        return WITHHELD
    if reference or entry.get("rri") is None or entry.get("rri_significant") is None:
        return DASH
    return _("yes") if entry["rri_significant"] else _("no")


def _reference_note(entry: dict) -> str:
    """The reference group's note: its RRI is 1.00 by definition; when none could be formed
    (too few students, no one with the measure, withheld) the note says why."""
    reason = entry.get("rri_reason")
    if entry.get("rri") is not None or not reason or reason in WITHHELD_REASONS:
        return _("reference group")
    return _("reference group; %(reason)s") % {"reason": reason_text(reason)}


def _rri(entry: dict) -> str:
    return number(entry.get("rri"), suppressed=_rri_withheld(entry))


def _risk_ratio(entry: dict) -> str:
    withheld = bool(entry.get("suppressed")) or entry.get("risk_ratio_reason") in WITHHELD_REASONS
    return number(entry.get("risk_ratio"), suppressed=withheld)


def group_rows(report: dict, dimension: str, measure: str) -> list[dict]:
    reference = REFERENCE_GROUPS.get(dimension)
    rows = []
    for e in report.get("groups", []):
        if e["dimension"] != dimension or e["measure"] != measure:
            continue
        s = e["suppressed"]
        is_reference = e["group"] == reference
        rri_note = reason_text(e.get("rri_reason"))
        if is_reference:
            rri_note = _reference_note(e)
        if not s and not e["enrollment"] and not e["instances"] and not e["students"]:
            continue  # a group with no one enrolled and nothing counted
        rows.append({
            "label": group_label(dimension, e["group"]),
            "enrollment": count(e["enrollment"], s),
            "instances": count(e["instances"], s),
            "students": count(e["students"], s),
            "rate": number(e["rate_per_1000"], suppressed=s),
            "rri": _rri(e),
            "ci": _interval(e, is_reference),
            "significant": _significant(e, is_reference),
            "risk_ratio": _risk_ratio(e),
            "risk_ratio_note": _("alternate") if e["risk_ratio_method"] == "alternate_risk_ratio"
            else (reason_text(e.get("risk_ratio_reason"))
                  if e.get("risk_ratio") is None and not s else ""),
            "note": rri_note if e["rri"] is None or is_reference else "",
            "reference": is_reference,
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
        is_reference = e["group"] == reference
        note = reason_text(e.get("rri_reason"))
        if not s and not e["contacted_students"] and not e["students"]:
            continue  # no student of the group was contacted
        rows.append({
            "label": group_label(dimension, e["group"]),
            "students": count(e["students"], s),
            "contacted": count(e["contacted_students"], s),
            "rate": number(e["rate_per_100"], suppressed=s),
            "rri": _rri(e),
            "ci": _interval(e, is_reference),
            "significant": _significant(e, is_reference),
            "note": _reference_note(e) if is_reference else
            (note if e["rri"] is None else ""),
            "reference": is_reference,
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
        {"label": format_month(month), "cells": [
            count(by[(month, m)]["instances"], by[(month, m)]["suppressed"])
            if (month, m) in by else DASH for m in measures
        ]}
        for month in months
    ]


def _share(shares: dict, withheld: set, name: str) -> str:
    """A share in percent: "*" when computed from a withheld count, "–" when not calculated."""
    value = shares.get(name)
    if value is None:
        num, den = _COMPLIANCE_SHARES[name]
        return WITHHELD if num in withheld or den in withheld else DASH
    return percent(value)


def compliance_view(section: dict) -> dict:
    """The compliance section for people: labels instead of codes (TrainingTopic names,
    FERPA bases, statuses), "*" for withheld and "–" for not calculated."""
    section = label_compliance(section, relabel=True)
    inter = section.get("interactions") or {}
    shares = section.get("shares") or {}
    withheld = set(section.get("suppressed_counts") or [])
    withheld |= {name for name, value in inter.items() if value is None}

    def row(label: str, key: str, indent: bool = False) -> dict:
        return {"label": label, "value": count(inter.get(key), True), "indent": indent,
                "number": inter.get(key)}

    def share(label: str, key: str) -> dict:
        return {"label": label, "value": _share(shares, withheld, key), "indent": False,
                "number": None}

    access = section.get("record_access") or {}
    return {
        "summary": section.get("summary") or {},
        "as_of_text": format_date(section.get("as_of")),
        "as_of_note": AS_OF_NOTES.get(section.get("as_of_reason"), ""),
        "mous": [{**m, "board_date_text": format_date(m.get("board_date"))}
                 for m in section.get("mous") or []],
        "officers": [
            {**o, "missing_labels": [t["label"] for t in o.get("missing_training_topics") or []]}
            for o in section.get("officers") or []
        ],
        "schools": [
            {**s, "coverage_text": percent(s.get("coverage")),
             "fte_text": number(s.get("sworn_fte"))}
            for s in section.get("schools") or []
        ],
        "record_access": {
            "requests": [
                {**r, "count_text": count(r.get("count"), True)}
                for r in access.get("requests") or []
            ],
            "log_entries": [
                {**r, "count_text": count(r.get("count"), True)}
                for r in access.get("log_entries") or []
            ],
        },
        "incidents": [
            row(_("Interactions"), "interactions"),
            row(_("Use of force"), "use_of_force"),
            row(_("GC 12525.2 reportable (firearm discharged, serious injury or death)"),
                "gc12525_reportable"),
            row(_("Serious injury or death"), "serious_injury"),
            row(_("Outside the SRO role (code of conduct or mental health crisis)"),
                "outside_sro_role"),
            row(_("of which code of conduct"), "outside_code_of_conduct", indent=True),
            row(_("of which mental health crisis"), "outside_mental_health", indent=True),
        ] if inter else [],
        "shares": [
            share(_("De-escalation attempted, of all interactions"), "de_escalation_share"),
            share(_("De-escalation attempted, of interactions with force"),
                  "de_escalation_share_of_force"),
            share(_("Restorative approach, of all interactions"), "restorative_share"),
            share(_("Outside the SRO role, of all interactions"), "outside_sro_role_share"),
            share(_("Use of force, of all interactions"), "use_of_force_share"),
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
                {"measure": m, "label": MEASURE_LABELS[m], "rows": group_rows(report, dimension, m),
                 "caption": _("%(measure)s by %(dimension)s") % {
                     "measure": MEASURE_LABELS[m],
                     "dimension": str(DIMENSION_LABELS[dimension]).lower()}}
                for m in measures
            ],
            "stages": [
                {"measure": m, "label": MEASURE_LABELS[m], "rows": stage_rows(report, dimension, m),
                 "caption": _("%(measure)s per 100 students contacted, by %(dimension)s") % {
                     "measure": MEASURE_LABELS[m],
                     "dimension": str(DIMENSION_LABELS[dimension]).lower()}}
                for m in STAGE_MEASURES if m in measures or measures == KEY_MEASURES
            ],
        })
    chart_list = chart_context(report, chart_measures or summary.SUMMARY_MEASURES)
    # A snapshot is shown from whatever it holds; a malformed one shows empty tables.
    params = {"schools": [], "suppressed": True, **report.get("parameters", {})}
    return {
        "report": report,
        "params": params,
        "confidential": not params.get("suppressed", True),
        "school_names": [report.get("school_names", {}).get(c, c) for c in params["schools"]],
        "method": method_note(params),
        "generated_text": format_datetime(report.get("generated_at")),
        "period_text": _("%(start)s to %(end)s") % {
            "start": format_date(params.get("date_from")),
            "end": format_date(params.get("date_to"))},
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
        "findings": summary.findings(report),
        "findings_more": summary.findings_overflow(report),
        "previous": report.get("previous") or {},
        "compliance_summary": summary.compliance_rows(report),
        "headline": headline_rows(report),
    }


def chart_context(report: dict, measures: list[str]) -> list[dict]:
    """One dot-plot per measure (by race or ethnicity), then the monthly trend."""
    chart_list = []
    for m in measures:
        svg = charts.rates_chart(report, "race_ethnicity", m)
        chart_list.append({
            "kind": "rates",
            "title": charts.rates_chart_title("race_ethnicity", m),
            "uri": charts.data_uri(svg) if svg else None,
            "alt": chart_text.rates_chart_alt(report, "race_ethnicity", m),
            "empty": _("Every rate is zero or withheld for privacy, so there is nothing to "
                       "chart. The figures are in the race or ethnicity tables."),
        })
    if report.get("months"):
        trend = charts.trend_chart(report)
        chart_list.append({
            "kind": "trend",
            "title": _("Interactions per month (withheld months are gaps)"),
            "uri": charts.data_uri(trend) if trend else None,
            "alt": chart_text.trend_chart_alt(report),
            "empty": _("Every monthly figure is zero or withheld for privacy, so there is "
                       "nothing to chart. The figures are in the monthly table."),
        })
    return chart_list


def _change(entry: dict) -> str:
    prev = entry.get("previous")
    if not prev:
        return DASH
    if prev.get("suppressed") or prev.get("students") is None:
        return WITHHELD
    return count(prev.get("students"))


def headline_rows(report: dict) -> list[dict]:
    """Students with each key measure this year and, when that year has data, the previous."""
    rows = []
    for t in report.get("totals", []):
        if t["measure"] not in KEY_MEASURES:
            continue
        rows.append({"label": MEASURE_LABELS[t["measure"]],
                     "students": count(t["students"], t["suppressed"]),
                     "instances": count(t["instances"], t["suppressed"]),
                     "previous": _change(t)})
    return rows


# The PDF's appendix details the summary's measures; the XLSX, CSV and JSON carry them all.
APPENDIX_MEASURES = summary.SUMMARY_MEASURES
# Dimensions with few groups share one appendix table per measure.
SMALL_DIMENSIONS = ["gender", "disability", "english_learner", "foster_youth", "homeless",
                    "socioeconomically_disadvantaged"]


def _all_withheld(rows: list[dict]) -> bool:
    return bool(rows) and all(r["suppressed"] for r in rows)


def _by(measure: str, dimension: str) -> str:
    """ "Arrest by race or ethnicity": a table's caption."""
    return _("%(measure)s by %(dimension)s") % {
        "measure": MEASURE_LABELS[measure],
        "dimension": str(DIMENSION_LABELS[dimension]).lower()}


def appendix_context(report: dict, measures: list[str] | None = None) -> dict:
    """The tables of the appendix: race or ethnicity and grade each get a table per measure;
    the small yes/no and few-group dimensions share one table per measure. A table whose every
    row is withheld is left out and named in one line instead."""
    measures = measures or APPENDIX_MEASURES
    tables, withheld = [], []
    for m in measures:
        for dimension in ("race_ethnicity", "grade"):
            rows = group_rows(report, dimension, m)
            caption = _by(m, dimension)
            if _all_withheld(rows):
                withheld.append(caption)
            elif rows:
                ref = REFERENCE_GROUPS.get(dimension)
                tables.append({"caption": caption, "rows": rows,
                               "group_header": str(DIMENSION_LABELS[dimension]),
                               "reference": group_label(dimension, ref) if ref else None})
        combined = []
        for dimension in SMALL_DIMENSIONS:
            rows = group_rows(report, dimension, m)
            if _all_withheld(rows):
                withheld.append(_by(m, dimension))
                continue
            for r in rows:
                combined.append({**r, "label": f"{DIMENSION_LABELS[dimension]}: {r['label']}"})
        if combined:
            tables.append({"caption": _("%(measure)s by other student groups") % {
                               "measure": MEASURE_LABELS[m]},
                           "rows": combined, "reference": None})
    stages = []
    for m in [m for m in STAGE_MEASURES if m in measures]:
        rows = stage_rows(report, "race_ethnicity", m)
        caption = _("%(measure)s per 100 students contacted, by %(dimension)s") % {
            "measure": MEASURE_LABELS[m],
            "dimension": str(DIMENSION_LABELS["race_ethnicity"]).lower()}
        if _all_withheld(rows):
            withheld.append(caption)
        elif rows:
            stages.append({"caption": caption, "label": MEASURE_LABELS[m], "rows": rows})
    return {"tables": tables, "stage_tables": stages, "withheld_tables": withheld}
