"""`manage.py board_report (--school-year 2025-26 | --from DATE --to DATE) [--school CDS ...]
[--unsuppressed] [--min-cell 10] [--language en|es] --format json|csv|xlsx|pdf --output PATH`
(docs/formats.md).

Runs as the system (every school). The period must lie in one school year. `--output -`
writes text formats (json, csv) to standard output."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports import exports
from reports.selectors import PeriodError, board_report, system_user
from sro_program.models import School


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date like 2025-09-30.") from None


class Command(BaseCommand):
    help = "Write the board report (suppressed unless --unsuppressed) as JSON, CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--school-year", help="e.g. 2025-26 (July 1 to June 30)")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--school", action="append", default=[], metavar="CDS",
                            help="a school's CDS code; repeat for several (default: all)")
        parser.add_argument("--unsuppressed", action="store_true",
                            help="every count shown; the output is marked CONFIDENTIAL")
        parser.add_argument("--min-cell", type=int, default=None,
                            help="suppress counts from 1 to this (default REPORT_MIN_CELL)")
        parser.add_argument("--published", type=int, metavar="ID",
                            help="write this published snapshot instead of building a report")
        parser.add_argument("--format", required=True, choices=list(exports.FORMATS))
        parser.add_argument("--language", default="en",
                            choices=[code for code, _ in settings.LANGUAGES],
                            help="language of the PDF, XLSX and CSV labels (default en)")
        parser.add_argument("--output", required=True,
                            help="file to write; - for standard output (json, csv)")

    def handle(self, *args, **o):
        if o["published"] is not None:
            return self._published(o)
        if o["school_year"] and (o["date_from"] or o["date_to"]):
            raise CommandError("Give either --school-year or --from and --to, not both.")
        if not o["school_year"] and not (o["date_from"] and o["date_to"]):
            raise CommandError("Give --school-year, or both --from and --to.")
        if o["min_cell"] is not None and o["min_cell"] < 0:
            raise CommandError("--min-cell must not be negative.")
        fmt, output = o["format"], o["output"]
        if output == "-" and fmt not in ("json", "csv"):
            raise CommandError(f"{fmt} is binary; give a file with --output.")
        if o["school"]:
            known = set(School.objects.filter(cds_code__in=o["school"])
                        .values_list("cds_code", flat=True))
            unknown = [c for c in o["school"] if c not in known]
            if unknown:
                raise CommandError(f"Unknown school CDS code: {', '.join(unknown)}.")
        try:
            report = board_report(
                user=system_user(),
                school_year=o["school_year"],
                date_from=_date(o["date_from"]) if o["date_from"] else None,
                date_to=_date(o["date_to"]) if o["date_to"] else None,
                schools=o["school"] or None,
                unsuppressed=o["unsuppressed"],
                min_cell=o["min_cell"],
            )
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        with translation.override(o["language"]):
            content = exports.render(report, fmt)
        if output == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        with open(output, "wb") as fh:
            fh.write(content)
        marking = " (CONFIDENTIAL: unsuppressed)" if o["unsuppressed"] else ""
        self.stderr.write(f"Wrote {fmt} to {output}{marking}.")

    def _published(self, o):
        """A published snapshot's file: JSON is the exact published bytes; the other formats
        are rendered from them, as the published page's downloads are."""
        from reports.models import PublishedReport

        if o["school_year"] or o["date_from"] or o["date_to"] or o["school"] or \
                o["unsuppressed"] or o["min_cell"] is not None:
            raise CommandError("--published writes a snapshot as published: give no period, "
                               "school, --unsuppressed or --min-cell with it.")
        snapshot = PublishedReport.objects.filter(pk=o["published"]).first()
        if snapshot is None:
            raise CommandError(f"--published: no published report with id {o['published']}.")
        fmt, output = o["format"], o["output"]
        if output == "-" and fmt not in ("json", "csv"):
            raise CommandError(f"{fmt} is binary; give a file with --output.")
        if fmt == "json":
            content = snapshot.exact_bytes()
        else:
            import json

            content = exports.render(json.loads(snapshot.exact_bytes()), fmt, published={
                "at": snapshot.published_at, "by": snapshot.publisher_name,
                "sha256": snapshot.sha256})
        if output == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        with open(output, "wb") as fh:
            fh.write(content)
        self.stderr.write(f"Wrote published report {snapshot.pk} as {fmt} to {output}.")
