"""Writes of the SRO program: assignments (with their duty hours) and presentation requests.

Every rule of BP 3515.31 about who may be assigned lives here, once. Admin, views, commands and
the demo call these functions; none of them repeats a rule. Errors are `ValidationError`s keyed
by the field to change, each message saying what to do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text_guard import check_guarded_fields
from mous.models import MOU
from mous.selectors import mou_in_force_for_period

from .authz import require, require_perm
from .models import (
    Assignment,
    DutyHours,
    Officer,
    PresentationDecision,
    PresentationRequest,
    School,
)
from .selectors import officer_training_status

OVERRIDE_PERMISSION = "sro_program.override_training_requirement"
APPROVE_PRESENTATION = "sro_program.approve_presentation"

DutyPeriod = tuple[int, dt.time, dt.time]  # weekday (0 = Monday), start, end


def _weekday_name(weekday: int) -> str:
    return DutyHours.Weekday(weekday).label


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} onwards"


def duty_hours_errors(
    *,
    officer: Officer,
    start_date: dt.date,
    end_date: dt.date | None,
    duty_hours: Sequence[DutyPeriod],
    exclude_pk: int | None = None,
) -> list[str]:
    """Duty periods that overlap each other, or the officer's other assignments in time.

    Two assignments clash when their dates overlap, and a duty period of each falls on the
    same weekday with overlapping times (touching, 08:00-12:00 and 12:00-16:00, is fine).
    """
    errors: list[str] = []
    if not duty_hours:
        return [
            "Give at least one weekly duty period (weekday, start and end): the MOU's "
            "duty-hours element says when the SRO is on duty."
        ]
    for weekday, start, end in duty_hours:
        if end <= start:
            errors.append(
                f"{_weekday_name(weekday)} {start:%H:%M}–{end:%H:%M}: the end must be after "
                "the start. Split a night shift at midnight."
            )
    ordered = sorted(duty_hours)
    for (wd1, s1, e1), (wd2, s2, e2) in zip(ordered, ordered[1:], strict=False):
        if wd1 == wd2 and s2 < e1:
            errors.append(
                f"{_weekday_name(wd1)}: {s1:%H:%M}–{e1:%H:%M} and {s2:%H:%M}–{e2:%H:%M} overlap. "
                "Merge them into one period."
            )
    if errors or officer is None or start_date is None:
        return errors

    others = (
        Assignment.objects.filter(officer=officer, start_date__lte=end_date or dt.date.max)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        .select_related("school")
        .prefetch_related("duty_hours")
    )
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        for mine in duty_hours:
            for theirs in other.duty_hours.all():
                if mine[0] == theirs.weekday and mine[1] < theirs.end and theirs.start < mine[2]:
                    errors.append(
                        f"{officer} is already on duty at {other.school} on "
                        f"{theirs.get_weekday_display()} {theirs.start:%H:%M}–"
                        f"{theirs.end:%H:%M} ({_period(other.start_date, other.end_date)}). "
                        "Change these hours or the dates so they do not overlap."
                    )
    return errors


def assignment_errors(
    *,
    officer: Officer | None,
    school: School | None,
    mou: MOU | None,
    start_date: dt.date | None,
    end_date: dt.date | None,
    kind: str,
    covers: Assignment | None,
    duty_hours: Sequence[DutyPeriod] | None,
    override_reason: str,
    acting_user,
    instance: Assignment | None = None,
) -> dict[str, list[str]]:
    """Every assignment rule, as {field: [message, ...]}; empty when the assignment may be made.

    `duty_hours=None` leaves out the duty-hours checks (admin runs them on its inline).
    `instance` is the assignment being changed, if any: its stored override stays valid.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    override_reason = (override_reason or "").strip()

    if officer is not None:
        if not officer.sworn:
            errors["officer"].append(
                f"{officer} is not a sworn peace officer; BP 3515.31 allows only sworn officers "
                "as SROs. Choose a sworn officer, or correct the officer's record."
            )
        if not officer.active:
            errors["officer"].append(f"{officer} is marked inactive. Choose an active officer.")
    if school is not None and not school.active:
        errors["school"].append(f"{school} is marked inactive. Choose an active school.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"].append(
            "The end date is before the start date. Correct it, or leave it empty for an "
            "open-ended assignment."
        )
        return dict(errors)

    if officer is not None and start_date:
        if mou is not None and mou.agency_id != officer.agency_id:
            errors["mou"].append(
                f"This MOU is with {mou.agency}, but {officer} serves with {officer.agency}. "
                "Choose an MOU of the officer's agency."
            )
        elif mou is not None and not MOU.objects.in_force_on(start_date).filter(pk=mou.pk):
            errors["mou"].append(
                f"{mou} is not in force on {start_date:%Y-%m-%d} (it must be Board-approved, "
                "and the date within its effective and expiry dates). Choose the MOU in force, "
                "or record its Board approval first."
            )
        if not mou_in_force_for_period(officer.agency, start_date, end_date):
            errors["mou"].append(
                f"{officer.agency} has no Board-approved MOU in force for the whole period "
                f"{_period(start_date, end_date)}. Shorten the assignment to the MOU's term, "
                "or have the Board approve an MOU (or amendment) covering it."
            )

        missing = officer_training_status(officer, start_date).missing
        stored = instance.override_reason.strip() if instance is not None and instance.pk else ""
        if missing:
            names = ", ".join(t.name for t in missing)
            if not override_reason:
                errors["override_reason"].append(
                    f"{officer} has no current record, on {start_date:%Y-%m-%d}, of training "
                    f"required before assignment: {names}. Record the training first; if it "
                    "cannot be completed in time, a district administrator may record an "
                    "override reason (BP 3515.31: 'prior to beginning their assignment when "
                    "possible')."
                )
            elif override_reason != stored and not acting_user.has_perm(OVERRIDE_PERMISSION):
                errors["override_reason"].append(
                    f"{officer} is missing required training ({names}); only a district "
                    "administrator may record an override reason. Ask one to make this "
                    "assignment, or record the training first."
                )
        elif override_reason and override_reason != stored:
            errors["override_reason"].append(
                f"{officer} has every required training current on {start_date:%Y-%m-%d}; no "
                "override is needed. Leave the override reason empty."
            )

    if kind == Assignment.Kind.LEAVE_COVERAGE:
        if covers is None:
            errors["covers"].append(
                "Leave coverage stands in for another assignment: choose the assignment of the "
                "officer on leave."
            )
        else:
            if school is not None and covers.school_id != school.pk:
                errors["covers"].append(
                    f"The covered assignment is at {covers.school}; leave coverage must be at "
                    "the same school. Choose an assignment at this school."
                )
            if officer is not None and covers.officer_id == officer.pk:
                errors["covers"].append(
                    "An officer cannot cover their own leave. Choose another officer's assignment."
                )
            if instance is not None and instance.pk and covers.pk == instance.pk:
                errors["covers"].append("An assignment cannot cover itself.")
            if start_date and (
                start_date < covers.start_date
                or (covers.end_date and (end_date is None or end_date > covers.end_date))
            ):
                errors["covers"].append(
                    f"Leave coverage must fall within the covered assignment "
                    f"({_period(covers.start_date, covers.end_date)}). Adjust the dates."
                )
    elif covers is not None:
        errors["covers"].append(
            "Only leave coverage covers another assignment. Clear this, or choose the kind "
            "'Leave coverage'."
        )

    if duty_hours is not None and officer is not None:
        messages = duty_hours_errors(
            officer=officer,
            start_date=start_date,
            end_date=end_date,
            duty_hours=duty_hours,
            exclude_pk=instance.pk if instance is not None else None,
        )
        if messages:
            errors["duty_hours"].extend(messages)
    return dict(errors)


