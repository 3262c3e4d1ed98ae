from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from authz.core import DISTRICT_WIDE, NEVER_LISTED, RestrictedQuerySet, SchoolScope
from core.text_guard import no_immigration_status
from mous.models import MOU, Agency

from .scoping import SchoolScopedQuerySet
from .validators import training_evidence_path, validate_training_evidence

cds_validator = RegexValidator(
    r"^\d{14}$", "A CDS code is exactly 14 digits (county, district, school), e.g. 33671570000000."
)

GRADE_CHOICES = [("TK", "TK"), ("KN", "K")] + [(f"{g:02d}", f"{g}") for g in range(1, 13)]
GRADE_ORDER = [code for code, _ in GRADE_CHOICES]


def grade_range_problem(low: str, high: str) -> str:
    """Why a school's grade span is refused ("" when it is fine): the highest grade served
    may not come before the lowest. School.clean(), so the admin, and the importer use it."""
    if low in GRADE_ORDER and high in GRADE_ORDER and GRADE_ORDER.index(low) > GRADE_ORDER.index(
        high
    ):
        return "The highest grade is below the lowest."
    return ""


class SchoolQuerySet(SchoolScopedQuerySet):
    pass


class School(models.Model):
    cds_code = models.CharField("CDS code", max_length=14, unique=True, validators=[cds_validator])
    name = models.CharField(max_length=200)
    grade_low = models.CharField(max_length=2, choices=GRADE_CHOICES, default="09")
    grade_high = models.CharField(max_length=2, choices=GRADE_CHOICES, default="12")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    authz_scope = SchoolScope("pk")
    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("view_all_schools", "Can see every school's records (district-wide role)")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = grade_range_problem(self.grade_low, self.grade_high)
        if problem:
            raise ValidationError({"grade_high": problem})

    @property
    def grade_span(self) -> str:
        return f"{self.get_grade_low_display()}–{self.get_grade_high_display()}"


class SchoolMembership(models.Model):
    """An explicit link between a user and a school they work at."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    history = HistoricalRecords()

    authz_scope = SchoolScope("school")
    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_unique_user_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"


class Officer(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    badge_number = models.CharField(max_length=20)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    sworn = models.BooleanField("sworn peace officer", default=True)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="officer",
    )
    history = HistoricalRecords()

    # Officers serve the district under an agency's MOU; assignments bind them to schools.
    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "badge_number"], name="officer_unique_badge_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} (#{self.badge_number})"


class AssignmentQuerySet(SchoolScopedQuerySet):
    def active_on(self, day: date):
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Assignment(models.Model):
    """An officer assigned to a school for a period, under an MOU, with weekly duty hours."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        RELIEF = "relief", _("Relief")
        LEAVE_COVERAGE = "leave_coverage", _("Leave coverage")

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="assignments")
    mou = models.ForeignKey(
        MOU, verbose_name="MOU", on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    covers = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="coverages",
        help_text="Leave coverage only: the assignment whose officer is on leave.",
    )
    override_reason = models.TextField(
        blank=True,
        help_text="Recorded by a district administrator when required training could not be "
        "completed before the assignment (BP 3515.31: 'when possible').",
        validators=[no_immigration_status],
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    authz_scope = SchoolScope("school")
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "-start_date"]
        permissions = [
            (
                "override_training_requirement",
                "Can assign an officer missing required training, recording a reason",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["school", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.officer} at {self.school} from {self.start_date:%Y-%m-%d}"

    @property
    def weekly_hours(self) -> float:
        return sum(d.hours for d in self.duty_hours.all())

    @property
    def fte(self) -> float:
        return round(self.weekly_hours / settings.FULL_TIME_WEEK_HOURS, 2)


class DutyHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="duty_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    authz_scope = SchoolScope("assignment__school")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "duty hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="duty_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def hours(self) -> float:
        d = date(2000, 1, 3)
        span = datetime.combine(d, self.end) - datetime.combine(d, self.start)
        return span / timedelta(hours=1)


class TrainingTopic(models.Model):
    class Audience(models.TextChoices):
        OFFICER = "officer", _("SROs")
        STAFF = "staff", _("District staff")

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200, validators=[no_immigration_status])
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.OFFICER)
    required_before_assignment = models.BooleanField(default=False)
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: never expires."
    )
    policy_reference = models.CharField(
        max_length=200, blank=True, validators=[no_immigration_status]
    )
    history = HistoricalRecords()

    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-required_before_assignment", "name"]

    def __str__(self) -> str:
        return self.name


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def training_expires_on(completed_on: date, renewal_months: int | None) -> date | None:
    """The day a training record stops counting: its topic's renewal period after completion
    (None: the topic never expires)."""
    return add_months(completed_on, renewal_months) if renewal_months else None


