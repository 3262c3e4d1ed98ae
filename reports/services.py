"""Writes of the reports app: publishing an immutable, suppressed snapshot."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from .exports import to_json_bytes
from .models import PublishedReport


def report_title(report: dict) -> str:
    from .display import format_date

    p = report["parameters"]
    return (f"SRO interactions {p['school_year']} "
            f"({format_date(p['date_from'])} to {format_date(p['date_to'])})")


def _comparable(content: dict) -> dict:
    """A report's content without what changes between two builds of the same figures."""
    out = dict(content)
    out.pop("generated_at", None)
    out["parameters"] = {k: v for k, v in content["parameters"].items()
                         if k not in ("audited_with", "disclosure_statement")}
    return out


@transaction.atomic
def report_publish(*, acting_user, report: dict | None = None, raw: dict | None = None,
                   title: str = "") -> PublishedReport:
    """Publish a board report as an immutable snapshot (exact JSON bytes and their SHA-256).

    With `raw` (the unsuppressed report of selectors.report_for_publishing), the report is
    suppressed and audited together with every snapshot already published for the same school
    year (docs/methods.md, "Across publications"), withholding more until the joint audit
    passes; earlier snapshots never change. The audit is stored on the snapshot. When the
    audit cannot be completed (solver failure or time-out), nothing is stored and a
    ValidationError says why. Publishing the same parameters and figures again returns the
    earlier snapshot.

    With `report` (an already suppressed report) the bytes are stored as given, unaudited.
    """
    if not acting_user.has_perm("reports.publish_report"):
        raise PermissionDenied("Publishing a board report needs the permission to publish.")
    if raw is not None:
        return _publish_audited(raw, acting_user, title)
    if report is None:
        raise ValidationError("Give the report to publish.")
    if not report["parameters"].get("suppressed"):
        raise ValidationError("Only a suppressed report can be published.")
    return _store(report, acting_user, title, record=None)


def _publish_audited(raw: dict, acting_user, title: str) -> PublishedReport:
    from .compute import suppress_report_audited
    from .disclosure import AuditError

    params = raw["parameters"]
    if params.get("suppressed"):
        raise ValidationError("Publishing audits the unsuppressed report: give raw=, not an "
                              "already suppressed report.")
    k = params["min_cell"]
    earlier = list(
        PublishedReport.objects.filter(parameters__school_year=params["school_year"])
        .order_by("pk")
    )
    # Same period, schools and k: publishing those figures again returns that snapshot.
    same = [s for s in earlier if all(s.parameters.get(f) == params.get(f) for f in
                                      ("date_from", "date_to", "schools", "min_cell"))]
    others = [s for s in earlier if s not in same]
    try:
        published, record = suppress_report_audited(
            raw, k, earlier=[(s.content, s.audit or {}) for s in others],
            earlier_ids=[s.pk for s in others],
        )
        target = _comparable(published)
        for snapshot in reversed(same):
            if _comparable(snapshot.content) == target:
                return snapshot
        if same:  # the figures changed since: audit with those snapshots too
            published, record = suppress_report_audited(
                raw, k, earlier=[(s.content, s.audit or {}) for s in earlier],
                earlier_ids=[s.pk for s in earlier],
            )
    except AuditError as exc:
        raise ValidationError(f"The report was not published: {exc}") from None
    return _store(published, acting_user, title, record=record)


def _store(report: dict, acting_user, title: str, record: dict | None) -> PublishedReport:
    content = to_json_bytes(report)
    digest = hashlib.sha256(content).hexdigest()
    existing = PublishedReport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create_snapshot(report, content, digest, acting_user, title, record)
    except IntegrityError:
        # The same bytes were published by someone else a moment ago: that is this snapshot.
        return PublishedReport.objects.get(sha256=digest)


def _create_snapshot(report: dict, content: bytes, digest: str, acting_user,
                     title: str, record: dict | None) -> PublishedReport:
    audit_fields = {}
    if record is not None:
        audit_fields = {
            "counts_withheld": record["counts_withheld"],
            "narrowest_interval": record["narrowest_interval"],
            "audited_with": record["audited_with"],
            "solver_seconds": record["solver_seconds"],
            "audit": record,
        }
    return PublishedReport.objects.create(
        **audit_fields,
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
