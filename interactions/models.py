from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from authz.core import CustomScope, RestrictedQuerySet, SchoolScope
from core.text_guard import no_immigration_status
from mous.models import Agency
from sro_program.models import GRADE_CHOICES, Officer, School
from sro_program.scoping import SchoolScopedQuerySet

from .codes import (
    OUTSIDE_SRO_ROLE_REASONS,
    Disability,
    Gender,
    InitiatedBy,
    Injury,
    Location,
    RaceEthnicity,
    Reason,
    RequestedByRole,
    YesNo,
    month_of,
)
from .rules import validate_interaction_fields

SCHOOL_YEAR_HELP = "Format 2025-26."


def _students_enrolled_at(queryset, school_ids):
    """Students enrolled (in any year on record) at one of the schools."""
    return queryset.filter(
        Exists(Enrollment.objects.filter(student=OuterRef("pk"), school__in=school_ids))
    )


class StudentQuerySet(SchoolScopedQuerySet):
    pass


class Student(models.Model):
    """A student, known by a stable district student ID. No citizenship or immigration field
    exists anywhere (Ed Code 234.7)."""

    student_id = models.CharField("district student ID", max_length=20, unique=True)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    authz_scope = CustomScope(_students_enrolled_at, "enrolled there in any year")
    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.student_id})"


class Demographics(models.Model):
    """The demographic fields of docs/codes.md, shared by enrollment rows and interaction
    snapshots."""

    grade = models.CharField(max_length=2, choices=GRADE_CHOICES)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    race_ethnicity = models.CharField(max_length=40, choices=RaceEthnicity.choices)
    disability = models.CharField(max_length=4, choices=Disability.choices, default="none")
    english_learner = models.CharField(max_length=1, choices=YesNo.choices, default="N")
    foster_youth = models.CharField(max_length=1, choices=YesNo.choices, default="N")
    homeless = models.CharField(max_length=1, choices=YesNo.choices, default="N")
    socioeconomically_disadvantaged = models.CharField(
        max_length=1, choices=YesNo.choices, default="N"
    )

    DEMOGRAPHIC_FIELDS = [
        "grade",
        "gender",
        "race_ethnicity",
        "disability",
        "english_learner",
        "foster_youth",
        "homeless",
        "socioeconomically_disadvantaged",
    ]

    class Meta:
        abstract = True

    def demographics(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in self.DEMOGRAPHIC_FIELDS}


