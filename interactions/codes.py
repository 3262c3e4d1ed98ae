"""The code lists (docs/codes.md). Codes are the stored values; labels are for people."""

from django.db import models


class RaceEthnicity(models.TextChoices):
    AMERICAN_INDIAN_ALASKA_NATIVE = (
        "american_indian_alaska_native", "American Indian or Alaska Native",
    )
    ASIAN = "asian", "Asian"
    PACIFIC_ISLANDER = "pacific_islander", "Pacific Islander"
    FILIPINO = "filipino", "Filipino"
    HISPANIC = "hispanic", "Hispanic or Latino"
    AFRICAN_AMERICAN = "african_american", "African American"
    WHITE = "white", "White"
    TWO_OR_MORE = "two_or_more", "Two or more races"
    NOT_REPORTED = "not_reported", "Not reported"


class Gender(models.TextChoices):
    F = "F", "Female"
    M = "M", "Male"
    X = "X", "Nonbinary"


class Disability(models.TextChoices):
    NONE = "none", "No disability"
    IDEA = "idea", "IDEA (IEP)"
    SECTION_504 = "504", "Section 504 only"


class YesNo(models.TextChoices):
    Y = "Y", "Yes"
    N = "N", "No"


class Location(models.TextChoices):
    CAMPUS = "campus", "On campus"
    SCHOOL_ACTIVITY = "school_activity", "School activity"
    SCHOOL_TRANSPORT = "school_transport", "School transportation"
    OFF_CAMPUS = "off_campus", "Off campus"


class InitiatedBy(models.TextChoices):
    STAFF_REFERRAL = "staff_referral", "School staff called the SRO"
    SRO_OBSERVED = "sro_observed", "SRO observed"
    STUDENT_REQUEST = "student_request", "Student request"
    PARENT_REQUEST = "parent_request", "Parent request"
    CALL_FOR_SERVICE = "call_for_service", "Call for service"
    OTHER = "other", "Other"


