"""The pure field rules of an interaction (no database): codes, the outside-SRO-role
justification, outcome and force combinations, lengths, the Ed Code 234.7 guard and the
future-date tolerance. The form, the service, the CSV importer and `Interaction.clean()` (so the
admin and any script) all call them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from core.text_guard import immigration_status_error

from .codes import (
    OUTSIDE_SRO_ROLE_REASONS,
    DeEscalationTechnique,
    ForceType,
    InitiatedBy,
    Injury,
    Location,
    Outcome,
    Reason,
    RequestedByRole,
)

NARRATIVE_MAX = 1000
JUSTIFICATION_MAX = 1000

OUTSIDE_ROLE_MESSAGE = (
    "This reason is outside the SRO role: BP 3515.31 keeps SROs out of routine discipline and "
    "code-of-conduct matters, and out of matters better handled by mental-health professionals. "
    "Record why the SRO was involved (for a mental-health crisis, the imminent danger)."
)


def _as_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return [str(v) for v in value]


def validate_interaction_fields(data: dict) -> dict[str, list[str]]:
    """The pure field rules of an interaction, without the database.

    `data` uses the CSV / form field names: `location`, `initiated_by`, `requested_by_role`,
    `reason`, `justification`, `outcomes`, `force_types`, `injury`, `de_escalation`,
    `de_escalation_techniques`, `narrative`; optionally `force_used` (the form's toggle).
    Lists may be Python lists or `;`-separated strings; missing keys count as empty.
    Returns {field: [messages]}; empty when the data passes. Unknown codes are reported too.
    """
    errors: dict[str, list[str]] = defaultdict(list)

    def code(field: str, choices, required: bool = True) -> str:
        value = (data.get(field) or "").strip() if isinstance(data.get(field), str) else ""
        if value and value not in choices.values:
            errors[field].append(f"Unknown code “{value}”.")
        elif not value and required:
            errors[field].append("This field is required.")
        return value

    def codes(field: str, choices) -> list[str]:
        values = _as_list(data.get(field))
        unknown = [v for v in values if v not in choices.values]
        if unknown:
            errors[field].append("Unknown code(s): " + ", ".join(unknown) + ".")
        return values

    code("location", Location)
    initiated_by = code("initiated_by", InitiatedBy)
    requested_by_role = code("requested_by_role", RequestedByRole, required=False)
    reason = code("reason", Reason)
    injury = code("injury", Injury, required=False)
    outcomes = codes("outcomes", Outcome)
    force_types = codes("force_types", ForceType)
    techniques = codes("de_escalation_techniques", DeEscalationTechnique)
    justification = (data.get("justification") or "").strip()
    narrative = data.get("narrative") or ""

    if initiated_by == InitiatedBy.STAFF_REFERRAL and not requested_by_role:
        errors["requested_by_role"].append("Say which staff member called the SRO.")
    if requested_by_role and initiated_by and initiated_by != InitiatedBy.STAFF_REFERRAL:
        errors["requested_by_role"].append(
            "The requesting staff role applies only when school staff called the SRO."
        )

    if reason in OUTSIDE_SRO_ROLE_REASONS and not justification:
        errors["justification"].append(OUTSIDE_ROLE_MESSAGE)
    if justification and reason and reason not in OUTSIDE_SRO_ROLE_REASONS:
        errors["justification"].append(
            "A justification is recorded only for reasons outside the SRO role."
        )

    if not outcomes:
        errors["outcomes"].append("Choose at least one outcome (“No action” if none).")
    elif Outcome.NO_ACTION in outcomes and len(set(outcomes)) > 1:
        errors["outcomes"].append("“No action” cannot be combined with another outcome.")

    if data.get("force_used") and not force_types:
        errors["force_types"].append("Force was used: choose the type(s) of force.")
    if force_types and not injury:
        errors["injury"].append("Force was used: record the injury (“None” if there was none).")
    if injury and not force_types:
        errors["injury"].append("An injury is recorded here only when force was used.")

    if techniques and not _truthy(data.get("de_escalation")):
        errors["de_escalation_techniques"].append(
            "Techniques are recorded only when de-escalation was attempted."
        )

    if len(narrative) > NARRATIVE_MAX:
        errors["narrative"].append(
            f"At most {NARRATIVE_MAX} characters (this one has {len(narrative)})."
        )
    if len(justification) > JUSTIFICATION_MAX:
        errors["justification"].append(f"At most {JUSTIFICATION_MAX} characters.")
    for field, text in (("narrative", narrative), ("justification", justification)):
        message = immigration_status_error(text)
        if message:
            errors[field].append(message)

    return dict(errors)


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().upper() in {"Y", "YES", "TRUE", "1", "ON"}
    return bool(value)






FUTURE_MESSAGE = "The date and time cannot be in the future."


def in_future(moment: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Later than now, beyond the clock tolerance of settings.FUTURE_TOLERANCE_MINUTES (a
    device clock a little ahead is not an error). The form, the service and the importer all
    ask this."""
    tolerance = dt.timedelta(minutes=settings.FUTURE_TOLERANCE_MINUTES)
    return moment > (now or timezone.now()) + tolerance
