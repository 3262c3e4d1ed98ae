"""What the public pages show of published reports: only what each snapshot's JSON bytes
hold, read once and kept in the cache. No live report query is ever made here."""

from __future__ import annotations

import copy
import json

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from reports import exports
from reports.display import report_context
from reports.labels import humanize_code
from reports.models import PublishedReport

PUBLIC_FORMATS = ("pdf", "csv", "json")
LIST_FIELDS = ("pk", "title", "sha256", "published_at")


def withdrawal(snapshot) -> dict | None:
    """{'at', 'reason'} when the snapshot was withdrawn (the field may not exist yet)."""
    at = getattr(snapshot, "withdrawn_at", None)
    if at is None and not getattr(snapshot, "withdrawn", False):
        return None
    reason = (getattr(snapshot, "withdrawal_reason", "")
              or getattr(snapshot, "withdrawn_reason", "") or "")
    return {"at": at, "reason": reason}


def _withdrawal_fields() -> list[str]:
    names = {f.name for f in PublishedReport._meta.get_fields()}
    return [n for n in ("withdrawn_at", "withdrawn", "withdrawal_reason", "withdrawn_reason")
            if n in names]


def published_list() -> list[dict]:
    """Every published snapshot, newest first: title, date, digest, withdrawal."""
    key = "public:list"
    rows = cache.get(key)
    if rows is None:
        rows = []
        for snapshot in PublishedReport.objects.only(*LIST_FIELDS, *_withdrawal_fields()):
            rows.append({"pk": snapshot.pk, "title": snapshot.title,
                         "sha256": snapshot.sha256, "published_at": snapshot.published_at,
                         "withdrawn": withdrawal(snapshot)})
        cache.set(key, rows, settings.PUBLIC_CACHE_SECONDS)
    return rows


def snapshot_bytes(pk: int) -> tuple[dict, bytes] | None:
    """(list row, exact JSON bytes) of one snapshot, or None."""
    key = f"public:bytes:{pk}"
    found = cache.get(key)
    if found is None:
        snapshot = (PublishedReport.objects.filter(pk=pk)
                    .only(*LIST_FIELDS, "content_bytes", "published_by_name",
                          "published_by_username", *_withdrawal_fields()).first())
        if snapshot is None:
            return None
        row = {"pk": snapshot.pk, "title": snapshot.title, "sha256": snapshot.sha256,
               "published_at": snapshot.published_at, "withdrawn": withdrawal(snapshot),
               "by": snapshot.published_by_name or snapshot.published_by_username}
        found = (row, snapshot.exact_bytes())
        cache.set(key, found, settings.PUBLIC_CACHE_SECONDS)
    return found


def _offline(report: dict) -> dict:
    """A copy whose every label can be shown without the database: training topics the
    snapshot does not name are shown from their codes."""
    report = copy.deepcopy(report)
    for officer in (report.get("compliance") or {}).get("officers") or []:
        if "missing_training_topics" not in officer:
            officer["missing_training_topics"] = [
                {"code": code, "label": humanize_code(code)}
                for code in officer.get("missing_training") or []
            ]
    return report


def summary_points(report: dict) -> list[str]:
    """The executive summary the snapshot holds (key `summary`), as a list of sentences;
    empty when the snapshot has none (the page then shows the totals table)."""
    summary = report.get("summary")
    if isinstance(summary, str):
        return [summary]
    if isinstance(summary, dict):
        for key in ("points", "paragraphs", "sentences", "items"):
            if isinstance(summary.get(key), list):
                summary = summary[key]
                break
        else:
            return [str(v) for v in summary.values() if isinstance(v, str)]
    if isinstance(summary, list):
        return [item if isinstance(item, str) else str(item.get("text", ""))
                for item in summary if isinstance(item, (str, dict))]
    return []


def public_report(pk: int) -> dict | None:
    """Everything the public report page shows, in the active language, from the bytes."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    found = snapshot_bytes(pk)
    if found is None:
        return None
    row, content = found
    key = f"public:context:{row['sha256']}:{language}"
    context = cache.get(key)
    if context is None:
        report = _offline(json.loads(content))
        context = report_context(report)
        context.pop("report", None)
        context["summary_points"] = summary_points(report)
        cache.set(key, context, settings.PUBLIC_CACHE_SECONDS)
    return {**context, "snapshot": row}


def public_download(pk: int, fmt: str) -> tuple[bytes, str] | None:
    """(bytes, file name): the JSON exactly as published; CSV and PDF rendered from it."""
    found = snapshot_bytes(pk)
    if found is None or fmt not in PUBLIC_FORMATS:
        return None
    row, content = found
    report = json.loads(content)
    name = exports.filename(report, fmt, prefix=f"published-{pk}")
    if fmt == "json":
        return content, name
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"public:file:{row['sha256']}:{fmt}:{language}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = exports.render(_offline(report), fmt, published={
            # No staff names on public pages: the district publishes.
            "at": row["published_at"], "by": gettext("the district"), "sha256": row["sha256"],
        })
        cache.set(key, rendered, settings.PUBLIC_CACHE_SECONDS)
    return rendered, name