class RequestedByRole(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    ADMINISTRATOR = "administrator", "Administrator"
    COUNSELOR = "counselor", "Counselor"
    CAMPUS_SUPERVISOR = "campus_supervisor", "Campus supervisor"
    OTHER_STAFF = "other_staff", "Other staff"


class Reason(models.TextChoices):
    OFFENSE_AGAINST_PERSON = "offense_against_person", "Offense against a person"
    PROPERTY_OFFENSE = "property_offense", "Property offense"
    WEAPONS = "weapons", "Weapons"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs or alcohol"
    THREAT_TO_SAFETY = "threat_to_safety", "Threat to safety"
    WELFARE_CHECK = "welfare_check", "Welfare check"
    TRUANCY = "truancy", "Truancy"
    TRAFFIC = "traffic", "Traffic"
    ASSIST_OTHER_AGENCY = "assist_other_agency", "Assist another agency"
    CODE_OF_CONDUCT = "code_of_conduct", "Code of conduct (outside SRO role)"
    MENTAL_HEALTH_CRISIS = "mental_health_crisis", "Mental health crisis (outside SRO role)"
    OTHER = "other", "Other"


OUTSIDE_SRO_ROLE_REASONS = {Reason.CODE_OF_CONDUCT, Reason.MENTAL_HEALTH_CRISIS}


class Outcome(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    WARNING = "warning", "Warning"
    REFERRAL_SCHOOL_ADMIN = "referral_school_admin", "Referral to school administration"
    REFERRAL_SUPPORT = "referral_support", "Referral to counselor or support staff"
    RESTORATIVE = "restorative", "Restorative approach"
    PARENT_CONTACTED = "parent_contacted", "Parent contacted"
    MISCONDUCT_REPORT = "misconduct_report", "Report of student misconduct"
    STATEMENT_OBTAINED = "statement_obtained", "Statement obtained"
    SEARCH = "search", "Search"
    PROPERTY_SEIZED = "property_seized", "Property seized"
    CITATION = "citation", "Citation"
    DIVERSION_REFERRAL = "diversion_referral", "Diversion referral"
    PROSECUTION_REFERRAL = "prosecution_referral", "Referral for prosecution"
    ARREST = "arrest", "Arrest (custodial)"
    PSYCHIATRIC_HOLD = "psychiatric_hold", "Psychiatric hold (W&I 5150 / 5585)"


class ForceType(models.TextChoices):
    HANDCUFFED = "handcuffed", "Handcuffed"
    PHYSICAL_CONTROL = "physical_control", "Physical control"
    CHEMICAL_SPRAY = "chemical_spray", "Chemical spray"
    ECD = "ecd", "Electronic control device"
    IMPACT_WEAPON = "impact_weapon", "Impact weapon"
    CANINE = "canine", "Canine"
    FIREARM_POINTED = "firearm_pointed", "Firearm pointed"
    FIREARM_DISCHARGED = "firearm_discharged", "Firearm discharged"
    OTHER = "other", "Other"


class Injury(models.TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    SERIOUS = "serious", "Serious"
    DEATH = "death", "Death"


class DeEscalationTechnique(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    TIME_DISTANCE = "time_distance", "Time and distance"
    SUPPORT_STAFF_CALLED = "support_staff_called", "Support staff called"
    OTHER = "other", "Other"


# Report measures (docs/codes.md): each is a boolean column on Interaction, kept in step with the
# codes by `measure_flags`, so a report is a handful of conditional aggregates.
MEASURES = [
    "contact",
    "referral_to_law_enforcement",
    "arrest",
    "citation",
    "prosecution_referral",
    "diversion_referral",
    "misconduct_report",
    "referral_school_admin",
    "referral_support",
    "restorative",
    "search",
    "use_of_force",
    "psychiatric_hold",
    "outside_sro_role",
]
STAGE_MEASURES = ["arrest", "citation", "prosecution_referral", "search", "use_of_force"]
FLAG_MEASURES = [m for m in MEASURES if m != "contact"]

DIMENSIONS = {
    "race_ethnicity": RaceEthnicity,
    "gender": Gender,
    "disability": Disability,
    "english_learner": YesNo,
    "foster_youth": YesNo,
    "homeless": YesNo,
    "socioeconomically_disadvantaged": YesNo,
    "grade": None,  # no reference group
}


def measure_flags(
    *, initiated_by: str, reason: str, outcomes: list[str], force_types: list[str]
) -> dict[str, bool]:
    out = set(outcomes)
    return {
        "referral_to_law_enforcement": initiated_by == InitiatedBy.STAFF_REFERRAL
        or bool(out & {"citation", "arrest", "prosecution_referral"}),
        "arrest": "arrest" in out,
        "citation": "citation" in out,
        "prosecution_referral": "prosecution_referral" in out,
        "diversion_referral": "diversion_referral" in out,
        "misconduct_report": "misconduct_report" in out,
        "referral_school_admin": "referral_school_admin" in out,
        "referral_support": "referral_support" in out,
        "restorative": "restorative" in out,
        "search": "search" in out,
        "use_of_force": bool(force_types),
        "psychiatric_hold": "psychiatric_hold" in out,
        "outside_sro_role": reason in OUTSIDE_SRO_ROLE_REASONS,
    }


def is_gc12525_reportable(force_types: list[str], injury: str) -> bool:
    return ForceType.FIREARM_DISCHARGED in force_types or injury in (Injury.SERIOUS, Injury.DEATH)


def derived_fields(
    *, occurred_on, initiated_by: str, reason: str, outcomes: list[str],
    force_types: list[str], injury: str,
) -> dict:
    """Everything an interaction derives from what was recorded: its school year and month
    (from the local date), the GC 12525.2 flag and the report measures. The service, the CSV
    importer and the demo all store exactly this."""
    return {
        "school_year": school_year_of(occurred_on),
        "occurred_month": month_of(occurred_on),
        "gc12525_reportable": is_gc12525_reportable(force_types, injury),
        **measure_flags(initiated_by=initiated_by, reason=reason, outcomes=outcomes,
                        force_types=force_types),
    }


def school_year_of(day) -> str:
    """'2025-26' for any date from 2025-07-01 to 2026-06-30."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def month_of(day):
    """The first day of the month of a (local) date: the report's month key."""
    return day.replace(day=1)
