"""The executive summary of a board report, and the previous school year beside each figure.

Pure functions over report dicts (schema sro-board-report/1): the findings a board member
reads first are generated from the statistics already in the report, so every format (page,
PDF, XLSX) states the same ones, and only what the figures support: a finding is a group whose
relative rate index is statistically significant and not withheld.
"""

from __future__ import annotations

import datetime as dt

from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from .compute import REFERENCE_GROUPS, group_label
from .labels import MEASURE_LABELS
from .stats import round_half_up

# The measures the summary states findings for and draws one chart each.
SUMMARY_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "use_of_force"]
FINDING_MEASURES = ["contact", "referral_to_law_enforcement", "arrest", "citation",
                    "prosecution_referral", "use_of_force", "outside_sro_role"]
MAX_FINDINGS = 8

# Each finding is one whole sentence per measure, so that a translation can order it freely:
# "{group} were contacted by an SRO at 1.9 times the rate of {reference} (95% interval ...)."
FINDING_SENTENCES = {
    "contact": gettext_lazy(
        "%(subject)s were contacted by an SRO at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "referral_to_law_enforcement": gettext_lazy(
        "%(subject)s were referred to law enforcement at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "arrest": gettext_lazy(
        "%(subject)s were arrested at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "citation": gettext_lazy(
        "%(subject)s were cited at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "prosecution_referral": gettext_lazy(
        "%(subject)s were referred for prosecution at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "use_of_force": gettext_lazy(
        "%(subject)s were subject to a use of force at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
    "outside_sro_role": gettext_lazy(
        "%(subject)s were in interactions outside the SRO role at %(rri)s times the rate of "
        "%(other)s (95%% interval %(low)s to %(high)s)."),
    "search": gettext_lazy(
        "%(subject)s were searched at %(rri)s times the rate of %(other)s "
        "(95%% interval %(low)s to %(high)s)."),
}
OTHER_MEASURE_SENTENCE = gettext_lazy(
    "%(subject)s had the outcome %(measure)s at %(rri)s times the rate of %(other)s "
    "(95%% interval %(low)s to %(high)s).")

# Groups as they read inside a sentence (the sentence's first letter is capitalised after
# translation).
GROUP_NOUNS = {
    ("race_ethnicity", "american_indian_alaska_native"): gettext_lazy(
        "American Indian or Alaska Native students"),
    ("race_ethnicity", "asian"): gettext_lazy("Asian students"),
    ("race_ethnicity", "pacific_islander"): gettext_lazy("Pacific Islander students"),
    ("race_ethnicity", "filipino"): gettext_lazy("Filipino students"),
    ("race_ethnicity", "hispanic"): gettext_lazy("Hispanic or Latino students"),
    ("race_ethnicity", "african_american"): gettext_lazy("African American students"),
    ("race_ethnicity", "white"): gettext_lazy("White students"),
    ("race_ethnicity", "two_or_more"): gettext_lazy("students of two or more races"),
    ("gender", "F"): gettext_lazy("female students"),
    ("gender", "M"): gettext_lazy("male students"),
    ("gender", "X"): gettext_lazy("nonbinary students"),
    ("disability", "idea"): gettext_lazy("students with an IEP"),
    ("disability", "504"): gettext_lazy("students with a Section 504 plan"),
    ("disability", "none"): gettext_lazy("students without a disability"),
    ("english_learner", "Y"): gettext_lazy("English learners"),
    ("english_learner", "N"): gettext_lazy("students who are not English learners"),
    ("foster_youth", "Y"): gettext_lazy("foster youth"),
    ("foster_youth", "N"): gettext_lazy("students who are not in foster care"),
    ("homeless", "Y"): gettext_lazy("homeless students"),
    ("homeless", "N"): gettext_lazy("students who are not homeless"),
    ("socioeconomically_disadvantaged", "Y"): gettext_lazy(
        "socioeconomically disadvantaged students"),
    ("socioeconomically_disadvantaged", "N"): gettext_lazy(
        "students who are not socioeconomically disadvantaged"),
}


def group_noun(dimension: str, group: str, *, reference: bool = False) -> str:
    """The group as a noun phrase: "Female students" at the start of a sentence, "female
    students" inside one (a race or ethnicity keeps its capital letter)."""
    noun = GROUP_NOUNS.get((dimension, group))
    if noun is None:
        noun = gettext("%(group)s students") % {"group": group_label(dimension, group)}
    noun = str(noun)
    if reference:
        return noun
    return noun[0].upper() + noun[1:]


def _fmt(value, places: int = 1) -> str:
    return f"{round_half_up(value, places):,}"


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
        return gettext("No figure for the previous school year.")
    if prev.get("suppressed") or prev.get("rri_reason") in ("suppressed", "reference_suppressed",
                                                            "comparison_suppressed"):
        return gettext("Previous school year: withheld for privacy.")
    if prev.get("rri") is None:
        return gettext("Previous school year: not calculated.")
    rri, old = entry["rri"], prev["rri"]
    if round_half_up(old, 1) == round_half_up(rri, 1):
        change = gettext("the same")
    elif (old < rri) == (rri >= 1):
        change = gettext("a wider gap this year")
    else:
        change = gettext("a narrower gap this year")
    figures = {"rri": _fmt(old), "low": _fmt(prev["rri_ci_low"]),
               "high": _fmt(prev["rri_ci_high"]), "change": change}
    if prev.get("rri_significant"):
        return gettext("Previous school year: %(rri)s times (%(low)s to %(high)s); "
                       "%(change)s.") % figures
    return gettext("Previous school year: %(rri)s times (%(low)s to %(high)s, not "
                   "significant); %(change)s.") % figures


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
            higher = e["rri"] >= 1
            sentence = FINDING_SENTENCES.get(measure, OTHER_MEASURE_SENTENCE)
            text = capfirst(str(sentence) % {
                "subject": group_noun(e["dimension"], e["group"], reference=True),
                "other": group_noun(e["dimension"], ref["group"], reference=True),
                "measure": str(MEASURE_LABELS.get(measure, measure)).lower(),
                "rri": _fmt(e["rri"], 1), "low": _fmt(e["rri_ci_low"]),
                "high": _fmt(e["rri_ci_high"])})
            sizes = gettext("%(students)s of %(enrolled)s enrolled, against %(ref_students)s of "
                            "%(ref_enrolled)s.") % {
                "students": f"{e['students']:,}", "enrolled": f"{e['enrollment']:,}",
                "ref_students": f"{ref['students']:,}",
                "ref_enrolled": f"{ref['enrollment']:,}"}
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


def _ratio(n: int, d: int, of: str, none: str) -> str:
    """ "3 of 4 officers" (`of` has %(n)s and %(d)s), or `none` when there are none."""
    return gettext(of) % {"n": n, "d": d} if d else gettext(none)


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
        "label": gettext("MOU in force and complete (six required elements)"),
        "value": (gettext("%(n)s of %(d)s agency") % {"n": len(complete), "d": len(mous)}
                  if len(mous) == 1 else
                  _ratio(len(complete), len(mous), gettext_noop("%(n)s of %(d)s agencies"),
                         gettext_noop("no agencies")))
        + (gettext("; not: %(agencies)s") % {"agencies": ", ".join(missing)} if missing else ""),
        "status": "n/a" if not mous else ("met" if not missing else "gap"),
    })
    trained = [o for o in officers if o.get("required_training_current")]
    rows.append({
        "label": gettext("Officers with required training current"),
        "value": _ratio(len(trained), len(officers), gettext_noop("%(n)s of %(d)s officers"),
                        gettext_noop("no officers")),
        "status": "n/a" if not officers else ("met" if len(trained) == len(officers)
                                              else "gap"),
    })
    accounts = sum(s.get("staff_accounts") or 0 for s in schools)
    staff_trained = sum(s.get("staff_trained") or 0 for s in schools)
    rows.append({
        "label": gettext("Staff trained on the SRO role"),
        "value": (gettext("%(n)s of %(d)s staff accounts (%(percent)s%%)") % {
            "n": staff_trained, "d": accounts,
            "percent": round_half_up(100 * staff_trained / accounts, 0)}
            if accounts else gettext("no staff accounts")),
        "status": "n/a" if not accounts else ("met" if staff_trained == accounts else "gap"),
    })
    presentations = section.get("presentations")
    if isinstance(presentations, dict) and presentations.get("total") is not None:
        approved = presentations.get("approved") or 0
        total = presentations.get("total") or 0
        rows.append({
            "label": gettext("SRO presentations approved in advance"),
            "value": _ratio(approved, total, gettext_noop("%(n)s of %(d)s presentations"),
                            gettext_noop("no presentations")),
            "status": "n/a" if not total else ("met" if approved == total else "gap"),
        })
    else:
        rows.append({"label": gettext("SRO presentations approved in advance"),
                     "value": gettext("not recorded in this report"), "status": "n/a"})
    requests = (section.get("record_access") or {}).get("requests") or []
    withheld = any(r.get("count") is None for r in requests)
    total = sum(r.get("count") or 0 for r in requests)
    pending = sum(r.get("count") or 0 for r in requests if r.get("status") == "pending")
    answered = total - pending
    if withheld:
        value, status = gettext("withheld for privacy (fewer than the minimum)"), "n/a"
    elif not total:
        value, status = gettext("no requests"), "n/a"
    else:
        value = gettext("%(n)s of %(d)s answered") % {"n": answered, "d": total}
        if pending:
            value += gettext("; %(pending)s pending") % {"pending": pending}
        status = "met" if not pending else "gap"
    rows.append({"label": gettext("Student record requests answered"), "value": value,
                 "status": status})
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
