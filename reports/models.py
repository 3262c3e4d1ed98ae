from django.conf import settings
from django.db import models

from authz.core import DISTRICT_WIDE, RestrictedQuerySet, SchoolScope
from core.text_guard import no_immigration_status
from sro_program.models import School


class EnrollmentCount(models.Model):
    """Imported enrollment (report denominator) per school, school year, dimension and group.
    Dimension `all` has group `all`."""

    school_year = models.CharField(max_length=7)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=40)
    group = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    authz_scope = SchoolScope("school")
    objects = RestrictedQuerySet.as_manager()

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


def content_key(report: dict) -> str:
    """What makes two publications the same: the report without the moment it was computed."""
    import hashlib
    import json

    body = {k: v for k, v in report.items() if k != "generated_at"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PublishedReport(models.Model):
    """An immutable snapshot of a published board report (always suppressed)."""

    title = models.CharField(max_length=200, validators=[no_immigration_status])
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
    content_key = models.CharField(
        max_length=64, blank=True, db_index=True,
        help_text="SHA-256 of the content without its generation time: the same parameters "
                  "and figures published twice have the same key.",
    )
    # Withdrawal is the one change a snapshot allows (reports.services.report_withdraw): it
    # stays listed and downloadable, marked withdrawn with the reason.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, validators=[no_immigration_status])
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_by_name = models.CharField(max_length=300, blank=True)

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

    # Published reports are suppressed and public within the district.
    authz_scope = DISTRICT_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        permissions = [
            ("view_unsuppressed", "Can see unsuppressed (confidential) report figures"),
            ("build_report", "Can build and export board reports"),
            ("publish_report", "Can publish a board report"),
            ("withdraw_report", "Can withdraw a published board report"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            from django.core.exceptions import ValidationError

            raise ValidationError("A published report is immutable; publish a new one instead.")
        if not self.content_key and isinstance(self.content, dict):
            self.content_key = content_key(self.content)
        super().save(*args, **kwargs)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

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
