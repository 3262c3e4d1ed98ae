"""Writes of the reports app: publishing an immutable, suppressed snapshot."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.text_guard import check_guarded_fields

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
