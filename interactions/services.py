"""Writes for interactions: the policy guards and the transitions draft -> submitted -> reviewed,
edits with optimistic concurrency, and voiding.

`rules.validate_interaction_fields` holds the pure field rules (no database); the browser form,
the CSV importer (`import_csv interactions`) and `Interaction.clean()` all call it, so a rule is
written once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sro_program.authz import require, require_perm
from sro_program.models import Assignment, School

from .codes import derived_fields, school_year_of
from .models import Demographics, Enrollment, Interaction, Student
from .rules import (  # noqa: F401 - the field rules' home; forms and importers import them here
    FUTURE_MESSAGE,
    JUSTIFICATION_MAX,
    NARRATIVE_MAX,
    OUTSIDE_ROLE_MESSAGE,
    _as_list,
    _truthy,
    in_future,
    validate_interaction_fields,
)

CHANGE_REASON_MAX = 100  # the history's history_change_reason is a varchar(100)


# --- Rules that need the database -----------------------------------------------------------


class InteractionConflict(Exception):
    """Someone else saved the interaction after the editor loaded it (optimistic concurrency)."""

    def __init__(self, current: Interaction):
        self.current = current
        super().__init__(
            f"Someone else saved this interaction (now version {current.version}) while you "
            "were editing it. Nothing you typed is lost: review what changed, then save again."
        )


def _local_day(occurred_at) -> date:
    return timezone.localdate(occurred_at) if timezone.is_aware(occurred_at) else occurred_at.date()


def validate_interaction_data(
    data: dict, *, acting_user=None, require_assignment: bool = True
) -> dict[str, list[str]]:
    """Every rule of an interaction: the pure field rules plus those that need the database.

    `data` holds model values: `school` (School), `occurred_at` (aware datetime), `student`
    (Student), `officer` (Officer) and the codes of `validate_interaction_fields`. Errors are
    keyed by the CSV / form column names (`school_cds`, `student_id`, `officer_badge`,
    `occurred_at`, ...). With `acting_user`, the school and the student must be within the
    user's scope. `require_assignment=False` (history imports) only needs the officer to exist.
    """
    errors = validate_interaction_fields(data)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    school, student, officer = data.get("school"), data.get("student"), data.get("officer")
    occurred_at = data.get("occurred_at")
    if school is None:
        add("school_cds", "Choose the school.")
    elif (
        acting_user is not None
        and not School.objects.for_user(acting_user).filter(pk=school.pk).exists()
    ):
        add("school_cds", "You can log interactions only for your own schools.")
    if occurred_at is None:
        add("occurred_at", "Give the date and time.")
    elif in_future(occurred_at):
        add("occurred_at", FUTURE_MESSAGE)
    if student is None:
        add("student_id", "Choose the student.")
    elif (
        acting_user is not None
        and not Student.objects.for_user(acting_user).filter(pk=student.pk).exists()
    ):
        add("student_id", "No student with this ID at your schools.")
    if officer is None:
        add("officer_badge", "Choose the officer.")
    if not (school and student and officer and occurred_at) or "student_id" in errors:
        return errors

    day = _local_day(occurred_at)
    if (
        require_assignment
        and not Assignment.objects.active_on(day).filter(school=school, officer=officer).exists()
    ):
        add(
            "officer_badge",
            f"{officer} is not assigned to {school} on {day:%Y-%m-%d}.",
        )
    if not Enrollment.objects.filter(
        student=student, school=school, school_year=school_year_of(day)
    ).exists():
        add(
            "student_id",
            f"{student.student_id} has no enrollment at {school} for {school_year_of(day)}; "
            "an interaction is logged at the school where the student is enrolled that year, "
            "and the demographic snapshot comes from that enrollment.",
        )
    return errors


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


FIELDS = [
    "school",
    "occurred_at",
    "student",
    "officer",
    "location",
    "initiated_by",
    "requested_by_role",
    "reason",
    "justification",
    "outcomes",
    "force_types",
    "injury",
    "de_escalation",
    "de_escalation_techniques",
    "narrative",
]


def _apply(interaction: Interaction, data: dict) -> None:
    """Copy the editable fields, then recompute everything derived from them: school year,
    demographic snapshot (from the enrollment of that year), report measures, GC 12525.2."""
    for field in FIELDS:
        if field in data:
            setattr(interaction, field, data[field])
    for field in ("outcomes", "force_types", "de_escalation_techniques"):
        setattr(interaction, field, _as_list(getattr(interaction, field)))
    for field in ("justification", "narrative", "requested_by_role", "injury"):
        setattr(interaction, field, (getattr(interaction, field) or "").strip())
    interaction.de_escalation = _truthy(interaction.de_escalation)
    day = _local_day(interaction.occurred_at)
    for field, value in derived_fields(
        occurred_on=day,
        initiated_by=interaction.initiated_by,
        reason=interaction.reason,
        outcomes=interaction.outcomes,
        force_types=interaction.force_types,
        injury=interaction.injury,
    ).items():
        setattr(interaction, field, value)
    enrollment = Enrollment.objects.get(
        student=interaction.student, school=interaction.school,
        school_year=interaction.school_year,
    )
    for field in Demographics.DEMOGRAPHIC_FIELDS:
        setattr(interaction, field, getattr(enrollment, field))


def _save(interaction: Interaction, *, acting_user, reason: str = "") -> None:
    interaction._history_user = acting_user
    # A longer void reason is kept in full in void_reason; the history line holds 100.
    interaction._change_reason = (reason or "")[:CHANGE_REASON_MAX] or None
    interaction.full_clean(exclude=["school_year"])
    interaction.save()


@transaction.atomic
def interaction_create(*, data: dict, acting_user, submit: bool) -> Interaction:
    """Log an interaction as a draft, or submitted at once."""
    require_perm(acting_user, "interactions.add_interaction")
    _raise_if(validate_interaction_data(data, acting_user=acting_user))
    interaction = Interaction(logged_by=acting_user)
    _apply(interaction, data)
    if submit:
        interaction.status = Interaction.Status.SUBMITTED
    _save(interaction, acting_user=acting_user, reason="Submitted" if submit else "Draft saved")
    return interaction


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    data: dict,
    acting_user,
    expected_version: int,
    reason: str = "",
    submit: bool = False,
) -> Interaction:
    """Edit an interaction the editor loaded at `expected_version`.

    The version is claimed with one conditional UPDATE: of two editors who loaded the same
    version, exactly one succeeds and the other gets `InteractionConflict` (on PostgreSQL the
    second UPDATE waits for the first transaction, then finds the version moved on).
    After submission an edit needs a reason, stored in the history with the user; an edit of
    a reviewed interaction sends it back for review.
    """
    require(acting_user, interaction, "change")
    if interaction.voided:
        raise ValidationError(_("A voided interaction cannot be edited."))
    reason = (reason or "").strip()
    if interaction.status != Interaction.Status.DRAFT and not reason:
        raise ValidationError({"change_reason": [_("Say why a submitted interaction is changed.")]})
    if len(reason) > CHANGE_REASON_MAX:
        raise ValidationError(
            {"change_reason": [f"At most {CHANGE_REASON_MAX} characters ({len(reason)} now)."]}
        )
    _raise_if(validate_interaction_data(data, acting_user=acting_user))
    claimed = Interaction.objects.filter(pk=interaction.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise InteractionConflict(Interaction.objects.get(pk=interaction.pk))
    current = Interaction.objects.get(pk=interaction.pk)
    _apply(current, data)
    if current.status == Interaction.Status.REVIEWED:
        current.status = Interaction.Status.SUBMITTED
    elif submit and current.status == Interaction.Status.DRAFT:
        current.status = Interaction.Status.SUBMITTED
        reason = reason or "Submitted"
    _save(current, acting_user=acting_user, reason=reason or "Draft edited")
    return current


def _transition(interaction: Interaction, *, acting_user, reason: str, **changes) -> Interaction:
    """Apply a status change under the version claim, so it cannot cross an edit in flight."""
    claimed = Interaction.objects.filter(pk=interaction.pk, version=interaction.version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise InteractionConflict(Interaction.objects.get(pk=interaction.pk))
    current = Interaction.objects.get(pk=interaction.pk)
    for field, value in changes.items():
        setattr(current, field, value)
    _save(current, acting_user=acting_user, reason=reason)
    return current


@transaction.atomic
def interaction_submit(*, interaction: Interaction, acting_user) -> Interaction:
    require(acting_user, interaction, "change")
    if interaction.voided or interaction.status != Interaction.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    data = {f: getattr(interaction, f) for f in FIELDS}
    _raise_if(validate_interaction_data(data, acting_user=acting_user))
    return _transition(
        interaction,
        acting_user=acting_user,
        reason="Submitted",
        status=Interaction.Status.SUBMITTED,
    )


@transaction.atomic
def interaction_review(*, interaction: Interaction, acting_user) -> Interaction:
    """A site administrator of the interaction's school marks it reviewed."""
    require(acting_user, interaction, "review")
    if interaction.voided or interaction.status != Interaction.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted interaction that is not voided can be reviewed."))
    return _transition(
        interaction,
        acting_user=acting_user,
        reason="Reviewed",
        status=Interaction.Status.REVIEWED,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def interaction_void(*, interaction: Interaction, acting_user, reason: str) -> Interaction:
    """Void an interaction: it stays on record, with the reason, and leaves every report."""
    require(acting_user, interaction, "void")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the interaction is voided.")]})
    if interaction.voided:
        raise ValidationError(_("This interaction is already voided."))
    return _transition(
        interaction,
        acting_user=acting_user,
        reason=f"Voided: {reason}",
        voided=True,
        void_reason=reason,
        voided_by=acting_user,
        voided_at=timezone.now(),
    )
