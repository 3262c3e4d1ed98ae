"""The disclosure log of one student as rows and as a PDF, in a chosen language: the
custodian's export and the copy a family receives share it."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Student
from .selectors import disclosure_log

LOG_COLUMNS = [
    _("Recorded"), _("Entry"), _("Basis"), _("Requester"), _("Agency"), _("Records"),
    _("Legitimate interest"), _("Decided by"), _("Access given on"), _("Further parties"),
    _("Note"), _("Corrects entry"), _("Recorded by"),
]
# Percent of the page per column (# first): room for the free-text columns.
WIDTHS = [3, 8, 6, 8, 8, 8, 10, 10, 8, 6, 7, 6, 5, 7]


def log_rows(entries) -> list[list[str]]:
    rows = []
    for entry in entries:
        rows.append([
            f"{timezone.localtime(entry.recorded_at):%Y-%m-%d %H:%M}",
            str(entry.get_kind_display()),
            str(entry.get_basis_display()) if entry.basis else "",
            entry.requester,
            entry.agency,
            entry.records,
            entry.legitimate_interest,
            entry.decided_by,
            entry.access_date.isoformat() if entry.access_date else "",
            entry.further_parties,
            entry.note,
            str(entry.corrects_id or ""),
            entry.recorded_by_username,
        ])
    return rows


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"The disclosure log PDF loads no external resources ({url}).")


def disclosure_log_pdf_bytes(student: Student, *, user, produced_by: str,
                             language: str | None = None) -> bytes:
    """The student's disclosure log entries that `user` may see, as a tagged PDF (PDF/UA), in
    `language` (default: the active one)."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is asked for

    with translation.override(language or translation.get_language()):
        entries = list(disclosure_log(student, user))
        html = render_to_string(
            "interactions/records/disclosure_log_pdf.html",
            {
                "student": student,
                "entries": zip(entries, log_rows(entries), strict=True),
                "columns": [str(c) for c in LOG_COLUMNS],
                "widths": WIDTHS,
                "generated_at": timezone.localtime(),
                "produced_by": produced_by,
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
    # The template inlines its CSS and links nothing: WeasyPrint never calls the app over HTTP.
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(pdf_variant=settings.PDF_VARIANT)
