"""`make bench-oneroster`: generate a OneRoster 1.1 bundle of N students (default 50,000) and
time `import_oneroster` on it: the first import (everything created), then the same bundle
again (nothing changes). Goal: under 2 minutes for 50,000 students on PostgreSQL.

The generated schools use CDS codes starting 99 and students IDs starting B, in school year
2030-31, so they cannot meet real data; everything is rolled back at the end unless --keep."""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from interactions.oneroster import FILES, import_bundle

T = "2030-06-30T08:00:00.000Z"
SEXES = ["male", "female"]
GRADES = ["09", "10", "11", "12"]


class Rollback(Exception):
    pass


def generate(directory: Path, students: int, schools: int, classes_per_student: int = 4) -> None:
    rng = random.Random(3515)
    rows: dict[str, list[list[str]]] = {name: [] for name in FILES}
    rows["manifest.csv"] = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]] + [
        [f"file.{n.removesuffix('.csv')}", "bulk"] for n in FILES if n != "manifest.csv"
    ]
    rows["orgs.csv"].append(["bench-d", "active", T, "Bench Unified", "district", "9999999", ""])
    for s in range(schools):
        rows["orgs.csv"].append([f"bench-s{s}", "active", T, f"Bench High School {s}", "school",
                                 f"99{s:012d}", "bench-d"])
    rows["academicSessions.csv"] += [
        ["bench-y", "active", T, "2030-31", "schoolYear", "2030-08-14", "2031-06-06", "", "2031"],
        ["bench-t1", "active", T, "Fall", "semester", "2030-08-14", "2030-12-19", "bench-y",
         "2031"],
        ["bench-t2", "active", T, "Spring", "semester", "2031-01-06", "2031-06-06", "bench-y",
         "2031"],
    ]
    per_school = 40
    for s in range(schools):
        for c in range(per_school):
            rows["classes.csv"].append([
                f"bench-c{s}-{c}", "active", T, f"Class {c}", "", f"crs-{c}", f"C{c}",
                "scheduled", "", f"bench-s{s}", "bench-t1,bench-t2", "", "", "",
            ])
    for n in range(students):
        s = n % schools
        sid = f"bench-u{n}"
        rows["users.csv"].append([
            sid, "active", T, "true", f"bench-s{s}", "student", f"b{n}", "", f"Given{n}",
            f"Family{n}", "", f"B{n:07d}", "", "", "", "", rng.choice(GRADES), "",
        ])
        for c in rng.sample(range(per_school), classes_per_student):
            rows["enrollments.csv"].append([
                f"bench-e{n}-{c}", "active", T, f"bench-c{s}-{c}", f"bench-s{s}", sid,
                "student", "false", "2030-08-14", "",
            ])
        flags = ["true" if rng.random() < 0.2 else "false" for _ in range(6)]
        birth = f"{rng.randint(2012, 2016)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        rows["demographics.csv"].append([
            sid, "active", T, birth,
            rng.choice(SEXES), *flags, rng.choice(["true", "false"]), "", "", "", "",
        ])
    for name, header in FILES.items():
        with open(directory / name, "w", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows[name])


class Command(BaseCommand):
    help = "Time import_oneroster on a generated bundle (default 50,000 students)."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=50_000)
        parser.add_argument("--schools", type=int, default=60)
        parser.add_argument("--keep", action="store_true",
                            help="commit the imported data instead of rolling it back")

    def handle(self, *args, students, schools, keep, **options):
        if connection.vendor != "postgresql":
            self.stderr.write(f"Note: this database is {connection.vendor}; the goal is stated "
                              "for PostgreSQL (set DATABASE_URL).")
        with tempfile.TemporaryDirectory() as tmp:
            bundle = Path(tmp)
            started = time.perf_counter()
            generate(bundle, students, schools)
            self.stdout.write(f"Generated {students:,} students, "
                              f"{students * 4:,} enrollments in "
                              f"{time.perf_counter() - started:.1f} s.")
            try:
                with transaction.atomic():
                    first, took = self._timed(bundle)
                    self.stdout.write(f"First import: {took:.1f} s ({first.outcome.students})")
                    again, took_again = self._timed(bundle)
                    self.stdout.write(f"Same bundle again: {took_again:.1f} s "
                                      f"({again.outcome.students})")
                    if not keep:
                        raise Rollback
            except Rollback:
                self.stdout.write("Rolled back (use --keep to commit).")
        goal = "within" if took < 120 else "OVER"
        self.stdout.write(f"oneroster: {students:,} students imported in {took:.1f} s "
                          f"({goal} the 2-minute goal).")
        if took >= 120:
            raise CommandError("The import took longer than 2 minutes.")

    def _timed(self, bundle: Path):
        started = time.perf_counter()
        report = import_bundle(bundle, school_year="2030-31")
        took = time.perf_counter() - started
        if report.errors:
            raise CommandError("\n".join(str(e) for e in report.errors[:20]))
        return report, took
