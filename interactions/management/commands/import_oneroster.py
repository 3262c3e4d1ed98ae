"""`manage.py import_oneroster BUNDLE.zip|DIR [--school-year 2025-26] [--dry-run]
[--with-staff] [--supplement ROSTER.csv] [--progress]` (docs/oneroster.md).

All or nothing: every error is printed as `FILE line N, column C: message` and nothing is
written. A dry run prints what the import would do."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from interactions.importers import Progress
from interactions.oneroster import import_bundle


class Command(BaseCommand):
    help = "Import a OneRoster 1.1 CSV bundle (zip or directory): schools, students, enrollment."

    def add_arguments(self, parser):
        parser.add_argument("bundle", metavar="BUNDLE", help="a .zip file or a directory")
        parser.add_argument("--school-year", help="e.g. 2025-26 (default: the bundle's only "
                                                  "school year)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check everything and say what would change; write nothing")
        parser.add_argument("--with-staff", action="store_true",
                            help="create inactive staff accounts for teachers and administrators")
        parser.add_argument("--supplement", metavar="CSV",
                            help="disability, EL, foster, homeless and SED in the roster CSV "
                                 "format (import_csv roster)")
        parser.add_argument("--progress", action="store_true",
                            help="show progress on standard error even when not a terminal")

    def handle(self, *args, bundle, school_year, dry_run, with_staff, supplement, progress,
               **options):
        path = Path(bundle)
        if not path.exists():
            raise CommandError(f"{bundle}: no such file or directory.")
        extra = None
        if supplement:
            try:
                extra = Path(supplement).read_bytes()
            except OSError as exc:
                raise CommandError(f"{supplement}: {exc.strerror}.") from None
        meter = Progress(self.stderr._out, enabled=progress or sys.stderr.isatty())
        try:
            report = import_bundle(path, school_year=school_year, dry_run=dry_run,
                                   with_staff=with_staff, supplement=extra, progress=meter)
        except IntegrityError:
            raise CommandError(
                "Another import wrote some of the same records at the same time; nothing was "
                "written. Run the import again.") from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(report.errors)} error(s) in {bundle}; nothing was written.")
        if dry_run:
            self.stdout.write(f"Dry run of {bundle} for {report.plan.school_year}: nothing was "
                              "written. The import would do:")
        else:
            self.stdout.write(f"Imported {bundle} for {report.plan.school_year}:")
        for line in report.outcome.lines(report.plan, with_staff=with_staff):
            self.stdout.write(f"  {line}")
