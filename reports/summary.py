"""The executive summary of a board report, and the previous school year beside each figure.

Pure functions over report dicts (schema sro-board-report/1): the findings a board member
reads first are generated from the statistics already in the report, so every format (page,
PDF, XLSX) states the same ones, and only what the figures support: a finding is a group whose
relative rate index is statistically significant and not withheld.
"""

from __future__ import annotations

import datetime as dt

from .compute import REFERENCE_GROUPS, group_label
from .labels import MEASURE_LABELS
from .stats import round_half_up

# The measures the summary states findings for and draws one chart each.
SUMMARY_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "use_of_force"]
FINDING_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "citation",
                    "prosecution_referral", "use_of_force", "outside_sro_role"]
MAX_FINDINGS = 8

# "... were {verb} at 1.9 times the rate of ..."
MEASURE_VERBS = {
    "contact": "contacted by an SRO",
    "referral_to_law_enforcement": "referred to law enforcement",
    "arrest": "arrested",
    "citation": "cited",
    "prosecution_referral": "referred for prosecution",
    "use_of_force": "subject to a use of force",
    "outside_sro_role": "in interactions outside the SRO role",
    "search": "searched",
}

# Groups as the subject of a sentence.
GROUP_NOUNS = {
    ("race_ethnicity", "two_or_more"): "Students of two or more races",
    ("gender", "F"): "Female students",
    ("gender", "M"): "Male students",
    ("gender", "X"): "Nonbinary students",
    ("disability", "idea"): "Students with an IEP",
    ("disability", "504"): "Students with a Section 504 plan",
    ("disability", "none"): "students without a disability",
    ("english_learner", "Y"): "English learners",
    ("english_learner", "N"): "students who are not English learners",
    ("foster_youth", "Y"): "Foster youth",
    ("foster_youth", "N"): "students who are not in foster care",
    ("homeless", "Y"): "Homeless students",
    ("homeless", "N"): "students who are not homeless",
    ("socioeconomically_disadvantaged", "Y"): "Socioeconomically disadvantaged students",
    ("socioeconomically_disadvantaged", "N"): "students who are not socioeconomically "
                                              "disadvantaged",
}


def group_noun(dimension: str, group: str, *, reference: bool = False) -> str:
    noun = GROUP_NOUNS.get((dimension, group))
    if noun is None:
        noun = f"{group_label(dimension, group)} students"
    if reference:
        # Mid-sentence: lower-case the first letter unless it is a proper name (race).
        if dimension not in ("race_ethnicity",) and noun[:1].isupper():
            noun = noun[0].lower() + noun[1:]
        return noun
    return noun[0].upper() + noun[1:]


def _fmt(value, places: int = 1) -> str:
    return f"{round_half_up(value, places):,}"


def _times(rri: float) -> str:
    return f"{_fmt(rri, 1)} times"


# --------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------


def _reference_entry(entries: dict, dimension: str, measure: str) -> dict | None:
    ref = REFERENCE_GROUPS.get(dimension)
    return entries.get((dimension, ref, measure)) if ref else None


def _previous_text(entry: dict, has_previous: bool) -> str:
    """The same comparison a year earlier, in words."""
    if not has_previous:
        return ""
    prev = entry.get("previous")
    if not prev:
        return "No figure for the previous school year."
    if prev.get("suppressed") or prev.get("rri_reason") in ("suppressed", "reference_suppressed",
                                                            "comparison_suppressed"):
        return "Previous school year: withheld for privacy."
    if prev.get("rri") is None:
        return "Previous school year: not calculated."
    rri, old = entry["rri"], prev["rri"]
    if round_half_up(old, 1) == round_half_up(rri, 1):
        change = "the same"
    elif (old < rri) == (rri >= 1):
        change = "a wider gap this year"
    else:
        change = "a narrower gap this year"
    sig = "" if prev.get("rri_significant") else ", not significant"
    return (f"Previous school year: {_fmt(old)} times ({_fmt(prev['rri_ci_low'])} to "
            f"{_fmt(prev['rri_ci_high'])}{sig}); {change}.")