class Enrollment(Demographics):
    """A student's enrollment for one school year: school, grade and demographics."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    school_year = models.CharField(max_length=7, help_text=SCHOOL_YEAR_HELP)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments")

    authz_scope = SchoolScope("school")
    history = HistoricalRecords()

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"], name="enrollment_one_per_student_year"
            )
        ]
        indexes = [models.Index(fields=["school_year", "school"])]

    def __str__(self) -> str:
        # Ids only: no query per row where enrollments are listed (admin, audit).
        return f"Enrollment {self.school_year} of student record #{self.student_id}"


class InteractionQuerySet(SchoolScopedQuerySet):
    def countable(self):
        """What reports count: submitted or reviewed, never drafts or voided records."""
        return self.filter(
            status__in=[Interaction.Status.SUBMITTED, Interaction.Status.REVIEWED], voided=False
        )


# The fields validate_interaction_fields reads, by their model names.
RULE_FIELDS = (
    "location", "initiated_by", "requested_by_role", "reason", "justification", "outcomes",
    "force_types", "injury", "de_escalation", "de_escalation_techniques", "narrative",
)


class Interaction(Demographics):
    """One contact between an SRO and a student, with the student's demographic snapshot
    taken from the enrollment of the school year of the date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="interactions")
    occurred_at = models.DateTimeField()
    school_year = models.CharField(max_length=7, editable=False)
    # First day of the month of occurred_at in the district time zone. Kept beside the
    # timestamp so the report's monthly counts group on a plain column instead of converting
    # every row's time zone (a quarter of the report's time on a million rows).
    occurred_month = models.DateField(null=True, editable=False)
    location = models.CharField(max_length=20, choices=Location.choices)
    initiated_by = models.CharField(max_length=20, choices=InitiatedBy.choices)
    requested_by_role = models.CharField(
        max_length=20, choices=RequestedByRole.choices, blank=True
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="interactions")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="interactions")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    justification = models.TextField(blank=True, validators=[no_immigration_status])
    outcomes = models.JSONField(default=list)
    force_types = models.JSONField(default=list, blank=True)
    injury = models.CharField(max_length=10, choices=Injury.choices, blank=True)
    de_escalation = models.BooleanField("de-escalation attempted", default=False)
    de_escalation_techniques = models.JSONField(default=list, blank=True)
    narrative = models.TextField(max_length=1000, blank=True, validators=[no_immigration_status])
    gc12525_reportable = models.BooleanField("GC 12525.2 reportable", default=False)

    # Report measures, derived from the codes by codes.measure_flags on every save.
    referral_to_law_enforcement = models.BooleanField(default=False)
    arrest = models.BooleanField(default=False)
    citation = models.BooleanField(default=False)
    prosecution_referral = models.BooleanField(default=False)
    diversion_referral = models.BooleanField(default=False)
    misconduct_report = models.BooleanField(default=False)
    referral_school_admin = models.BooleanField(default=False)
    referral_support = models.BooleanField(default=False)
    restorative = models.BooleanField(default=False)
    search = models.BooleanField(default=False)
    use_of_force = models.BooleanField(default=False)
    psychiatric_hold = models.BooleanField(default=False)
    outside_sro_role = models.BooleanField(default=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    voided = models.BooleanField(default=False)
    void_reason = models.TextField(blank=True, validators=[no_immigration_status])
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: an edit saves only if the version it started from is current.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    authz_scope = SchoolScope("school")
    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        permissions = [
            ("review_interaction", "Can review submitted interactions"),
            ("void_interaction", "Can void a submitted interaction"),
        ]
        indexes = [
            # The list page: a school's interactions, newest first.
            models.Index(fields=["school", "-occurred_at"], name="interaction_school_recent"),
            # Report selector: one school year's countable rows per school.
            models.Index(
                fields=["school_year", "school"],
                name="interaction_report",
                condition=Q(voided=False) & ~Q(status="draft"),
            ),
            models.Index(fields=["status", "school"], name="interaction_status_school"),
            models.Index(fields=["reason"], name="interaction_reason"),
            # The list for district-wide roles (no school filter): newest first, and date ranges.
            models.Index(fields=["-occurred_at", "-id"], name="interaction_recent"),
            # The list's "Flagged" filter within a school, newest first; each flag is rare, so a
            # partial index stays small.
            models.Index(
                fields=["school", "-occurred_at"],
                name="interaction_outside_role",
                condition=Q(outside_sro_role=True),
            ),
            models.Index(
                fields=["school", "-occurred_at"],
                name="interaction_force",
                condition=Q(use_of_force=True),
            ),
            models.Index(
                fields=["school", "-occurred_at"],
                name="interaction_gc12525",
                condition=Q(gc12525_reportable=True),
            ),
            models.Index(
                fields=["school", "-occurred_at"],
                name="interaction_voided",
                condition=Q(voided=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # Generated from the one list of reasons outside the SRO role.
                condition=~Q(reason__in=sorted(OUTSIDE_SRO_ROLE_REASONS))
                | ~Q(justification=""),
                name="interaction_outside_role_needs_justification",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at) if self.occurred_at else None
        return f"Interaction #{self.pk}" + (f" of {when:%Y-%m-%d %H:%M}" if when else "")

    def save(self, *args, **kwargs):
        if self.occurred_at is not None:
            self.occurred_month = month_of(timezone.localdate(self.occurred_at))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise ValidationError("A submitted interaction is never deleted; void it instead.")
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """The field rules (codes, the outside-role justification, combinations, the Ed Code
        234.7 guard) on whatever path the row came by: admin, script or service."""
        errors = validate_interaction_fields(
            {name: getattr(self, name) for name in RULE_FIELDS}
        )
        if errors:
            raise ValidationError(errors)


class RecordAccessRequest(models.Model):
    """An officer's request to see a student's education records, on a FERPA basis."""

    class Basis(models.TextChoices):
        PARENTAL_CONSENT = "parental_consent", _("Parental consent")
        SCHOOL_OFFICIAL = "school_official", _("School official (34 CFR 99.31(a)(1))")
        HEALTH_SAFETY_EMERGENCY = "health_safety_emergency", _("Health or safety emergency (99.36)")
        COURT_ORDER = "court_order", _("Court order or subpoena (99.31(a)(9))")
        OTHER_LAW = "other_law", _("Other law (citation required)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        DENIED = "denied", _("Denied")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="access_requests")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    records_requested = models.TextField(validators=[no_immigration_status])
    legitimate_interest = models.TextField(validators=[no_immigration_status])
    basis = models.CharField(max_length=30, choices=Basis.choices)
    threat_description = models.TextField(
        "articulable and significant threat", blank=True,
        help_text="Required for a health or safety emergency (34 CFR 99.36).",
        validators=[no_immigration_status],
    )
    legal_citation = models.CharField(
        max_length=200, blank=True, validators=[no_immigration_status]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    # Visible to the requesting school and district-wide roles only, even when the student
    # is (or was) enrolled at another of the user's schools.
    authz_scope = SchoolScope("school")
    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_recordaccessrequest", "Can grant or deny record access")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="health_safety_emergency") | ~Q(threat_description=""),
                name="record_access_emergency_needs_threat",
            ),
            models.CheckConstraint(
                condition=~Q(basis="other_law") | ~Q(legal_citation=""),
                name="record_access_other_law_needs_citation",
            ),
        ]

    def __str__(self) -> str:
        return f"Record access for {self.student.student_id} ({self.get_basis_display()})"


class DisclosureLogQuerySet(SchoolScopedQuerySet):
    """Bulk writes would bypass the model's append-only save() and delete(); refuse them."""

    def update(self, **kwargs):
        raise ValidationError("The disclosure log is append-only; entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValidationError("The disclosure log is append-only; entries cannot be changed.")

    def delete(self):
        raise ValidationError("The disclosure log is append-only; entries cannot be deleted.")


class DisclosureLogEntry(models.Model):
    """Append-only record of every request and disclosure (34 CFR 99.32; Ed Code 49064).
    Entries are never edited or deleted; a correction is a new entry that points back."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request")
        GRANTED = "granted", _("Access granted")
        DENIED = "denied", _("Access denied")
        DISCLOSURE = "disclosure", _("Disclosure")
        CORRECTION = "correction", _("Correction")

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="disclosure_log")
    request = models.ForeignKey(
        RecordAccessRequest, null=True, blank=True, on_delete=models.PROTECT,
        related_name="log_entries",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    basis = models.CharField(max_length=30, choices=RecordAccessRequest.Basis.choices, blank=True)
    requester = models.CharField(max_length=200, blank=True, validators=[no_immigration_status])
    agency = models.CharField(max_length=200, blank=True, validators=[no_immigration_status])
    records = models.TextField(blank=True, validators=[no_immigration_status])
    legitimate_interest = models.TextField(blank=True, validators=[no_immigration_status])
    decided_by = models.CharField(max_length=150, blank=True)
    access_date = models.DateField(null=True, blank=True)
    further_parties = models.TextField(blank=True, validators=[no_immigration_status])
    note = models.TextField(blank=True, validators=[no_immigration_status])
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_username = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    # Each entry belongs to the school whose request it records: another school where the
    # student is enrolled does not see it; district-wide roles (the custodian) see every one.
    authz_scope = SchoolScope("request__school")
    objects = DisclosureLogQuerySet.as_manager()

    class Meta:
        ordering = ["student", "recorded_at", "id"]
        verbose_name_plural = "disclosure log entries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(corrects__isnull=False),
                name="disclosure_correction_names_entry",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.recorded_at) if self.recorded_at else None
        return f"{self.get_kind_display()} for student record #{self.student_id}" + (
            f", {when:%Y-%m-%d %H:%M}" if when else ""
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(
                "The disclosure log is append-only; record a correction as a new entry."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The disclosure log is append-only; entries cannot be deleted.")


class FamilyRecordRequest(models.Model):
    """A parent's, guardian's or eligible student's request to inspect the record of
    disclosures of a student's education records (34 CFR 99.32(c)), filed on the public form.

    It holds only what the family wrote; the records custodian verifies the requester's
    identity (method and date recorded), links the student, and produces the disclosure log
    as a PDF in the family's language. The fulfilment is itself written to the student's
    disclosure log."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Legal guardian")
        ELIGIBLE_STUDENT = "eligible_student", _("Eligible student (18 or older)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending: identity not yet verified")
        VERIFIED = "verified", _("Identity verified")
        FULFILLED = "fulfilled", _("Fulfilled")
        CLOSED = "closed", _("Closed without disclosure")

    class IdentityMethod(models.TextChoices):
        IN_PERSON = "in_person", _("In person, with photo identification")
        CALLBACK = "callback", _("Call back to the phone number in the student's record")
        DOCUMENTS = "documents", _("Identity and custody documents checked")

    requester_name = models.CharField(_("your full name"), max_length=200)
    relationship = models.CharField(
        _("relationship to the student"), max_length=20, choices=Relationship.choices
    )
    student_name = models.CharField(_("student's full name"), max_length=200)
    student_birth_date = models.DateField(_("student's date of birth"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    contact = models.CharField(_("how to reach you"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Linked by the custodian when identity is verified; never by the form.",
    )
    identity_method = models.CharField(max_length=20, choices=IdentityMethod.choices, blank=True)
    identity_verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_reason = models.TextField(blank=True, validators=[no_immigration_status])
    created_at = models.DateTimeField(auto_now_add=True)

    # The records custodian (district-wide) works them; the school is the one the family named.
    authz_scope = SchoolScope("school")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("handle_familyrecordrequest",
             "Can verify and fulfil families' requests for the disclosure record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(status="closed")
                | (Q(student__isnull=False) & ~Q(identity_method="")
                   & Q(identity_verified_on__isnull=False)),
                name="family_request_verified_has_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"Family request #{self.pk} ({self.get_status_display()})"
