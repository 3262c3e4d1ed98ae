from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from authz.core import DISTRICT_WIDE, RestrictedQuerySet
from core.text_guard import no_immigration_status

from .validators import mou_document_path, validate_pdf

ORI_FORMAT = r"^[A-Z]{2}[A-Z0-9]{7}$"
validate_ori = RegexValidator(
    ORI_FORMAT, "An ORI is 9 characters: 2 capital letters, then 7 capital letters or digits "
    "(e.g. CA0330000).",
)


class Agency(models.Model):
    """A law enforcement agency, identified by its ORI (Originating Agency Identifier)."""

    ori = models.CharField(
        "ORI", max_length=9, unique=True, help_text="e.g. CA0330000", validators=[validate_ori]
    )
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class Transition(NamedTuple):
    """One action on an MOU: the statuses it may start from and the status it leads to (None:
    the action makes or removes a row instead, e.g. an amendment is a new draft version)."""

    sources: tuple[str, ...]
    target: str | None
    label: str


class MOUQuerySet(RestrictedQuerySet):
    def for_user(self, user):
        """MOUs are district-wide: every holder of `mous.view_mou` sees them all."""
        return self.restrict(user, "view")

    def board_approved(self):
        """MOUs the Board approved: approved now, or approved and later superseded or
        terminated (those stay in force up to `ended_on`, so history stays covered)."""
        return self.filter(
            Q(status=MOU.Status.APPROVED)
            | Q(status__in=MOU.ENDED_STATUSES, board_date__isnull=False)
        )

    def in_force_between(self, start, end):
        """Board-approved MOUs in force on every day from `start` to `end` (inclusive)."""
        return (
            self.board_approved()
            .filter(effective_date__lte=start)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=end))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=end))
        )

    def in_force_on(self, day):
        return self.in_force_between(day, day)


class MOU(models.Model):
    """A memorandum of understanding between the district and an agency (BP 3515.31)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Board-approved")
        SUPERSEDED = "superseded", _("Superseded")
        TERMINATED = "terminated", _("Terminated")

    # The lifecycle, in one table: services refuse an action from any other status, the admin
    # offers only the allowed actions, and templates ask `allowed_actions()`.
    TRANSITIONS = {
        "submit": Transition((Status.DRAFT,), Status.UNDER_REVIEW, "submitted for review"),
        "approve": Transition((Status.DRAFT, Status.UNDER_REVIEW), Status.APPROVED, "approved"),
        "amend": Transition((Status.APPROVED,), None, "amended"),
        "supersede": Transition((Status.APPROVED,), Status.SUPERSEDED, "superseded"),
        "terminate": Transition(
            (Status.DRAFT, Status.UNDER_REVIEW, Status.APPROVED), Status.TERMINATED, "terminated"
        ),
        "delete": Transition((Status.DRAFT,), None, "deleted"),
    }
    # Content is locked from Board approval on; a change is an amendment (a new version).
    LOCKED_STATUSES = (Status.APPROVED, Status.SUPERSEDED, Status.TERMINATED)
    ENDED_STATUSES = (Status.SUPERSEDED, Status.TERMINATED)
    # The agreement itself. `next_review_date` is not here: reviews are scheduled after
    # approval. The signed document may be attached once after approval (signatures often
    # follow the Board meeting) but never replaced.
    CONTENT_FIELDS = ("agency_id", "title", "version", "supersedes_id", "effective_date",
                      "expiry_date")
    # The approval record is as fixed as the agreement once it is made.
    APPROVAL_FIELDS = ("board_date", "board_item", "approved_by_id", "approved_at")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="mous")
    title = models.CharField(max_length=200, validators=[no_immigration_status])
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="Defaults to one year after the effective date."
    )
    document = models.FileField(
        "signed document (PDF)", upload_to=mou_document_path, blank=True,
        validators=[validate_pdf],
    )
    board_date = models.DateField("Board meeting date", null=True, blank=True)
    board_item = models.CharField(
        "agenda item or resolution no.", max_length=100, blank=True,
        validators=[no_immigration_status],
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(
        "in force until", null=True, blank=True,
        help_text="Set when the MOU is superseded or terminated: its last day in force.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    authz_scope = DISTRICT_WIDE
    objects = MOUQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "-version"]
        verbose_name = "MOU"
        verbose_name_plural = "MOUs"
        permissions = [("approve_mou", "Can record Board approval of an MOU")]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="mou_unique_agency_version"),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expiry_date__gte=models.F("effective_date")),
                name="mou_expiry_after_effective",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "under_review", "terminated"])
                | (Q(board_date__isnull=False) & ~Q(board_item="")),
                name="mou_approved_has_board_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        # Enforced here too, so no form, import or script can edit an approved agreement.
        self.clean()
        if self.next_review_date is None and self.effective_date is not None:
            self.next_review_date = one_year_after(self.effective_date)
        super().save(*args, **kwargs)

    def allowed_actions(self) -> set[str]:
        """The actions of TRANSITIONS this MOU's status allows."""
        return {name for name, t in self.TRANSITIONS.items() if self.status in t.sources}

    def can(self, action: str) -> bool:
        return self.status in self.TRANSITIONS[action].sources

    @staticmethod
    def previous_version_end(successor_effective: date, current_end: date | None) -> date:
        """The last day in force of a version its amendment supersedes: the day before the
        amendment takes effect (no gap, no overlap), or its own earlier end."""
        end = successor_effective - timedelta(days=1)
        return min(end, current_end) if current_end else end

    def retroactive_problem(self) -> str:
        """Why this amendment's effective date is refused ("" when it is not): it must be
        after the date the version it amends took effect."""
        previous = self.supersedes
        if previous is None or self.effective_date is None or previous.effective_date is None:
            return ""
        if self.effective_date > previous.effective_date:
            return ""
        return (
            f"Effective date: {self.effective_date:%Y-%m-%d} is not after "
            f"{previous.effective_date:%Y-%m-%d}, the date version {previous.version} took "
            "effect. An amendment cannot take effect retroactively; enter a later date."
        )

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    def _stored(self) -> dict | None:
        if self.pk is None:
            return None
        return (
            MOU.objects.filter(pk=self.pk)
            .values("status", "document", *self.CONTENT_FIELDS, *self.APPROVAL_FIELDS)
            .first()
        )

    def locked_changes(self, stored: dict | None) -> list[str]:
        """Names of content fields changed since Board approval (empty: nothing refused)."""
        if stored is None or stored["status"] not in self.LOCKED_STATUSES:
            return []
        changed = [
            self._meta.get_field(f.removesuffix("_id")).verbose_name
            for f in (*self.CONTENT_FIELDS, *self.APPROVAL_FIELDS)
            if getattr(self, f) != stored[f]
        ]
        if self.status not in self.LOCKED_STATUSES:  # e.g. back to draft, by a history revert
            changed.append("status")
        if stored["document"] and (self.document.name or "") != stored["document"]:
            changed.append(self._meta.get_field("document").verbose_name)
        return changed

    def lock_message(self, changed=(), status: str | None = None) -> str:
        label = self.Status(status or self.status).label.lower()
        what = f" ({', '.join(str(c) for c in changed)})" if changed else ""
        return (
            f"This MOU is {label}; its content is locked and cannot be changed{what}. "
            "To change it, create an amendment (a new version for the Board to approve)."
        )

    def clean(self) -> None:
        stored = self._stored()
        changed = self.locked_changes(stored)
        if changed:
            raise ValidationError(self.lock_message(changed, status=stored["status"]))
        if (stored is None or stored["status"] not in self.LOCKED_STATUSES) and (
            problem := self.retroactive_problem()
        ):
            raise ValidationError({"effective_date": problem})

    def delete(self, *args, **kwargs):
        if not self.can("delete"):
            raise ValidationError(
                f"Only a draft MOU can be deleted; this one is {self.get_status_display()}. "
                "Terminate it instead, with a reason."
            )
        return super().delete(*args, **kwargs)


