"""Writes to MOUs. Every status change is atomic, checked against a permission, made on a
locked row whose status is read again under the lock, and stored as an MOUTransition row.

Admin actions, views, `seed_demo` and scripts call these; none of them repeats the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authz.core import may
from core.text_guard import check_guarded_fields

from .models import MOU, Agency, MOUElement, MOUTransition

POLICY = "BP 3515.31"

# What each required element must say, in the words of the policy (BP 3515.31, MOU minimums).
# code -> (element number, what the text must cover, {extra field: what it must name})
REQUIREMENTS: dict[str, tuple[int, str, dict[str, str]]] = {
    MOUElement.Code.PURPOSE: (1, "state the purpose of the agreement", {}),
    MOUElement.Code.ROLES_RESPONSIBILITIES: (
        2,
        "define the roles and responsibilities of the district, the school site, the agency "
        "and the SROs",
        {"supervisor": "name who supervises the SRO"},
    ),
    MOUElement.Code.INFORMATION_SHARING: (
        3,
        "state what information the district and the agency share, consistent with state and "
        "federal law",
        {},
    ),
    MOUElement.Code.QUALIFICATIONS_TRAINING: (
        4,
        "state the SROs' required qualifications",
        {"required_training": "name the training SROs must complete"},
    ),
    MOUElement.Code.DUTY_HOURS: (
        5,
        "describe the SROs' assigned duty in and around schools",
        {"duty_hours": "state the assigned hours of duty"},
    ),
    MOUElement.Code.PERFORMANCE_MONITORING: (
        6, "describe how SRO performance is monitored", {}
    ),
}
ELEMENT_FIELDS = ("text", "section_ref", "supervisor", "duty_hours", "required_training")


@dataclass(frozen=True)
class ElementStatus:
    code: str
    label: str
    required: bool
    present: bool
    message: str  # what is missing, in words a person acts on; "" when present
    section_ref: str
    policy_ref: str  # e.g. "BP 3515.31, MOU element 2"; "" for optional terms
    number: int | None = None  # the element's number in the policy's list of six


@dataclass(frozen=True)
class Completeness:
    elements: list[ElementStatus]
    missing: list[str]  # one message per missing required element
    required_present: int
    required_total: int = len(MOUElement.REQUIRED)

    @property
    def complete(self) -> bool:
        return self.required_present == self.required_total

    @property
    def summary(self) -> str:
        return f"{self.required_present}/{self.required_total} required"


def _label(code: str) -> str:
    return MOUElement.Code(code).label.removesuffix(" (optional)")


def _element_status(code: str, element: MOUElement | None) -> ElementStatus:
    required = code in REQUIREMENTS
    label = _label(code)
    section = element.section_ref.strip() if element else ""
    if not required:
        present = bool(element and element.text.strip())
        return ElementStatus(code, label, False, present, "", section, "")
    number, text_need, field_needs = REQUIREMENTS[code]
    policy_ref = f"{POLICY}, MOU element {number}"
    needs = []
    if element is None or not element.text.strip():
        needs.append(text_need)
    for field, need in field_needs.items():
        if element is None or not getattr(element, field).strip():
            needs.append(need)
    message = ""
    if needs:
        message = f"{label}: {' and '.join(needs)} (required by {policy_ref})."
    return ElementStatus(code, label, True, not needs, message, section, policy_ref, number)


def mou_completeness(mou: MOU) -> Completeness:
    """Each element's status, and a message for every missing required element.

    Reads `mou.elements.all()`, so a list of MOUs with `prefetch_related("elements")` costs
    no query per MOU.
    """
    by_code = {e.code: e for e in mou.elements.all()}
    statuses = [
        _element_status(code, by_code.get(code))
        for code in (*MOUElement.REQUIRED, *MOUElement.OPTIONAL)
    ]
    required = [s for s in statuses if s.required]
    return Completeness(
        elements=statuses,
        missing=[s.message for s in required if not s.present],
        required_present=sum(s.present for s in required),
    )


# --- helpers shared by the transitions -------------------------------------------------------


def _require(user, perm: str, doing: str) -> None:
    """Through the authorization core: MOUs are district-wide, so the permission decides (an
    inactive or signed-out user never passes)."""
    if user is None or not may(user, MOU, perm):
        raise PermissionDenied(f"You do not have permission to {doing}.")


def _locked(mou: MOU) -> MOU:
    """The row again, locked until the transaction ends: its status is read under the lock,
    so of two simultaneous transitions the second sees the first one's result."""
    return MOU.objects.select_for_update().get(pk=mou.pk)


