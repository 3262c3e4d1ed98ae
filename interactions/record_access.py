"""FERPA record access: requests, the custodian's decision, and the append-only disclosure log
(34 CFR 99.32; Ed Code 49064).

Every write goes through these services, in one transaction with its log entry, so a request
or a decision can never exist without its line in the student's log. The log rows are the
transitions: who asked, on which basis, who decided, when access was given, to whom further.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mous.models import Agency
from sro_program.authz import require
from sro_program.models import Officer, School

from .models import DisclosureLogEntry, Enrollment, RecordAccessRequest, Student

Basis = RecordAccessRequest.Basis
Status = RecordAccessRequest.Status
Kind = DisclosureLogEntry.Kind

REQUEST_PERMISSION = "interactions.add_recordaccessrequest"
DECIDE_PERMISSION = "interactions.decide_recordaccessrequest"
CORRECT_PERMISSION = "interactions.add_disclosurelogentry"

THREAT_REQUIRED = (
    "A health or safety emergency disclosure needs the articulable and significant threat "
    "(34 CFR 99.36): describe it."
)
CITATION_REQUIRED = "Cite the law that permits this disclosure."


def _who(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def _requester(officer: Officer | None, acting_user) -> str:
    if officer is None:
        return _who(acting_user)
    name = f"Officer {officer.first_name} {officer.last_name} #{officer.badge_number}"
    if getattr(acting_user, "officer", None) == officer:
        return name
    return f"{name}, requested by {_who(acting_user)}"


def basis_errors(basis: str, threat_description: str, legal_citation: str) -> dict[str, list[str]]:
    """The basis rules, shared by the service and the request form."""
    errors: dict[str, list[str]] = {}
    if basis not in Basis.values:
        errors["basis"] = ["Choose the legal basis of the request."]
    if basis == Basis.HEALTH_SAFETY_EMERGENCY and not threat_description.strip():
        errors["threat_description"] = [THREAT_REQUIRED]
    if basis == Basis.OTHER_LAW and not legal_citation.strip():
        errors["legal_citation"] = [CITATION_REQUIRED]
    return errors


@transaction.atomic
def record_access_request(
    *,
    student: Student,
    school: School,
    agency: Agency,
    officer: Officer | None,
    records_requested: str,
    legitimate_interest: str,
    basis: str,
    threat_description: str = "",
    legal_citation: str = "",
    acting_user,
) -> RecordAccessRequest:
    """An officer (or staff on the officer's behalf) asks to see a student's records."""
    if not acting_user.has_perm(REQUEST_PERMISSION):
        raise PermissionDenied("You may not request access to student records.")
    if not School.objects.for_user(acting_user).filter(pk=school.pk).exists():
        raise PermissionDenied("That school is not one of yours.")
    if not Student.objects.for_user(acting_user).filter(pk=student.pk).exists():
        raise PermissionDenied("That student is not enrolled at one of your schools.")

    errors = basis_errors(basis, threat_description, legal_citation)
    if not Enrollment.objects.filter(student=student, school=school).exists():
        errors.setdefault("school", []).append("The student has no enrollment at this school.")
    if officer is not None and officer.agency_id != agency.pk:
        errors.setdefault("officer", []).append("The officer does not belong to this agency.")
    if errors:
        raise ValidationError(errors)

    request = RecordAccessRequest(
        student=student,
        school=school,
        agency=agency,
        officer=officer,
        requested_by=acting_user,
        records_requested=records_requested.strip(),
        legitimate_interest=legitimate_interest.strip(),
        basis=basis,
        threat_description=threat_description.strip(),
        legal_citation=legal_citation.strip(),
    )
    request.full_clean()
    request.save()
    _log(request, Kind.REQUEST, acting_user, note=_basis_note(request))
    return request


@transaction.atomic
def record_access_decide(
    *,
    request: RecordAccessRequest,
    decision: str,
    acting_user,
    access_date: date | None = None,
    further_parties: str = "",
    note: str = "",
) -> RecordAccessRequest:
    """The records custodian grants or denies a pending request. Granting records the date
    access was given (today unless stated) and any further parties the records go to."""
    if not acting_user.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied("Only a records custodian decides record-access requests.")
    require(acting_user, request, DECIDE_PERMISSION)
    # Lock the row: two custodians deciding at once cannot both write a decision.
    request = RecordAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.PENDING:
        raise ValidationError(
            f"This request was already decided ({request.get_status_display().lower()})."
        )
    errors: dict[str, list[str]] = {}
    if decision == Status.GRANTED:
        today = timezone.localdate()
        access_date = access_date or today
        if access_date < timezone.localtime(request.created_at).date():
            errors["access_date"] = ["Access cannot be given before the request was made."]
        elif access_date > today:
            errors["access_date"] = ["The date access was given cannot be in the future."]
    elif decision == Status.DENIED:
        if access_date or further_parties.strip():
            errors["access_date"] = ["A denied request gives no access."]
        if not note.strip():
            errors["note"] = ["Say why the request is denied."]
    else:
        errors["decision"] = ["Grant or deny the request."]
    if errors:
        raise ValidationError(errors)

    request.status = decision
    request.save(update_fields=["status"])
    _log(
        request,
        Kind.GRANTED if decision == Status.GRANTED else Kind.DENIED,
        acting_user,
        decided_by=_who(acting_user),
        access_date=access_date if decision == Status.GRANTED else None,
        further_parties=further_parties.strip(),
        note=note.strip(),
    )
    return request


@transaction.atomic
def disclosure_correct(*, entry: DisclosureLogEntry, note: str, acting_user) -> DisclosureLogEntry:
    """A correction is a new entry pointing at the one it corrects; nothing is rewritten."""
    if not acting_user.has_perm(CORRECT_PERMISSION):
        raise PermissionDenied("Only a records custodian corrects the disclosure log.")
    require(acting_user, entry, CORRECT_PERMISSION)
    if not note.strip():
        raise ValidationError({"note": [_("Say what is corrected and why.")]})
    correction = DisclosureLogEntry(
        student_id=entry.student_id,
        request_id=entry.request_id,
        kind=Kind.CORRECTION,
        basis=entry.basis,
        requester=entry.requester,
        agency=entry.agency,
        corrects=entry,
        note=note.strip(),
        recorded_by=acting_user,
        recorded_by_username=acting_user.username,
    )
    correction.full_clean()
    correction.save()
    return correction


def _basis_note(request: RecordAccessRequest) -> str:
    if request.basis == Basis.HEALTH_SAFETY_EMERGENCY:
        return f"Articulable and significant threat: {request.threat_description}"
    if request.basis == Basis.OTHER_LAW:
        return f"Legal citation: {request.legal_citation}"
    return ""


def _log(request: RecordAccessRequest, kind: str, acting_user, **fields) -> DisclosureLogEntry:
    entry = DisclosureLogEntry(
        student_id=request.student_id,
        request=request,
        kind=kind,
        basis=request.basis,
        requester=_requester(request.officer, request.requested_by),
        agency=f"{request.agency.name} ({request.agency.ori})",
        records=request.records_requested,
        legitimate_interest=request.legitimate_interest,
        recorded_by=acting_user,
        recorded_by_username=acting_user.username,
        **fields,
    )
    entry.full_clean()
    entry.save()
    return entry