def findings(report: dict) -> list[dict]:
    """Significant differences between groups, in plain language, largest first within a
    measure. Each carries its figure, interval and the group sizes behind it."""
    entries = {(e["dimension"], e["group"], e["measure"]): e for e in report.get("groups", [])}
    has_previous = bool((report.get("previous") or {}).get("available"))
    out = []
    for measure in FINDING_MEASURES:
        found = []
        for e in report.get("groups", []):
            if e["measure"] != measure or e.get("suppressed") or not e.get("rri_significant"):
                continue
            if e.get("rri") is None or e.get("rri_ci_low") is None:
                continue
            ref = _reference_entry(entries, e["dimension"], measure)
            if ref is None or ref.get("suppressed") or e["group"] == ref["group"]:
                continue
            verb = MEASURE_VERBS.get(measure, MEASURE_LABELS.get(measure, measure).lower())
            subject = group_noun(e["dimension"], e["group"])
            other = group_noun(e["dimension"], ref["group"], reference=True)
            higher = e["rri"] >= 1
            text = (f"{subject} were {verb} at {_times(e['rri'])} the rate of {other} "
                    f"(95% interval {_fmt(e['rri_ci_low'])} to {_fmt(e['rri_ci_high'])}).")
            sizes = (f"{e['students']:,} of {e['enrollment']:,} enrolled, against "
                     f"{ref['students']:,} of {ref['enrollment']:,}.")
            found.append({
                "measure": measure, "dimension": e["dimension"], "group": e["group"],
                "reference": ref["group"], "rri": e["rri"], "ci_low": e["rri_ci_low"],
                "ci_high": e["rri_ci_high"], "higher": higher, "text": text, "sizes": sizes,
                "previous": _previous_text(e, has_previous),
            })
        found.sort(key=lambda f: -abs(_log(f["rri"])))
        out.extend(found)
    # Higher rates first (what a board asks about), then lower ones, at most MAX_FINDINGS.
    out.sort(key=lambda f: (not f["higher"], FINDING_MEASURES.index(f["measure"])))
    return out[:MAX_FINDINGS]


def _log(x: float) -> float:
    import math

    return math.log(x) if x and x > 0 else 0.0


def findings_overflow(report: dict) -> int:
    """How many significant differences the summary leaves to the tables."""
    entries = report.get("groups", [])
    n = sum(1 for e in entries if e.get("measure") in FINDING_MEASURES and not e.get("suppressed")
            and e.get("rri_significant") and e.get("rri") is not None
            and e["group"] != REFERENCE_GROUPS.get(e["dimension"]))
    return max(0, n - MAX_FINDINGS)


# --------------------------------------------------------------------------------------------
# Compliance in one table
# --------------------------------------------------------------------------------------------


def _ratio(n: int, d: int) -> str:
    return f"{n} of {d}" if d else "none"