def _transition(mou: MOU, new_status: str, user, reason: str, **changes) -> MOUTransition:
    old = mou.status
    mou.status = new_status
    for name, value in changes.items():
        setattr(mou, name, value)
    mou._history_user = user  # simple_history: the acting user, also outside a request
    mou._change_reason = reason[:100] if reason else None
    mou.save()
    return _log(mou, old, new_status, user, reason)


def _log(mou: MOU, old: str, new: str, user, reason: str) -> MOUTransition:
    row = MOUTransition(
        mou=mou, from_status=old, to_status=new, acting_user=user,
        acting_username=getattr(user, "username", ""), reason=reason,
    )
    check_guarded_fields(row)  # a termination reason is free text (Ed Code 234.7)
    row.save()
    return row


def _refresh(target: MOU, source: MOU) -> None:
    """Let the caller's instance see what the locked copy now holds."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


ALLOWED_DESCRIPTION = {
    MOU.Status.DRAFT: "a draft",
    MOU.Status.UNDER_REVIEW: "an MOU under review",
    MOU.Status.APPROVED: "a Board-approved MOU",
}


def _refuse_status(mou: MOU, action: str) -> None:
    transition = MOU.TRANSITIONS[action]
    if not mou.can(action):
        who = " or ".join(ALLOWED_DESCRIPTION[s] for s in transition.sources)
        raise ValidationError(
            f"{mou} cannot be {transition.label}: it is {mou.get_status_display().lower()}. "
            f"Only {who} can be."
        )


# --- creation and content ----------------------------------------------------------------------


def _next_version(agency_id: int) -> int:
    """Versions number an agency's MOUs 1, 2, 3...; an amendment is the next one. The agency
    row is locked until the caller's transaction ends, so two MOUs created at once for one
    agency take turns instead of colliding on the unique version."""
    Agency.objects.select_for_update().filter(pk=agency_id).first()
    return (MOU.objects.filter(agency_id=agency_id).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def mou_create(*, mou: MOU, acting_user, reason: str = "Created") -> MOU:
    """Save a new MOU (built by a form or a script) as a draft and record its creation."""
    _require(acting_user, "mous.add_mou", "add an MOU")
    mou.status = MOU.Status.DRAFT
    mou.version = _next_version(mou.agency_id)
    mou.full_clean()
    mou._history_user = acting_user
    mou.save()
    _log(mou, "", MOU.Status.DRAFT, acting_user, reason)
    return mou


@transaction.atomic
def mou_update(*, mou: MOU, acting_user, **fields) -> MOU:
    """Change an MOU's fields. Content is refused once the Board approved it (see
    MOU.CONTENT_FIELDS); status and approval fields change only through the transitions."""
    _require(acting_user, "mous.change_mou", "change an MOU")
    forbidden = {"status", "board_date", "board_item", "approved_by", "approved_at", "ended_on"}
    if forbidden & fields.keys():
        raise ValidationError(
            _("Status and Board approval change only through submit, approval, amendment and "
            "termination.")
        )
    locked = _locked(mou)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = acting_user
    locked.save()
    _refresh(mou, locked)
    return mou


@transaction.atomic
def mou_set_element(*, mou: MOU, code: str, acting_user, **values) -> MOUElement:
    """Create or change one element of an MOU that is not yet approved."""
    _require(acting_user, "mous.change_mou", "change an MOU")
    unknown = set(values) - set(ELEMENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown element fields: {sorted(unknown)}")
    locked = _locked(mou)
    if locked.is_locked:
        raise ValidationError(locked.lock_message([_label(code)]))
    element = MOUElement.objects.filter(mou=locked, code=code).first() or MOUElement(
        mou=locked, code=code
    )
    for name, value in values.items():
        setattr(element, name, value)
    element.full_clean()
    element._history_user = acting_user
    element.save()
    return element


# --- transitions ------------------------------------------------------------------------------


@transaction.atomic
def mou_submit_for_review(*, mou: MOU, acting_user, reason: str = "") -> MOUTransition:
    """Draft -> under review. An incomplete MOU may be submitted: review is where gaps are
    found; only Board approval requires every element."""
    _require(acting_user, "mous.change_mou", "submit an MOU for review")
    locked = _locked(mou)
    _refuse_status(locked, "submit")
    row = _transition(locked, MOU.TRANSITIONS["submit"].target, acting_user, reason)
    _refresh(mou, locked)
    return row


def approval_problems(mou: MOU, board_date: dt.date | None, board_item: str) -> list[str]:
    """Everything that stops the Board approval of this MOU from being recorded."""
    problems = list(mou_completeness(mou).missing)
    if mou.effective_date is None:
        problems.append("Effective date: enter the date the MOU takes effect.")
    elif retroactive := mou.retroactive_problem():
        problems.append(retroactive)
    if board_date is None:
        problems.append("Board meeting date: enter the date the Board approved the MOU.")
    elif board_date > timezone.localdate():
        problems.append(
            f"Board meeting date: {board_date:%Y-%m-%d} is in the future; record the approval "
            "after the meeting."
        )
    if not (board_item or "").strip():
        problems.append("Agenda item or resolution no.: enter the Board's agenda item.")
    return problems


@transaction.atomic
def mou_record_board_approval(
    *, mou: MOU, board_date: dt.date, board_item: str, acting_user, reason: str = ""
) -> MOUTransition:
    """Draft or under review -> approved, for a complete MOU only.

    Refused with a ValidationError naming every missing element (and nothing changes) when
    the MOU is incomplete. When the MOU amends another, that one becomes superseded, in force
    until the day before this one takes effect.
    """
    _require(acting_user, "mous.approve_mou", "record Board approval of an MOU")
    locked = _locked(mou)
    _refuse_status(locked, "approve")
    problems = approval_problems(locked, board_date, board_item)
    if problems:
        raise ValidationError(
            [f"Board approval of {locked} cannot be recorded until this is fixed:", *problems]
        )
    row = _transition(
        locked, MOU.TRANSITIONS["approve"].target, acting_user,
        reason or f"Approved by the Board on {board_date:%Y-%m-%d}, {board_item.strip()}",
        board_date=board_date, board_item=board_item.strip(), approved_by=acting_user,
        approved_at=timezone.now(),
    )
    if locked.supersedes_id:
        previous = MOU.objects.select_for_update().get(pk=locked.supersedes_id)
        if previous.can("supersede"):
            _transition(
                previous, MOU.TRANSITIONS["supersede"].target, acting_user,
                f"Superseded by version {locked.version}, approved by the Board on "
                f"{board_date:%Y-%m-%d} ({board_item.strip()})",
                ended_on=MOU.previous_version_end(locked.effective_date, previous.ended_on),
            )
    _refresh(mou, locked)
    return row


@transaction.atomic
def mou_create_amendment(*, mou: MOU, acting_user, reason: str = "") -> MOU:
    """A new draft version of an approved MOU, with its elements copied, superseding it once
    the Board approves the amendment. One open amendment per MOU at a time."""
    _require(acting_user, "mous.change_mou", "create an amendment")
    locked = _locked(mou)
    _refuse_status(locked, "amend")
    open_amendment = locked.amendments.filter(
        status__in=(MOU.Status.DRAFT, MOU.Status.UNDER_REVIEW)
    ).first()
    if open_amendment is not None:
        raise ValidationError(
            f"{locked} already has an amendment in progress: {open_amendment}. "
            "Finish or terminate that one first."
        )
    amendment = MOU(
        agency_id=locked.agency_id, title=locked.title, version=_next_version(locked.agency_id),
        # No effective date: the amendment takes effect after this version did, on a date the
        # drafter enters (Board approval refuses it until then).
        supersedes=locked, effective_date=None,
        expiry_date=locked.expiry_date, next_review_date=locked.next_review_date,
        status=MOU.Status.DRAFT,
    )
    amendment._history_user = acting_user
    amendment.save()
    for element in locked.elements.all():  # one by one, so each copy gets its history row
        copy = MOUElement(mou=amendment, code=element.code,
                          **{f: getattr(element, f) for f in ELEMENT_FIELDS})
        copy._history_user = acting_user
        copy.save()
    _log(
        amendment, "", MOU.Status.DRAFT, acting_user,
        f"Amendment of version {locked.version}" + (f": {reason}" if reason else ""),
    )
    return amendment


@transaction.atomic
def mou_terminate(
    *, mou: MOU, acting_user, reason: str, ended_on: dt.date | None = None
) -> MOUTransition:
    """End an MOU (approved: it stays in force through `ended_on`, today by default) or
    abandon a draft or one under review. A reason is required."""
    _require(acting_user, "mous.change_mou", "terminate an MOU")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for terminating the MOU."))
    locked = _locked(mou)
    _refuse_status(locked, "terminate")
    end = None
    if locked.status == MOU.Status.APPROVED:
        end = ended_on or timezone.localdate()
        if locked.effective_date and end < locked.effective_date - dt.timedelta(days=1):
            raise ValidationError(
                f"Last day in force: {end:%Y-%m-%d} is before the MOU took effect "
                f"({locked.effective_date:%Y-%m-%d})."
            )
    row = _transition(locked, MOU.TRANSITIONS["terminate"].target, acting_user, reason.strip(),
                      ended_on=end)
    _refresh(mou, locked)
    return row