class MOUElement(models.Model):
    """One of the MOU's elements: the six required by policy, or an optional term."""

    class Code(models.TextChoices):
        PURPOSE = "purpose", _("Purpose")
        ROLES_RESPONSIBILITIES = "roles_responsibilities", _("Roles and responsibilities")
        INFORMATION_SHARING = "information_sharing", _("Information sharing")
        QUALIFICATIONS_TRAINING = "qualifications_training", _("SRO qualifications and training")
        DUTY_HOURS = "duty_hours", _("Assigned duty hours")
        PERFORMANCE_MONITORING = "performance_monitoring", _("Performance monitoring")
        NONDISCRIMINATION = "nondiscrimination", _("Nondiscrimination (optional)")
        DISPROPORTIONALITY_TRAINING = (
            "disproportionality_training", _("Disproportionality training (optional)"),
        )
        LEAVE_STAFFING = "leave_staffing", _("Staffing during SRO leave (optional)")

    REQUIRED = (
        Code.PURPOSE,
        Code.ROLES_RESPONSIBILITIES,
        Code.INFORMATION_SHARING,
        Code.QUALIFICATIONS_TRAINING,
        Code.DUTY_HOURS,
        Code.PERFORMANCE_MONITORING,
    )
    OPTIONAL = (Code.NONDISCRIMINATION, Code.DISPROPORTIONALITY_TRAINING, Code.LEAVE_STAFFING)
    # Policy order (BP 3515.31 lists the six, then the optional terms): checklists use it.
    ORDER = {code: index for index, code in enumerate(REQUIRED + OPTIONAL)}

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(max_length=40, choices=Code.choices)
    text = models.TextField("text or summary", blank=True, validators=[no_immigration_status])
    section_ref = models.CharField(
        "section in signed document", max_length=50, blank=True,
        validators=[no_immigration_status],
    )
    supervisor = models.CharField(
        "who supervises the SRO", max_length=200, blank=True,
        help_text="Roles and responsibilities only.",
        validators=[no_immigration_status],
    )
    duty_hours = models.CharField(
        "hours", max_length=200, blank=True, help_text="Duty hours only, e.g. Mon-Fri 7:30-15:30.",
        validators=[no_immigration_status],
    )
    required_training = models.CharField(
        max_length=300, blank=True, help_text="Qualifications and training only.",
        validators=[no_immigration_status],
    )
    history = HistoricalRecords()

    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["mou", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "code"], name="mou_element_unique_code"),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def save(self, *args, **kwargs) -> None:
        self.clean()
        super().save(*args, **kwargs)

    def _parent_locked(self) -> MOU | None:
        mou = MOU.objects.filter(pk=self.mou_id).only("status").first()
        return mou if mou is not None and mou.is_locked else None

    def clean(self) -> None:
        mou = self._parent_locked()
        if mou is not None:
            raise ValidationError(mou.lock_message([str(self)]))

    def delete(self, *args, **kwargs):
        self.clean()
        return super().delete(*args, **kwargs)


class MOUTransition(models.Model):
    """A status change of an MOU, kept as its own row: old, new, who, when, why."""

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MOU.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MOU.Status.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acting_username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, validators=[no_immigration_status])

    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.mou}: {self.from_status or '-'} -> {self.to_status}"
