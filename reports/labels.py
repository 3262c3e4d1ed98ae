"""Words for people: labels of measures and dimensions, and the plain-language method note
that every format of the report carries."""

from django.utils.translation import gettext_lazy as _

MEASURE_LABELS = {
    "contact": _("Students contacted by an SRO"),
    "referral_to_law_enforcement": _("Referral to law enforcement"),
    "arrest": _("Arrest"),
    "citation": _("Citation"),
    "prosecution_referral": _("Referral for prosecution"),
    "diversion_referral": _("Diversion referral"),
    "misconduct_report": _("Report of student misconduct"),
    "referral_school_admin": _("Referral to school administration"),
    "referral_support": _("Referral to counselor or support staff"),
    "restorative": _("Restorative approach"),
    "search": _("Search"),
    "use_of_force": _("Use of force"),
    "psychiatric_hold": _("Psychiatric hold"),
    "outside_sro_role": _("Outside the SRO role"),
}

DIMENSION_LABELS = {
    "race_ethnicity": _("Race or ethnicity"),
    "gender": _("Gender"),
    "disability": _("Disability"),
    "english_learner": _("English learner"),
    "foster_youth": _("Foster youth"),
    "homeless": _("Homeless"),
    "socioeconomically_disadvantaged": _("Socioeconomically disadvantaged"),
    "grade": _("Grade"),
}

# Why a figure is withheld or not calculated, in the words of a table cell (the method note
# explains them). The one table of reasons: the page, the PDF and the XLSX all read it, and a
# test checks it names every reason the computation can give.
SHORT_REASON = {
    None: "",
    "suppressed": _("withheld"),
    "reference_suppressed": _("reference withheld"),
    "comparison_suppressed": _("comparison withheld"),
    "group_below_min_n": _("group too small"),
    "reference_below_min_n": _("reference too small"),
    "group_below_min_cell": _("too few students with the outcome"),
    "comparison_below_min_cell": _("comparison group too small"),
    "comparison_below_min_n": _("comparison group too small"),
    "zero_count": _("zero count"),
    "no_reference_group": "",
    "not_reported": _("not compared"),
    "count_exceeds_denominator": _("count exceeds enrolled"),
}


def reason_text(code) -> str:
    """The words for a reason code ("" for none); an unknown code is shown as it is."""
    return str(SHORT_REASON.get(code, code or ""))

METHOD_NOTE = [
    _("What is counted. Every submitted interaction between a School Resource Officer and a "
    "student in the period, at the selected schools. Drafts and voided records are left out. "
    "Each figure is given as instances (interactions) and as students (each student once)."),
    _("Groups. A student's group is the demographic information on the school roster for that "
    "school year, recorded with each interaction."),
    _("Rate per 1,000. Students with the outcome for every 1,000 students enrolled in the group. "
    "Stage rates count students with the outcome for every 100 students of the group who had "
    "any contact with an SRO."),
    # xgettext:no-python-format
    _("Relative rate index (RRI). A group's rate divided by the rate of a reference group "
    "(White students; female students; students without a disability; students not in the "
    "group for the yes/no groups). An RRI of 2 means twice the rate. The 95% interval shows "
    "the uncertainty; when the whole interval lies above or below 1 the difference is "
    "statistically significant. No RRI is given for groups of fewer than {min_n} students or "
    "when a count is zero."),
    _("Risk ratio. A group's risk divided by the risk of all other groups together, given only "
    "when the group has at least {risk_min_cell} students with the outcome and {min_n} "
    "enrolled (the federal IDEA method)."),
    _("Privacy. California publishes no count from 1 to {k}. In the published report such "
    "counts are replaced by an asterisk, and so are enough other counts that a withheld one "
    "cannot be worked out by subtraction from a total. Rates and ratios computed from a "
    "withheld count are withheld too. Zeros are shown."),
]


def method_note(parameters: dict) -> list[str]:
    from .stats import MIN_CELL, MIN_N

    values = {
        "min_n": parameters.get("min_n", MIN_N),
        "risk_min_cell": parameters.get("risk_ratio_min_cell", MIN_CELL),
        "k": parameters.get("min_cell", MIN_CELL),
    }
    note = [str(paragraph).format(**values) for paragraph in METHOD_NOTE]
    if parameters.get("disclosure_statement"):  # the audited guarantee of a published report
        note.append(parameters["disclosure_statement"])
    return note


# --------------------------------------------------------------------------------------------
# Compliance: codes -> the names people read
# --------------------------------------------------------------------------------------------


def humanize_code(code) -> str:
    """A last resort for a code no table names: `use_of_force_policy` -> 'Use of force policy'."""
    if not code:
        return ""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def training_topic_names(codes) -> dict[str, str]:
    """Names of training topics by code (one query; none when `codes` is empty)."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    from sro_program.models import TrainingTopic

    return dict(TrainingTopic.objects.filter(code__in=codes).values_list("code", "name"))


def _choice_labels() -> dict[str, dict[str, str]]:
    from interactions.models import DisclosureLogEntry, RecordAccessRequest

    return {
        "basis": {k: str(v) for k, v in RecordAccessRequest.Basis.choices},
        "status": {k: str(v) for k, v in RecordAccessRequest.Status.choices},
        "kind": {k: str(v) for k, v in DisclosureLogEntry.Kind.choices},
    }


def label_compliance(section: dict, *, relabel: bool = False) -> dict:
    """A copy of a compliance section in which every code a person reads also has its label:
    each officer's `missing_training` (topic codes) gets `missing_training_topics`
    ([{"code", "label"}], TrainingTopic names), and record-access entries get `basis_label`,
    `status_label` and `kind_label`. Labels already present are kept, so it can be applied
    again to a report that has them (and fills them in for older snapshots); `relabel`
    replaces the FERPA labels by those of the active language (pages and files for people)."""
    import copy

    section = copy.deepcopy(section or {})
    officers = section.get("officers") or []
    pending = {code for o in officers if "missing_training_topics" not in o
               for code in o.get("missing_training") or []}
    names = training_topic_names(pending)
    for officer in officers:
        if "missing_training_topics" not in officer:
            officer["missing_training_topics"] = [
                {"code": code, "label": names.get(code) or humanize_code(code)}
                for code in officer.get("missing_training") or []
            ]
    access = section.get("record_access") or {}
    if access.get("requests") or access.get("log_entries"):
        choices = _choice_labels()
        for key, fields in (("requests", ("basis", "status")), ("log_entries", ("basis", "kind"))):
            for entry in access.get(key) or []:
                for field in fields:
                    if (relabel or f"{field}_label" not in entry) and field in entry:
                        code = entry[field]
                        entry[f"{field}_label"] = (choices[field].get(code)
                                                   or humanize_code(code))
    return section
