"""Writes of the reports app: publishing an immutable, suppressed snapshot."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from authz.core import require
from core.text_guard import check_guarded_fields, immigration_status_error

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


@dataclass
class Publication:
    """What publishing a report would store: the suppressed report audited jointly with the
    school year's snapshots, its audit record, and the snapshot that already holds the same
    parameters and figures (publishing again lands there)."""

    report: dict
    record: dict
    existing: PublishedReport | None = None

    @property
    def audit_line(self) -> str:
        return audit_summary(self.record, self.report["parameters"]["min_cell"])


def audit_summary(record: dict | None, k: int) -> str:
    """One line: what the disclosure audit found (the confirmation page, the published page
    and `publish_report` print it)."""
    if not record:
        return _("Privacy audit: none (published before the disclosure audit)")
    if not record.get("small_counts_withheld"):
        narrowest = _("no count of 1..%(k)s withheld") % {"k": k}
    elif record.get("narrowest_interval") is None:
        narrowest = _("every withheld count of 1..%(k)s unbounded") % {"k": k}
    else:
        narrowest = _("narrowest range of a withheld count of 1..%(k)s: %(width)s") % {
            "k": k, "width": record["narrowest_interval"]}
    before = len(record.get("narrowed_before") or ())
    if before:
        narrowest += "; " + ngettext(
            "%(n)s count already narrowed by earlier reports, narrowed no further",
            "%(n)s counts already narrowed by earlier reports, narrowed no further",
            before) % {"n": before}
    with_ = ", ".join(str(i) for i in record.get("audited_with") or []) or _("none")
    return _("Privacy audit: %(withheld)s counts withheld; %(narrowest)s; audited with "
             "snapshots: %(with)s; solver %(seconds).2f s") % {
        "withheld": record["counts_withheld"], "narrowest": narrowest, "with": with_,
        "seconds": record["solver_seconds"]}


def publication_preview(*, raw: dict, acting_user) -> Publication:
    """Suppress and audit `raw` (the unsuppressed report of selectors.report_for_publishing)
    together with every snapshot already published for the same school year (docs/methods.md,
    "Across publications"), withholding more until the joint audit passes; earlier snapshots
    never change. Nothing is stored. When the audit cannot be completed (solver failure or
    time-out) a ValidationError says why."""
    from .disclosure import AuditError

    if not acting_user.has_perm("reports.publish_report"):
        raise PermissionDenied("Publishing a board report needs the permission to publish.")
    params = raw["parameters"]
    if params.get("suppressed"):
        raise ValidationError("Publishing audits the unsuppressed report: give raw=, not an "
                              "already suppressed report.")
    k = params["min_cell"]
    # Withdrawn snapshots stay downloadable, so they are audited with the new one too.
    earlier = [
        s for s in PublishedReport.objects.filter(parameters__school_year=params["school_year"])
        .order_by("pk") if isinstance(s.content, dict) and "parameters" in s.content
    ]
    # Same period, schools and k: publishing those figures again returns that snapshot.
    same = [s for s in earlier if s.withdrawn_at is None and all(
        s.parameters.get(f) == params.get(f)
        for f in ("date_from", "date_to", "schools", "min_cell"))]
    others = [s for s in earlier if s not in same]
    try:
        published, record = _audited(raw, k, others)
        target = _comparable(published)
        for snapshot in reversed(same):
            if _comparable(snapshot.content) == target:
                return Publication(published, record, existing=snapshot)
        if same:  # the figures changed since: audit with those snapshots too
            published, record = _audited(raw, k, earlier)
    except AuditError as exc:
        raise ValidationError(f"The report was not published: {exc}") from None
    return Publication(published, record)


AUDIT_CACHE_SECONDS = 600


def _audited(raw: dict, k: int, snapshots: list) -> tuple[dict, dict]:
    """suppress_report_audited of `raw` with `snapshots`, remembered in the default cache by
    the hash of its input (the unsuppressed figures, k, and the earlier snapshots' ids, content
    and audit): the preview and the publishing that confirms it audit once. Only the moment
    the report was computed is left out of the key, and set afresh on the copy returned."""
    import json

    from django.core.cache import cache

    from .compute import suppress_report_audited

    body = {key: value for key, value in raw.items() if key != "generated_at"}
    given = [(s.pk, s.content, s.audit or {}) for s in snapshots]
    text = json.dumps([k, body, given], sort_keys=True, default=str, allow_nan=False)
    key = "report-audited:" + hashlib.sha256(text.encode()).hexdigest()
    hit = cache.get(key)  # a fresh copy: the cache stores it pickled
    if hit is not None:
        published, record = hit
        if "generated_at" in raw:
            published["generated_at"] = raw["generated_at"]
        return published, record
    published, record = suppress_report_audited(
        raw, k, earlier=[(s.content, s.audit or {}, _recomputed(s)) for s in snapshots],
        earlier_ids=[s.pk for s in snapshots])
    cache.set(key, (published, record), AUDIT_CACHE_SECONDS)
    return published, record


def _recomputed(snapshot) -> dict | None:
    """The unsuppressed report of an earlier snapshot's parameters, computed again now: the
    joint audit takes the values the snapshot withheld from it when it still shows the same
    figures (disclosure._hidden_truth). Never shown; None when it cannot be computed."""
    import datetime as dt

    from .selectors import report_for_publishing, system_user

    p = snapshot.content.get("parameters") or {}
    try:
        return report_for_publishing(
            user=system_user(), date_from=dt.date.fromisoformat(p["date_from"]),
            date_to=dt.date.fromisoformat(p["date_to"]), schools=list(p["schools"]),
            min_cell=p.get("min_cell"))
    except (KeyError, TypeError, ValueError, ValidationError):
        return None


@transaction.atomic
def report_publish(*, acting_user, report: dict | None = None, raw: dict | None = None,
                   title: str = "") -> PublishedReport:
    """Publish a board report as an immutable snapshot (exact JSON bytes and their SHA-256).

    With `raw`, the report is suppressed and audited as `publication_preview` says, and the
    audit is stored on the snapshot; publishing the same parameters and figures again returns
    the earlier snapshot. With `report` (an already suppressed report) the bytes are stored as
    given, unaudited.
    """
    if not acting_user.has_perm("reports.publish_report"):
        raise PermissionDenied("Publishing a board report needs the permission to publish.")
    check_guarded_fields(PublishedReport(title=title))
    if raw is not None:
        publication = publication_preview(raw=raw, acting_user=acting_user)
        return publication.existing or _store(publication.report, acting_user, title,
                                              record=publication.record)
    if report is None:
        raise ValidationError("Give the report to publish.")
    if not report["parameters"].get("suppressed"):
        raise ValidationError("Only a suppressed report can be published.")
    return _store(report, acting_user, title, record=None)


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
    if record:
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
def report_publish_once(*, publication: Publication, acting_user, title: str = ""
                        ) -> tuple[PublishedReport, bool]:
    """Store a confirmed publication unless a snapshot (not withdrawn) already holds the same
    parameters and figures: (snapshot, created). On PostgreSQL a transaction lock on the
    content key makes two simultaneous publications of the same figures wait for each other,
    so the second finds the first instead of making a duplicate."""
    from django.db import connection

    from .models import content_key
    from .selectors import identical_snapshot

    if not acting_user.has_perm("reports.publish_report"):
        raise PermissionDenied("Publishing a board report needs the permission to publish.")
    check_guarded_fields(PublishedReport(title=title))
    if publication.existing is not None:
        return publication.existing, False
    key = content_key(publication.report)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])
    existing = identical_snapshot(publication.report)
    if existing is not None:
        return existing, False
    return _store(publication.report, acting_user, title, record=publication.record), True
