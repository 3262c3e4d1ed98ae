"""The code lists (docs/codes.md). Codes are the stored values; labels are for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RaceEthnicity(models.TextChoices):
    AMERICAN_INDIAN_ALASKA_NATIVE = (
        "american_indian_alaska_native", _("American Indian or Alaska Native"),
    )
    ASIAN = "asian", _("Asian")
    PACIFIC_ISLANDER = "pacific_islander", _("Pacific Islander")
    FILIPINO = "filipino", _("Filipino")
    HISPANIC = "hispanic", _("Hispanic or Latino")
    AFRICAN_AMERICAN = "african_american", _("African American")
    WHITE = "white", _("White")
    TWO_OR_MORE = "two_or_more", _("Two or more races")
    NOT_REPORTED = "not_reported", _("Not reported")


class Gender(models.TextChoices):
    F = "F", _("Female")
    M = "M", _("Male")
    X = "X", _("Nonbinary")


class Disability(models.TextChoices):
    NONE = "none", _("No disability")
    IDEA = "idea", _("IDEA (IEP)")
    SECTION_504 = "504", _("Section 504 only")


class YesNo(models.TextChoices):
    Y = "Y", _("Yes")
    N = "N", _("No")


class Location(models.TextChoices):
    CAMPUS = "campus", _("On campus")
    SCHOOL_ACTIVITY = "school_activity", _("School activity")
    SCHOOL_TRANSPORT = "school_transport", _("School transportation")
    OFF_CAMPUS = "off_campus", _("Off campus")


class InitiatedBy(models.TextChoices):
    STAFF_REFERRAL = "staff_referral", _("School staff called the SRO")
    SRO_OBSERVED = "sro_observed", _("SRO observed")
    STUDENT_REQUEST = "student_request", _("Student request")
    PARENT_REQUEST = "parent_request", _("Parent request")
    CALL_FOR_SERVICE = "call_for_service", _("Call for service")
    OTHER = "other", _("Other")


class RequestedByRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    ADMINISTRATOR = "administrator", _("Administrator")
    COUNSELOR = "counselor", _("Counselor")
    CAMPUS_SUPERVISOR = "campus_supervisor", _("Campus supervisor")
    OTHER_STAFF = "other_staff", _("Other staff")


class Reason(models.TextChoices):
    OFFENSE_AGAINST_PERSON = "offense_against_person", _("Offense against a person")
    PROPERTY_OFFENSE = "property_offense", _("Property offense")
    WEAPONS = "weapons", _("Weapons")
    DRUGS_ALCOHOL = "drugs_alcohol", _("Drugs or alcohol")
    THREAT_TO_SAFETY = "threat_to_safety", _("Threat to safety")
    WELFARE_CHECK = "welfare_check", _("Welfare check")
    TRUANCY = "truancy", _("Truancy")
    TRAFFIC = "traffic", _("Traffic")
    ASSIST_OTHER_AGENCY = "assist_other_agency", _("Assist another agency")
    CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct (outside SRO role)")
    MENTAL_HEALTH_CRISIS = "mental_health_crisis", _("Mental health crisis (outside SRO role)")
    OTHER = "other", _("Other")


OUTSIDE_SRO_ROLE_REASONS = {Reason.CODE_OF_CONDUCT, Reason.MENTAL_HEALTH_CRISIS}


class Outcome(models.TextChoices):
    NO_ACTION = "no_action", _("No action")
    WARNING = "warning", _("Warning")
    REFERRAL_SCHOOL_ADMIN = "referral_school_admin", _("Referral to school administration")
    REFERRAL_SUPPORT = "referral_support", _("Referral to counselor or support staff")
    RESTORATIVE = "restorative", _("Restorative approach")
    PARENT_CONTACTED = "parent_contacted", _("Parent contacted")
    MISCONDUCT_REPORT = "misconduct_report", _("Report of student misconduct")
    STATEMENT_OBTAINED = "statement_obtained", _("Statement obtained")
    SEARCH = "search", _("Search")
    PROPERTY_SEIZED = "property_seized", _("Property seized")
    CITATION = "citation", _("Citation")
    DIVERSION_REFERRAL = "diversion_referral", _("Diversion referral")
    PROSECUTION_REFERRAL = "prosecution_referral", _("Referral for prosecution")
    ARREST = "arrest", _("Arrest (custodial)")
    PSYCHIATRIC_HOLD = "psychiatric_hold", _("Psychiatric hold (W&I 5150 / 5585)")


class ForceType(models.TextChoices):
    HANDCUFFED = "handcuffed", _("Handcuffed")
    PHYSICAL_CONTROL = "physical_control", _("Physical control")
    CHEMICAL_SPRAY = "chemical_spray", _("Chemical spray")
    ECD = "ecd", _("Electronic control device")
    IMPACT_WEAPON = "impact_weapon", _("Impact weapon")
    CANINE = "canine", _("Canine")
    FIREARM_POINTED = "firearm_pointed", _("Firearm pointed")
    FIREARM_DISCHARGED = "firearm_discharged", _("Firearm discharged")
    OTHER = "other", _("Other")


class Injury(models.TextChoices):
    NONE = "none", _("None")
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    DEATH = "death", _("Death")


class DeEscalationTechnique(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    TIME_DISTANCE = "time_distance", _("Time and distance")
    SUPPORT_STAFF_CALLED = "support_staff_called", _("Support staff called")
    OTHER = "other", _("Other")


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
