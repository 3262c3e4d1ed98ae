"""`manage.py import_csv KIND FILE [--dry-run]` (docs/formats.md).

It lives in reports, the top layer, so it sees every app's importers: interactions' kinds and
reports' own (`enrollment`). All or nothing; every error as `line N, column C: message`."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

import interactions.importers
import reports.importers
from interactions.importers import Progress, run_import

ORDER = ["schools", "agencies", "officers", "roster", "enrollment", "interactions"]


def kinds() -> dict:
    merged = {**interactions.importers.KINDS, **reports.importers.KINDS}
    known = {k: merged[k] for k in ORDER if k in merged}
    return {**known, **merged}


class Command(BaseCommand):
    help = "Import a CSV file (UTF-8, header row). Nothing is written unless every row is valid."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(kinds()), metavar="KIND",
                            help="One of: " + ", ".join(kinds()))
        parser.add_argument("file", metavar="FILE", help="CSV file; - for standard input")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check every row and report; write nothing.")
        parser.add_argument("--progress", action="store_true",
                            help="Show progress on standard error even when it is not a terminal.")

    def handle(self, *args, kind, file, dry_run, progress, **options):
        importer = kinds()[kind]
        try:
            if file == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as fh:
                    data = fh.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.", returncode=1) from exc

        stderr = self.stderr._out
        show = progress or (hasattr(stderr, "isatty") and stderr.isatty())
        try:
            result = run_import(
                importer, data, dry_run=dry_run, progress=Progress(stderr, enabled=show)
            )
        except IntegrityError as exc:
            # Another import committed the same natural keys between our checks and our write;
            # our transaction rolled back whole.
            raise CommandError(
                "Another import wrote the same records at the same time; nothing from "
                f"{file} was written. Run it again.", returncode=1,
            ) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} error(s) in {file}; nothing was written.", returncode=1
            )
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.rows} rows of {kind} are valid; would create "
                f"{result.counts.created}, update up to {result.counts.updated}. "
                "Nothing was written."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{kind}: {result.counts} ({result.rows} rows)."))