def _save_assignment(
    assignment: Assignment,
    *,
    duty_hours: Sequence[DutyPeriod] | None,
    override_reason: str,
    acting_user,
    previous: Assignment | None,
) -> Assignment:
    errors = assignment_errors(
        officer=assignment.officer,
        school=assignment.school,
        mou=assignment.mou,
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        kind=assignment.kind,
        covers=assignment.covers,
        duty_hours=duty_hours
        if duty_hours is not None
        else [(d.weekday, d.start, d.end) for d in previous.duty_hours.all()],
        override_reason=override_reason,
        acting_user=acting_user,
        instance=previous,
    )
    if errors:
        raise ValidationError(errors)
    reason = (override_reason or "").strip()
    if not reason:
        assignment.override_reason, assignment.override_by = "", None
    elif previous is None or reason != previous.override_reason.strip():
        assignment.override_reason, assignment.override_by = reason, acting_user
    else:
        assignment.override_reason, assignment.override_by = reason, previous.override_by
    assignment.full_clean(exclude=["officer", "school", "mou", "covers"])
    assignment.save()
    if duty_hours is not None:
        assignment.duty_hours.all().delete()
        DutyHours.objects.bulk_create(
            DutyHours(assignment=assignment, weekday=wd, start=s, end=e)
            for wd, s, e in sorted(duty_hours)
        )
    return assignment