def training_current_on(completed_on: date, expires_on: date | None, day: date) -> bool:
    """The renewal rule, for officers and staff alike: trained on a topic on `day` when the
    course was completed on or before that day and has not expired by then."""
    return completed_on <= day and (expires_on is None or expires_on > day)


HOURS_NOT_NEGATIVE = "Training hours cannot be negative; enter the hours attended (0 or more)."


class OfficerTraining(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="trainings")
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, default=0,
        validators=[MinValueValidator(0, message=HOURS_NOT_NEGATIVE)],
    )
    provider = models.CharField(max_length=200, blank=True, validators=[no_immigration_status])
    evidence = models.FileField(
        upload_to=training_evidence_path, blank=True,
        validators=[validate_training_evidence],
    )
    expires_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    # An officer's training follows the officer (district-wide), not a school.
    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["officer", "topic", "-completed_on"]
        indexes = [models.Index(fields=["officer", "topic", "completed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="officertraining_hours_not_negative",
                violation_error_message=HOURS_NOT_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer}: {self.topic} ({self.completed_on})"

    def save(self, *args, **kwargs):
        self.expires_on = training_expires_on(self.completed_on, self.topic.renewal_months)
        super().save(*args, **kwargs)

    def current_on(self, day: date) -> bool:
        return training_current_on(self.completed_on, self.expires_on, day)


class StaffTraining(models.Model):
    """Staff trained on the SRO role and when to contact an officer (BP 3515.31)."""

    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="staff_trainings",
    )
    person_name = models.CharField(
        max_length=200, blank=True, help_text="For staff without an account."
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff_trainings")
    completed_on = models.DateField()
    history = HistoricalRecords()

    authz_scope = SchoolScope("school")
    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(person_name=""),
                name="staff_training_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or self.person_name}: {self.topic} ({self.completed_on})"


class PresentationRequest(models.Model):
    """A classroom or parent presentation by an SRO; needs the Superintendent's approval."""

    class Audience(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        PARENT = "parent", _("Parents")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="presentations")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="presentations")
    topic = models.CharField(max_length=200, validators=[no_immigration_status])
    audience = models.CharField(max_length=20, choices=Audience.choices)
    date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    authz_scope = SchoolScope("school")
    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        permissions = [
            ("approve_presentation", "Can approve SRO classroom and parent presentations")
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_audience_display()}, {self.date})"


class PresentationDecision(models.Model):
    request = models.ForeignKey(
        PresentationRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(max_length=20, choices=PresentationRequest.Status.choices)
    note = models.TextField(blank=True, validators=[no_immigration_status])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    authz_scope = SchoolScope("request__school")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.request}"


class SignInThrottle(models.Model):
    """Failed sign-ins for one username from every address (see sro_program.signin_throttle).
    Holds no password and no address; a successful sign-in deletes the row."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    pauses = models.PositiveIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    authz_scope = NEVER_LISTED

    class Meta:
        verbose_name = "sign-in pause"

    def __str__(self) -> str:
        return self.username


class LanguagePreference(models.Model):
    """The interface language a person chose with the language switcher. It follows them to
    every new session (restored at sign-in); without it the browser's language decides."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    authz_scope = NEVER_LISTED

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"