def compliance_rows(report: dict) -> list[dict]:
    """BP 3515.31 in one table: each row is a requirement, what the figures show, and whether
    it is met ("met", "gap" or "n/a" when nothing applies or it is not recorded)."""
    section = report.get("compliance") or {}
    mous = section.get("mous") or []
    officers = section.get("officers") or []
    schools = section.get("schools") or []
    rows = []

    complete = [m for m in mous if m.get("in_force") and m.get("complete")]
    missing = [m.get("agency_name") or m.get("agency") for m in mous if m not in complete]
    rows.append({
        "label": "MOU in force and complete (six required elements)",
        "value": _ratio(len(complete), len(mous)) + (" agency" if len(mous) == 1
                                                     else " agencies")
        + (f"; not: {', '.join(missing)}" if missing else ""),
        "status": "n/a" if not mous else ("met" if not missing else "gap"),
    })
    trained = [o for o in officers if o.get("required_training_current")]
    rows.append({
        "label": "Officers with required training current",
        "value": _ratio(len(trained), len(officers)) + " officers",
        "status": "n/a" if not officers else ("met" if len(trained) == len(officers)
                                              else "gap"),
    })
    accounts = sum(s.get("staff_accounts") or 0 for s in schools)
    staff_trained = sum(s.get("staff_trained") or 0 for s in schools)
    rows.append({
        "label": "Staff trained on the SRO role",
        "value": (f"{_ratio(staff_trained, accounts)} staff accounts"
                  + (f" ({round_half_up(100 * staff_trained / accounts, 0)}%)"
                     if accounts else "")),
        "status": "n/a" if not accounts else ("met" if staff_trained == accounts else "gap"),
    })
    presentations = section.get("presentations")
    if isinstance(presentations, dict) and presentations.get("total") is not None:
        approved = presentations.get("approved") or 0
        total = presentations.get("total") or 0
        rows.append({
            "label": "SRO presentations approved in advance",
            "value": _ratio(approved, total) + " presentations",
            "status": "n/a" if not total else ("met" if approved == total else "gap"),
        })
    else:
        rows.append({"label": "SRO presentations approved in advance",
                     "value": "not recorded in this report", "status": "n/a"})
    requests = (section.get("record_access") or {}).get("requests") or []
    withheld = any(r.get("count") is None for r in requests)
    total = sum(r.get("count") or 0 for r in requests)
    pending = sum(r.get("count") or 0 for r in requests if r.get("status") == "pending")
    answered = total - pending
    if withheld:
        value, status = "withheld for privacy (fewer than the minimum)", "n/a"
    elif not total:
        value, status = "no requests", "n/a"
    else:
        value = f"{answered} of {total} answered" + (f"; {pending} pending" if pending else "")
        status = "met" if not pending else "gap"
    rows.append({"label": "Student record requests answered", "value": value, "status": status})
    return rows


# --------------------------------------------------------------------------------------------
# The previous school year
# --------------------------------------------------------------------------------------------

PREVIOUS_FIELDS = {
    "totals": ("instances", "students", "suppressed"),
    "groups": ("instances", "students", "enrollment", "rate_per_1000", "rri", "rri_ci_low",
               "rri_ci_high", "rri_significant", "rri_reason", "risk_ratio", "suppressed"),
    "stages": ("students", "contacted_students", "rate_per_100", "rri", "rri_ci_low",
               "rri_ci_high", "rri_significant", "rri_reason", "suppressed"),
    "schools": ("instances", "students", "enrollment", "rate_per_1000", "suppressed"),
    "school_groups": ("students", "suppressed"),
    "months": ("instances", "suppressed"),
}
KEYS = {
    "totals": ("measure",),
    "groups": ("dimension", "group", "measure"),
    "stages": ("dimension", "group", "measure"),
    "schools": ("school", "measure"),
    "school_groups": ("school", "dimension", "group", "measure"),
    "months": ("month", "measure"),
}


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The same days a year earlier (29 February becomes the 28th)."""
    def back(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)
    return back(date_from), back(date_to)


def _month_back(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


def has_data(report: dict) -> bool:
    """Whether a report counts anything (a year without interactions has no comparison)."""
    return any(t.get("instances") or t.get("suppressed") for t in report.get("totals", []))


def attach_previous(report: dict, previous: dict | None) -> dict:
    """Put `previous` beside every entry: the same figure for the previous school year (that
    report already suppressed the same way), or None when that year has no such figure. The
    report's top-level `previous` says which period it was and whether it has data."""
    available = previous is not None and has_data(previous)
    pp = (previous or {}).get("parameters", {})
    report["previous"] = {
        "school_year": pp.get("school_year"), "date_from": pp.get("date_from"),
        "date_to": pp.get("date_to"), "available": available,
    }
    for section, fields in PREVIOUS_FIELDS.items():
        keys = KEYS[section]
        index = {}
        if available:
            for e in previous.get(section, []):
                index[tuple(e.get(k) for k in keys)] = e
        for e in report.get(section, []):
            key = tuple(e.get(k) for k in keys)
            if section == "months":
                key = (_month_back(e["month"]), e["measure"])
            old = index.get(key)
            e["previous"] = {f: old.get(f) for f in fields} if old is not None else None
    return report
