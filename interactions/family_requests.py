"""Families' requests to inspect the record of disclosures (34 CFR 99.32(c); Ed Code 49064).

A request is filed on the public form (no account): it stores what the family wrote and
nothing else, and answers the same whether or not such a student exists. The records custodian
verifies the requester's identity (method and date), links the student, and fulfils it: the
disclosure log as a PDF in the family's language, the fulfilment itself written to the log."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sro_program.models import School

from .disclosure_pdf import disclosure_log_pdf_bytes
from .models import DisclosureLogEntry, FamilyRecordRequest, Student

HANDLE_PERMISSION = "interactions.handle_familyrecordrequest"
Status = FamilyRecordRequest.Status
logger = logging.getLogger(__name__)


def _require(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(HANDLE_PERMISSION):
        raise PermissionDenied("Only the records custodian handles families' requests.")


@transaction.atomic
def family_request_submit(*, requester_name: str, relationship: str, student_name: str,
                          student_birth_date: dt.date, school: School, contact: str,
                          language: str) -> FamilyRecordRequest:
    """Store a pending request. Nothing is looked up: the answer to the family is the same
    whether or not the student exists."""
    family_request = FamilyRecordRequest(
        requester_name=requester_name.strip(), relationship=relationship,
        student_name=student_name.strip(), student_birth_date=student_birth_date,
        school=school, contact=contact.strip(), language=language,
    )
    family_request.full_clean(exclude=["student"])
    family_request.save()
    transaction.on_commit(lambda: notify_custodian(family_request))
    return family_request


def email_configured() -> bool:
    """Email is optional: the custodian is notified only when an address and a mail server
    (or a non-SMTP backend such as the console) are configured."""
    if not getattr(settings, "RECORDS_CUSTODIAN_EMAIL", ""):
        return False
    backend = settings.EMAIL_BACKEND
    return not backend.endswith("smtp.EmailBackend") or bool(getattr(settings, "EMAIL_HOST", ""))


def notify_custodian(family_request: FamilyRecordRequest) -> bool:
    """A short notice without student data; the details are in the application."""
    if not email_configured():
        return False
    try:
        send_mail(
            subject=f"New family request for a disclosure record (#{family_request.pk})",
            message=(
                f"A family filed request #{family_request.pk} to inspect a student's record of "
                "disclosures. Sign in to verify the requester's identity and answer it."
            ),
            from_email=None,
            recipient_list=[settings.RECORDS_CUSTODIAN_EMAIL],
        )
    except Exception:  # noqa: BLE001  (the request is stored; mail is a courtesy)
        logger.warning("Could not email the records custodian about family request %s",
                       family_request.pk)
        return False
    return True


@transaction.atomic
def family_request_verify(*, family_request: FamilyRecordRequest, student: Student,
                          method: str, verified_on: dt.date, acting_user) -> FamilyRecordRequest:
    """Record how and when the requester's identity was verified, and link the student."""
    _require(acting_user)
    family_request = FamilyRecordRequest.objects.select_for_update().get(pk=family_request.pk)
    if family_request.status != Status.PENDING:
        raise ValidationError(_("Only a pending request can be verified."))
    errors = {}
    if method not in FamilyRecordRequest.IdentityMethod.values:
        errors["identity_method"] = [_("Choose how the requester's identity was verified.")]
    if verified_on is None or verified_on > timezone.localdate():
        errors["identity_verified_on"] = [
            _("Give the date of verification (not in the future).")]
    if errors:
        raise ValidationError(errors)
    family_request.student = student
    family_request.identity_method = method
    family_request.identity_verified_on = verified_on
    family_request.verified_by = acting_user
    family_request.status = Status.VERIFIED
    family_request.save()
    return family_request


@transaction.atomic
def family_request_close(*, family_request: FamilyRecordRequest, reason: str,
                         acting_user) -> FamilyRecordRequest:
    """Close without disclosure (identity not verified, no such student)."""
    _require(acting_user)
    family_request = FamilyRecordRequest.objects.select_for_update().get(pk=family_request.pk)
    if family_request.status in (Status.FULFILLED, Status.CLOSED):
        raise ValidationError(_("This request is already answered."))
    if not reason.strip():
        raise ValidationError({"closed_reason": [_("Say why the request is closed.")]})
    family_request.status = Status.CLOSED
    family_request.closed_reason = reason.strip()
    family_request.save()
    return family_request


@transaction.atomic
def family_request_fulfil(*, family_request: FamilyRecordRequest, acting_user) -> bytes:
    """Produce the student's disclosure log as a PDF in the family's language, mark the
    request fulfilled and write the fulfilment to the student's disclosure log."""
    _require(acting_user)
    family_request = FamilyRecordRequest.objects.select_for_update().get(pk=family_request.pk)
    if family_request.status not in (Status.VERIFIED, Status.FULFILLED):
        raise ValidationError(_("Verify the requester's identity before answering."))
    name = acting_user.get_full_name() or acting_user.username
    DisclosureLogEntry.objects.create(
        student=family_request.student,
        kind=DisclosureLogEntry.Kind.DISCLOSURE,
        requester=(f"{family_request.requester_name} "
                   f"({FamilyRecordRequest.Relationship(family_request.relationship).label})"),
        records="Record of disclosures (34 CFR 99.32(c)), family request "
                f"#{family_request.pk}",
        legitimate_interest="Inspection by the parent or eligible student",
        decided_by=name,
        access_date=timezone.localdate(),
        note=(f"Identity verified on {family_request.identity_verified_on:%Y-%m-%d} "
              f"({family_request.identity_method}); copy given in "
              f"{family_request.language}."),
        recorded_by=acting_user,
        recorded_by_username=acting_user.get_username(),
    )
    family_request.status = Status.FULFILLED
    family_request.fulfilled_at = timezone.now()
    family_request.fulfilled_by = acting_user
    family_request.save()
    return disclosure_log_pdf_bytes(family_request.student, user=acting_user, produced_by=name,
                                    language=family_request.language)
