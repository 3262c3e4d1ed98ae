from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .validators import validate_pdf


class Agency(models.Model):
    """A law enforcement agency, identified by its ORI (Originating Agency Identifier)."""

    ori = models.CharField("ORI", max_length=9, unique=True, help_text="e.g. CA0330000")
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"


class MOUQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(
            status=MOU.Status.APPROVED, effective_date__lte=day
        ).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=day))


class MOU(models.Model):
    """A memorandum of understanding between the district and an agency (BP 3515.31)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Board-approved"
        SUPERSEDED = "superseded", "Superseded"
        TERMINATED = "terminated", "Terminated"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="mous")
    title = models.CharField(max_length=200)
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
        "signed document (PDF)", upload_to="mous/%Y/", blank=True, validators=[validate_pdf]
    )
    board_date = models.DateField("Board meeting date", null=True, blank=True)
    board_item = models.CharField(
        "agenda item or resolution no.", max_length=100, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

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
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.get_status_display()})"


class MOUElement(models.Model):
    """One of the MOU's elements: the six required by policy, or an optional term."""

    class Code(models.TextChoices):
        PURPOSE = "purpose", "Purpose"
        ROLES_RESPONSIBILITIES = "roles_responsibilities", "Roles and responsibilities"
        INFORMATION_SHARING = "information_sharing", "Information sharing"
        QUALIFICATIONS_TRAINING = "qualifications_training", "SRO qualifications and training"
        DUTY_HOURS = "duty_hours", "Assigned duty hours"
        PERFORMANCE_MONITORING = "performance_monitoring", "Performance monitoring"
        NONDISCRIMINATION = "nondiscrimination", "Nondiscrimination (optional)"
        DISPROPORTIONALITY_TRAINING = (
            "disproportionality_training", "Disproportionality training (optional)",
        )
        LEAVE_STAFFING = "leave_staffing", "Staffing during SRO leave (optional)"

    REQUIRED = (
        Code.PURPOSE,
        Code.ROLES_RESPONSIBILITIES,
        Code.INFORMATION_SHARING,
        Code.QUALIFICATIONS_TRAINING,
        Code.DUTY_HOURS,
        Code.PERFORMANCE_MONITORING,
    )

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(max_length=40, choices=Code.choices)
    text = models.TextField("text or summary", blank=True)
    section_ref = models.CharField("section in signed document", max_length=50, blank=True)
    supervisor = models.CharField(
        "who supervises the SRO", max_length=200, blank=True,
        help_text="Roles and responsibilities only.",
    )
    duty_hours = models.CharField(
        "hours", max_length=200, blank=True, help_text="Duty hours only, e.g. Mon-Fri 7:30-15:30."
    )
    required_training = models.CharField(
        max_length=300, blank=True, help_text="Qualifications and training only."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["mou", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "code"], name="mou_element_unique_code"),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


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
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.mou}: {self.from_status or '-'} -> {self.to_status}"
