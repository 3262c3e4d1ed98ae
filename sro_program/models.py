from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from mous.models import MOU, Agency

from .scoping import SchoolScopedQuerySet
from .validators import validate_training_evidence

cds_validator = RegexValidator(
    r"^\d{14}$", "A CDS code is exactly 14 digits (county, district, school), e.g. 33671570000000."
)

GRADE_CHOICES = [("TK", "TK"), ("KN", "K")] + [(f"{g:02d}", f"{g}") for g in range(1, 13)]
GRADE_ORDER = [code for code, _ in GRADE_CHOICES]


class SchoolQuerySet(SchoolScopedQuerySet):
    school_path = "pk"


class School(models.Model):
    cds_code = models.CharField("CDS code", max_length=14, unique=True, validators=[cds_validator])
    name = models.CharField(max_length=200)
    grade_low = models.CharField(max_length=2, choices=GRADE_CHOICES, default="09")
    grade_high = models.CharField(max_length=2, choices=GRADE_CHOICES, default="12")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("view_all_schools", "Can see every school's records (district-wide role)")]

    def __str__(self) -> str:
        return self.name

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
        REGULAR = "regular", "Regular"
        RELIEF = "relief", "Relief"
        LEAVE_COVERAGE = "leave_coverage", "Leave coverage"

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
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

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
        OFFICER = "officer", "SROs"
        STAFF = "staff", "District staff"

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.OFFICER)
    required_before_assignment = models.BooleanField(default=False)
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: never expires."
    )
    policy_reference = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

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


class OfficerTraining(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="trainings")
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    provider = models.CharField(max_length=200, blank=True)
    evidence = models.FileField(
        upload_to="training/%Y/", blank=True, validators=[validate_training_evidence]
    )
    expires_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["officer", "topic", "-completed_on"]
        indexes = [models.Index(fields=["officer", "topic", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.officer}: {self.topic} ({self.completed_on})"

    def save(self, *args, **kwargs):
        months = self.topic.renewal_months
        self.expires_on = add_months(self.completed_on, months) if months else None
        super().save(*args, **kwargs)

    def current_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on > day)


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
        CLASSROOM = "classroom", "Classroom"
        PARENT = "parent", "Parents"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="presentations")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="presentations")
    topic = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

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
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.request}"


class LanguagePreference(models.Model):
    """The interface language a person chose with the language switcher. It follows them to
    every new session (restored at sign-in); without it the browser's language decides."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"