@transaction.atomic
def assignment_create(
    *,
    officer: Officer,
    school: School,
    mou: MOU,
    start_date: dt.date,
    end_date: dt.date | None = None,
    kind: str = Assignment.Kind.REGULAR,
    covers: Assignment | None = None,
    duty_hours: Iterable[DutyPeriod],
    override_reason: str = "",
    acting_user,
) -> Assignment:
    """Assign an officer to a school under an MOU with weekly duty hours, or refuse with the
    rule that failed. The officer's row is locked so two concurrent assignments of one officer
    cannot both pass the duty-hours check."""
    require_perm(acting_user, "sro_program.add_assignment", "make assignments")
    require(acting_user, school, "sro_program.add_assignment")
    Officer.objects.select_for_update().filter(pk=officer.pk).first()
    assignment = Assignment(
        officer=officer,
        school=school,
        mou=mou,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        covers=covers,
    )
    return _save_assignment(
        assignment,
        duty_hours=list(duty_hours),
        override_reason=override_reason,
        acting_user=acting_user,
        previous=None,
    )


ASSIGNMENT_FIELDS = ("officer", "school", "mou", "start_date", "end_date", "kind", "covers")


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    acting_user,
    duty_hours: Iterable[DutyPeriod] | None = None,
    override_reason: str | None = None,
    **changes,
) -> Assignment:
    """Change an assignment (any of ASSIGNMENT_FIELDS, its duty hours, its override reason);
    every rule is checked again on the result. `duty_hours=None` keeps the current hours."""
    require_perm(acting_user, "sro_program.change_assignment", "change assignments")
    require(acting_user, assignment, "change")
    if "school" in changes:
        require(acting_user, changes["school"], "sro_program.change_assignment")
    unknown = set(changes) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise TypeError(f"assignment_update() got unexpected fields: {', '.join(sorted(unknown))}")
    previous = (
        Assignment.objects.select_for_update().prefetch_related("duty_hours").get(pk=assignment.pk)
    )
    for name, value in changes.items():
        setattr(assignment, name, value)
    Officer.objects.select_for_update().filter(pk=assignment.officer_id).first()
    return _save_assignment(
        assignment,
        duty_hours=list(duty_hours) if duty_hours is not None else None,
        override_reason=previous.override_reason if override_reason is None else override_reason,
        acting_user=acting_user,
        previous=previous,
    )


# Presentations ------------------------------------------------------------------------------


@transaction.atomic
def presentation_request_create(
    *,
    school: School,
    officer: Officer,
    topic: str,
    audience: str,
    date: dt.date,
    acting_user,
) -> PresentationRequest:
    """A site administrator asks for a classroom or parent presentation by an SRO assigned at
    their school; it waits for the Superintendent's (or designee's) decision."""
    require_perm(acting_user, "sro_program.add_presentationrequest", "request presentations")
    errors: dict[str, list[str]] = defaultdict(list)
    if not School.objects.restrict(acting_user, "view").filter(pk=school.pk).exists():
        errors["school"].append("Choose one of your own schools.")
    if date < timezone.localdate():
        errors["date"].append("The date has passed. Choose a date today or later.")
    elif not Assignment.objects.active_on(date).filter(officer=officer, school=school).exists():
        errors["officer"].append(
            f"{officer} is not assigned at {school} on {date:%Y-%m-%d}. Choose an officer "
            "assigned there on that date, or another date."
        )
    request = PresentationRequest(
        school=school,
        officer=officer,
        topic=(topic or "").strip(),
        audience=audience,
        date=date,
        requested_by=acting_user,
    )
    try:
        request.full_clean(exclude=["school", "officer", "requested_by"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[field].extend(messages)
    if errors:
        raise ValidationError(dict(errors))
    request.save()
    return request


@transaction.atomic
def presentation_decide(
    *,
    request: PresentationRequest,
    decision: str,
    note: str = "",
    acting_user,
) -> PresentationDecision:
    """Approve or decline a pending request. The decision is its own row (who, when, note);
    the request's status follows it."""
    require_perm(acting_user, APPROVE_PRESENTATION, "approve or decline presentations")
    require(acting_user, request, APPROVE_PRESENTATION)
    locked = PresentationRequest.objects.select_for_update().get(pk=request.pk)
    Status = PresentationRequest.Status
    if decision not in (Status.APPROVED, Status.DECLINED):
        raise ValidationError({"decision": _("Choose approve or decline.")})
    if locked.status != Status.PENDING:
        raise ValidationError(
            {
                "decision": f"This request was already {locked.get_status_display().lower()}; "
                "ask the requester to make a new request if plans changed."
            }
        )
    note = (note or "").strip()
    if decision == Status.DECLINED and not note:
        raise ValidationError(
            {"note": _("Say why the presentation is declined, so the school can adjust it.")}
        )
    row = PresentationDecision(
        request=locked, decision=decision, note=note, decided_by=acting_user
    )
    check_guarded_fields(row)
    row.save()
    locked.status = decision
    locked.save(update_fields=["status"])
    request.status = decision
    return row
