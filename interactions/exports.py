"""CSV export of interactions, safe to open in a spreadsheet.

`safe_cell` defuses formula injection (OWASP "CSV injection"): a cell that a spreadsheet would
read as a formula or a command gets a leading single quote. Other exports reuse it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.functional import Promise

from .models import Interaction

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The columns of `import_csv interactions` first (an export can be re-read), then the record's
# own state.
COLUMNS = [
    "external_id", "occurred_at", "school_cds", "student_id", "officer_badge", "agency_ori",
    "location", "initiated_by", "requested_by_role", "reason", "outcomes", "force_types",
    "injury", "de_escalation", "justification", "narrative",
    "id", "school_year", "status", "outside_sro_role", "use_of_force", "gc12525_reportable",
    "voided", "void_reason", "logged_by", "created_at",
]  # fmt: skip


def safe_cell(value):
    """The value, with a leading `'` when it is text that a spreadsheet would treat as a
    formula (it begins with = + - @, a tab or a carriage return). A translated label becomes
    text in the active language; other non-text passes through."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def interaction_row(i: Interaction) -> list:
    yn = {True: "Y", False: "N"}
    return [
        i.external_id or "",
        timezone.localtime(i.occurred_at).isoformat(),
        i.school.cds_code,
        i.student.student_id,
        i.officer.badge_number,
        i.officer.agency.ori,
        i.location,
        i.initiated_by,
        i.requested_by_role,
        i.reason,
        ";".join(i.outcomes),
        ";".join(i.force_types),
        i.injury,
        yn[i.de_escalation],
        i.justification,
        i.narrative,
        i.pk,
        i.school_year,
        i.status,
        yn[i.outside_sro_role],
        yn[i.use_of_force],
        yn[i.gc12525_reportable],
        yn[i.voided],
        i.void_reason,
        i.logged_by.get_username() if i.logged_by else "",
        timezone.localtime(i.created_at).isoformat(),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(queryset, chunk_size: int = 2000) -> Iterator[str]:
    """The export, one CSV line at a time, for a streaming response (a fixed number of
    queries per chunk; rows are never all in memory)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # BOM: spreadsheets then read UTF-8
    rows = queryset.select_related("school", "student", "officer__agency", "logged_by")
    for interaction in rows.iterator(chunk_size=chunk_size):
        yield writer.writerow(safe_row(interaction_row(interaction)))


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]
