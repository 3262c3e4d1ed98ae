"""Writes of the reports app: publishing an immutable, suppressed snapshot."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from authz.core import require
from core.text_guard import check_guarded_fields, immigration_status_error

from .exports import to_json_bytes
from .models import PublishedReport


def report_title(report: dict) -> str:
    from .display import format_date

    p = report["parameters"]
    return (f"SRO interactions {p['school_year']} "
            f"({format_date(p['date_from'])} to {format_date(p['date_to'])})")


@transaction.atomic
def report_publish(*, report: dict, acting_user, title: str = "") -> PublishedReport:
    """Store the report's exact JSON bytes with their SHA-256. Only suppressed reports are
    ever published; publishing the same bytes again returns the earlier snapshot."""
    if not acting_user.has_perm("reports.publish_report"):
        raise PermissionDenied("Publishing a board report needs the permission to publish.")
    if not report["parameters"].get("suppressed"):
        raise ValidationError("Only a suppressed report can be published.")
    check_guarded_fields(PublishedReport(title=title))
    content = to_json_bytes(report)
    digest = hashlib.sha256(content).hexdigest()
    existing = PublishedReport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create_snapshot(report, content, digest, acting_user, title)
    except IntegrityError:
        # The same bytes were published by someone else a moment ago: that is this snapshot.
        return PublishedReport.objects.get(sha256=digest)


def _create_snapshot(report: dict, content: bytes, digest: str, acting_user,
                     title: str) -> PublishedReport:
    return PublishedReport.objects.create(
        title=title or report_title(report),
        parameters=report["parameters"],
        content=report,
        content_bytes=content,
        sha256=digest,
        published_by=acting_user if getattr(acting_user, "pk", None) else None,
        published_by_username=acting_user.get_username(),
        published_by_name=(getattr(acting_user, "get_full_name", lambda: "")() or "").strip()
        or acting_user.get_username(),
    )


@transaction.atomic
def report_withdraw(*, snapshot: PublishedReport, reason: str, acting_user) -> PublishedReport:
    """Mark a published snapshot withdrawn, with the reason. It stays listed and its files stay
    downloadable, marked withdrawn; nothing else of it changes."""
    from django.utils import timezone

    require(acting_user, snapshot, "reports.withdraw_report")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for withdrawing the report; board "
                                         "members will read it beside the report."})
    if problem := immigration_status_error(reason):
        raise ValidationError({"reason": problem})
    if len(reason) > 2000:
        raise ValidationError({"reason": "Shorten the reason to at most 2,000 characters."})
    locked = PublishedReport.objects.select_for_update().get(pk=snapshot.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError({"reason": "This report was already withdrawn on "
                                         f"{locked.withdrawn_at:%Y-%m-%d}."})
    name = (getattr(acting_user, "get_full_name", lambda: "")() or "").strip()
    PublishedReport.objects.filter(pk=locked.pk).update(
        withdrawn_at=timezone.now(), withdrawn_reason=reason,
        withdrawn_by=acting_user if getattr(acting_user, "pk", None) else None,
        withdrawn_by_name=name or acting_user.get_username(),
    )
    return PublishedReport.objects.get(pk=locked.pk)


@transaction.atomic
def report_publish_once(*, report: dict, acting_user, title: str = ""
                        ) -> tuple[PublishedReport, bool]:
    """Publish unless a snapshot (not withdrawn) already holds the same parameters and
    figures: (snapshot, created). On PostgreSQL a transaction lock on the content key makes
    two simultaneous publications of the same figures wait for each other, so the second
    finds the first instead of making a duplicate."""
    from django.db import connection

    from .models import content_key
    from .selectors import identical_snapshot

    key = content_key(report)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])
    existing = identical_snapshot(report)
    if existing is not None:
        return existing, False
    return report_publish(report=report, acting_user=acting_user, title=title), True
