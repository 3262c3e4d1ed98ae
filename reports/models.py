from django.conf import settings
from django.db import models

from sro_program.models import School


class EnrollmentCount(models.Model):
    """Imported enrollment (report denominator) per school, school year, dimension and group.
    Dimension `all` has group `all`."""

    school_year = models.CharField(max_length=7)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=40)
    group = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["school_year", "school", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "school", "dimension", "group"],
                name="enrollment_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.school_id} {self.dimension}={self.group}: {self.count}"


class PublishedReport(models.Model):
    """An immutable snapshot of a published board report (always suppressed)."""

    title = models.CharField(max_length=200)
    parameters = models.JSONField()
    content = models.JSONField()
    content_bytes = models.BinaryField(help_text="The exact JSON bytes that were published.")
    sha256 = models.CharField(max_length=64, unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_username = models.CharField(max_length=150, blank=True)
    published_by_name = models.CharField(
        max_length=300, blank=True,
        help_text="The publisher's full name at the time of publishing (empty: no full name).",
    )
    published_at = models.DateTimeField(auto_now_add=True)
    # The disclosure audit (docs/methods.md): empty on snapshots published before it existed.
    counts_withheld = models.PositiveIntegerField(
        null=True, blank=True, help_text="Counts the published report withholds.")
    narrowest_interval = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Narrowest range proven for a withheld count of 1..k (empty: none withheld "
                  "or unbounded).")
    audited_with = models.JSONField(
        default=list, blank=True,
        help_text="Ids of the earlier snapshots of the school year audited together with it.")
    solver_seconds = models.FloatField(null=True, blank=True)
    audit = models.JSONField(
        null=True, blank=True,
        help_text="The audit record: protected counts, relations that do not add up, "
                  "information loss (never published).")

    class Meta:
        ordering = ["-published_at"]
        permissions = [
            ("view_unsuppressed", "Can see unsuppressed (confidential) report figures"),
            ("build_report", "Can build and export board reports"),
            ("publish_report", "Can publish a board report"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            from django.core.exceptions import ValidationError

            raise ValidationError("A published report is immutable; publish a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("A published report is immutable and is never deleted.")

    @property
    def publisher_name(self) -> str:
        """Who published, for people: the full name stored at publish time; for snapshots
        older than that field, the user's full name if the user still exists; else the
        username."""
        if self.published_by_name:
            return self.published_by_name
        user = self.published_by if self.published_by_id else None
        name = user.get_full_name().strip() if user is not None else ""
        return name or self.published_by_username or "unknown"

    def exact_bytes(self) -> bytes:
        """The JSON bytes exactly as published (memoryview on PostgreSQL)."""
        return bytes(self.content_bytes)
