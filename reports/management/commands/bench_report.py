"""`make bench`: time the board report against hand-written SQL on PostgreSQL.

1. Seeds N interactions (default 1,000,000) with `seed_demo --force --interactions N`, unless
   the database already holds at least that many.
2. Times a one-school-year report rendered as JSON (best of 5, interleaved with the SQL),
   as the system user (unsuppressed: the disclosure audit is timed apart, step 5).
3. Counts its queries, for the year and for a short period of about 10,000 rows.
4. Times hand-written SQL on the same table, interleaved with the report: the same figures
   (every count the report takes: lines, months and incident counts, in one pass), and, for
   reference, the group counts only (instances and unduplicated students per dimension,
   group and measure), alone and with the months as a second query.
5. Times publishing the year (suppression with its disclosure audit), then the first half
   (audited with the year), one school (with both), and the second half with those three
   earlier snapshots, all rolled back.
Prints the timings and their ratios. Goals: within 1.3x of the hand SQL of the same figures
(and 2x of the group counts only), under 1 s, a constant
query count; audit + publish under 5 s (demo district) or 15 s (1,000,000 rows); joint audit
under 20 s."""

from __future__ import annotations

import datetime as dt
import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from interactions.codes import DIMENSIONS, FLAG_MEASURES
from interactions.models import Interaction
from reports.disclosure import complements_floor
from reports.exports import to_json_bytes
from reports.selectors import (
    board_report,
    period_bounds,
    report_counts,
    school_year_bounds,
    system_user,
)

DIMS = list(DIMENSIONS)


def _per_student_sql() -> str:
    """Per-student pre-aggregation, then GROUPING SETS over the dimensions: the fastest way we
    know to write these counts by hand."""
    flags = ",\n".join(f"count(*) FILTER (WHERE {m}) AS n_{m}" for m in FLAG_MEASURES)
    sums = ",\n".join(
        f"sum(n_{m}) AS i_{m}, count(*) FILTER (WHERE n_{m} > 0) AS s_{m}"
        for m in ["contact", *FLAG_MEASURES]
    )
    sets = ", ".join(f"({d})" for d in DIMS)
    return f"""
WITH s AS (
  SELECT student_id, school_id, {", ".join(DIMS)}, count(*) AS n_contact,
  {flags}
  FROM interactions_interaction
  WHERE school_year = %s AND status IN ('submitted', 'reviewed') AND NOT voided
    AND occurred_at >= %s AND occurred_at < %s
  GROUP BY student_id, school_id, {", ".join(DIMS)}
)
SELECT {", ".join(DIMS)}, {sums}
FROM s GROUP BY GROUPING SETS ({sets}, ())
"""


def _same_figures_sql() -> str:
    """Every count the report takes, written by hand as fast as we know how: one pass grouping
    the rows by student (with school and snapshot) and by month at once, with the compliance
    section's incident counts, then the report's lines summed from the per-student groups
    (the total, each school, each dimension's groups, school x race). Students are counted as
    per-student groups, which is exact when each student has one (the report checks that)."""
    incidents = [
        "gc12525_reportable", "injury IN ('serious', 'death')",
        "reason = 'code_of_conduct'", "reason = 'mental_health_crisis'", "de_escalation",
        "de_escalation AND use_of_force",
    ]
    flags = ", ".join(f"count(*) FILTER (WHERE {m}) AS n_{m}" for m in FLAG_MEASURES)
    extra = ", ".join(f"count(*) FILTER (WHERE {c}) AS c{i}" for i, c in enumerate(incidents))
    keys = ", ".join(["student_id", "school_id", *DIMS])
    measures = ["contact", *FLAG_MEASURES]
    sums = ", ".join(f"sum(n_{m}), count(*) FILTER (WHERE n_{m} > 0)" for m in measures)
    month_sums = ", ".join(f"n_{m}" for m in measures) + ", " + ", ".join(
        f"c{i}" for i in range(len(incidents)))
    sets = ", ".join(["()", "(school_id)", "(school_id, race_ethnicity)",
                      *[f"({d})" for d in DIMS]])
    return f"""
WITH s AS MATERIALIZED (
  SELECT {keys}, occurred_month, GROUPING(student_id) AS g, count(*) AS n_contact, {flags},
  {extra}
  FROM interactions_interaction
  WHERE school_year = %s AND status IN ('submitted', 'reviewed') AND NOT voided
    AND occurred_at >= %s AND occurred_at < %s
  GROUP BY GROUPING SETS (({keys}), (occurred_month))
)
SELECT 'line', school_id, {", ".join(DIMS)}, NULL::date, {sums}
FROM s WHERE g = 0 GROUP BY GROUPING SETS ({sets})
UNION ALL
SELECT 'month', NULL, {", ".join(["NULL"] * len(DIMS))}, occurred_month, {month_sums},
  {", ".join(["NULL"] * (len(measures) - len(incidents)))}
FROM s WHERE g = 1
"""


def _month_sql() -> str:
    """The months the report also counts (instances per measure and month, district time)."""
    flags = ", ".join(f"count(*) FILTER (WHERE {m})" for m in FLAG_MEASURES)
    return f"""
SELECT date_trunc('month', occurred_at AT TIME ZONE %s) AS month, count(*), {flags}
FROM interactions_interaction
WHERE school_year = %s AND status IN ('submitted', 'reviewed') AND NOT voided
  AND occurred_at >= %s AND occurred_at < %s
GROUP BY 1
"""


def _direct_sql() -> str:
    """The obvious hand-written version: COUNT(DISTINCT student) per measure, per dimension."""
    aggs = ",\n".join(
        f"count(*) FILTER (WHERE {m}), count(DISTINCT student_id) FILTER (WHERE {m})"
        for m in FLAG_MEASURES
    )
    parts = []
    for d in DIMS:
        parts.append(f"""
SELECT '{d}' AS dimension, {d} AS grp, count(*), count(DISTINCT student_id), {aggs}
FROM interactions_interaction
WHERE school_year = %s AND status IN ('submitted', 'reviewed') AND NOT voided
  AND occurred_at >= %s AND occurred_at < %s
GROUP BY {d}""")
    return "\nUNION ALL\n".join(parts)


def _best_of(n: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


class Command(BaseCommand):
    help = "Benchmark the board report against hand-written SQL (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--interactions", type=int, default=1_000_000)
        parser.add_argument("--students", type=int, default=20_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--allow-sqlite", action="store_true",
                            help="run on SQLite anyway (the figures mean little there)")
        parser.add_argument("--skip-direct", action="store_true",
                            help="skip the slow COUNT(DISTINCT) variant of the hand SQL")

    def handle(self, *args, **o):
        vendor = connection.vendor
        if vendor != "postgresql" and not o["allow_sqlite"]:
            raise CommandError(
                "The benchmark runs on PostgreSQL (set DATABASE_URL=postgres://...). "
                "Pass --allow-sqlite to run it on SQLite anyway."
            )
        have = Interaction.objects.count()
        if have < o["interactions"]:
            if have:
                raise CommandError(
                    f"The database holds {have:,} interactions, fewer than "
                    f"{o['interactions']:,}; use an empty database (or --interactions {have})."
                )
            self.stdout.write(f"Seeding {o['interactions']:,} interactions (seed_demo)…")
            start = time.perf_counter()
            call_command("seed_demo", "--force", "--interactions", str(o["interactions"]),
                         "--students", str(o["students"]), stdout=self.stdout)
            self.stdout.write(f"  seeded in {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE interactions_interaction") if vendor == "postgresql" \
                else None
        total = Interaction.objects.count()
        # The fullest school year: the year in progress has only part of its rows.
        year = (Interaction.objects.countable().values("school_year")
                .annotate(rows=Count("id")).order_by("-rows", "-school_year")
                .values_list("school_year", flat=True).first())
        first, last = school_year_bounds(year)
        year_rows = Interaction.objects.countable().filter(school_year=year).count()
        self.stdout.write(f"Database: {vendor}; {total:,} interactions; report year {year} "
                          f"({year_rows:,} countable rows).")
        user = system_user()

        def report():
            # The one-year report, unsuppressed and without the previous school year, as the
            # hand SQL computes it; the disclosure audit and the previous year are timed below.
            return to_json_bytes(board_report(user=user, school_year=year, unsuppressed=True,
                                              previous=False))

        report()  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            report()
        n_report = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            report_counts(user=user, date_from=first, date_to=last)
        n_counts_year = len(ctx.captured_queries)

        # A short period of about 10,000 rows for the query count at small scale.
        per_day = max(1, year_rows // 365)
        days = max(1, 10_000 // per_day)
        short_to = min(last, first + dt.timedelta(days=days + 60))  # summer is quiet
        start_at, end_at = period_bounds(first, short_to)
        short_rows = Interaction.objects.countable().filter(
            occurred_at__gte=start_at, occurred_at__lt=end_at).count()
        with CaptureQueriesContext(connection) as ctx:
            report_counts(user=user, date_from=first, date_to=short_to)
        n_counts_short = len(ctx.captured_queries)

        start_at, end_at = period_bounds(first, last)
        params = [year, start_at, end_at]

        def same_figures():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true), "
                               "set_config('jit', 'off', true)",
                               [getattr(settings, "REPORT_WORK_MEM", "64MB")])
                cursor.execute(_same_figures_sql(), params)
                return cursor.fetchall()

        def hand(with_months: bool = False):
            # The same session settings as the report's query: a fair comparison.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true), "
                               "set_config('jit', 'off', true)",
                               [getattr(settings, "REPORT_WORK_MEM", "64MB")])
                cursor.execute(_per_student_sql(), params)
                rows = cursor.fetchall()
                if with_months:
                    cursor.execute(_month_sql(), [settings.TIME_ZONE, *params])
                    rows += cursor.fetchall()
                return rows

        # Interleaved, so a busy moment on the machine hits both sides alike.
        t_report = t_hand = t_hand_months = t_counts = t_same = float("inf")
        if vendor == "postgresql":
            hand()
            same_figures()
        for _ in range(o["repeat"]):
            elapsed, content = _best_of(1, report)
            t_report = min(t_report, elapsed)
            if vendor == "postgresql":
                t_hand = min(t_hand, _best_of(1, hand)[0])
                t_hand_months = min(t_hand_months, _best_of(1, lambda: hand(True))[0])
                t_same = min(t_same, _best_of(1, same_figures)[0])
            t_counts = min(t_counts, _best_of(1, lambda: report_counts(
                user=user, date_from=first, date_to=last))[0])
        if vendor != "postgresql":
            t_hand = t_hand_months = t_same = float("nan")
        if vendor == "postgresql":
            # The hand SQL of the same figures must give the report's figures: its total line
            # (no school, no group) against the report's totals.
            import json

            total_row = next(r for r in same_figures()
                             if r[0] == "line" and all(v is None for v in r[1:2 + len(DIMS)]))
            totals = {t["measure"]: t for t in json.loads(content)["totals"]}
            for j, m in enumerate(["contact", *FLAG_MEASURES]):
                got = (int(total_row[3 + len(DIMS) + 2 * j]),
                       int(total_row[4 + len(DIMS) + 2 * j]))
                if got != (totals[m]["instances"], totals[m]["students"]):
                    raise CommandError(f"The hand SQL disagrees with the report on {m}: "
                                       f"{got} against {totals[m]}.")
        t_direct = float("nan")
        if vendor == "postgresql" and not o["skip_direct"]:
            def direct():
                with connection.cursor() as cursor:
                    cursor.execute(_direct_sql(), params * len(DIMS))
                    return cursor.fetchall()
            t_direct, _ = _best_of(1, direct)

        self.stdout.write("")
        self.stdout.write(f"Report, one school year, JSON ({len(content):,} bytes), best of "
                          f"{o['repeat']}: {t_report * 1000:.0f} ms")
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()")
                self.stdout.write(f"  ({cursor.fetchone()[0].split(',')[0]}; load average "
                                  f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        self.stdout.write(f"  of which the counts selector:            {t_counts * 1000:.0f} ms")
        t_with_previous, _ = _best_of(2, lambda: to_json_bytes(
            board_report(user=user, school_year=year)))
        self.stdout.write(f"  with the previous school year beside each entry: "
                          f"{t_with_previous * 1000:.0f} ms")
        self.stdout.write(f"Hand-written SQL (per-student + GROUPING SETS): "
                          f"{t_hand * 1000:.0f} ms")
        self.stdout.write(f"  the same, plus the monthly counts the report also takes: "
                          f"{t_hand_months * 1000:.0f} ms")
        self.stdout.write(f"Hand-written SQL, every count the report takes (lines, months, "
                          f"incidents; one pass): {t_same * 1000:.0f} ms")
        if t_direct == t_direct:
            self.stdout.write(f"Hand-written SQL (COUNT DISTINCT per dimension, once): "
                              f"{t_direct * 1000:.0f} ms")
        if t_hand == t_hand:
            self.stdout.write(f"Ratio report / hand SQL of the same figures: "
                              f"{t_report / t_same:.2f} (counts selector: "
                              f"{t_counts / t_same:.2f})")
            self.stdout.write(f"Ratio report / hand SQL of the groups only: "
                              f"{t_report / t_hand:.2f} "
                              f"(counts selector / hand SQL: {t_counts / t_hand:.2f}; "
                              f"report / hand SQL with months: "
                              f"{t_report / t_hand_months:.2f})")
        self.stdout.write(f"Queries: whole report {n_report}; counts selector {n_counts_year} "
                          f"at {year_rows:,} rows and {n_counts_short} at {short_rows:,} rows")
        goals = [
            ("report under 1 s", t_report < 1.0),
            ("constant query count", n_counts_year == n_counts_short),
        ]
        if year_rows >= 100_000:  # on a few hundred rows the fixed costs are all there is
            goals[:0] = [
                ("report within 1.3x of hand SQL of the same figures",
                 t_same == t_same and t_report <= 1.3 * t_same),
                ("report within 2x of hand SQL of the groups only",
                 t_hand == t_hand and t_report <= 2 * t_hand),
            ]
        goals += self._bench_audit(year, user)
        for name, ok in goals:
            self.stdout.write(f"  {'met' if ok else 'NOT met'}: {name}")

    def _bench_audit(self, year: str, user) -> list[tuple[str, bool]]:
        """Time the disclosure audit (docs/methods.md) when publishing: the year report alone,
        then, after a first half and one school are published, the second half audited with
        those three. Everything is rolled back: the database keeps no snapshot."""
        from reports.models import PublishedReport
        from reports.selectors import report_for_publishing
        from reports.services import report_publish

        first, last = school_year_bounds(year)
        half = dt.date(first.year, 12, 31)
        school = (Interaction.objects.countable().filter(school_year=year)
                  .values_list("school__cds_code", flat=True).first())
        times = {}
        with transaction.atomic():
            before = PublishedReport.objects.filter(parameters__school_year=year).count()
            raw = year_raw = report_for_publishing(user=user, school_year=year)
            start = time.perf_counter()
            year_snap = report_publish(raw=raw, acting_user=user)
            times["year"] = time.perf_counter() - start
            joint = None
            steps = {}
            try:
                for name, kwargs in (("half", {"date_from": first, "date_to": half}),
                                     ("school", {"school_year": year, "schools": [school]})):
                    raw = report_for_publishing(user=user, **kwargs)
                    start = time.perf_counter()
                    steps[name] = report_publish(raw=raw, acting_user=user)
                    times[name] = time.perf_counter() - start
                raw = report_for_publishing(user=user, date_from=half + dt.timedelta(days=1),
                                            date_to=last)
                start = time.perf_counter()
                joint = report_publish(raw=raw, acting_user=user)
                times["joint"] = time.perf_counter() - start
            except ValidationError as exc:
                refused = " ".join(exc.messages)
            transaction.set_rollback(True)
        self.stdout.write("")
        self.stdout.write(
            f"Disclosure audit + publish, year report: {times['year']:.2f} s "
            f"({year_snap.counts_withheld} counts withheld, narrowest range "
            f"{year_snap.narrowest_interval}, {year_snap.audit['linear_programs']} linear "
            f"programs, solver {year_snap.solver_seconds:.2f} s, complements "
            f"{year_snap.audit['complement_share']:.1%} of counts above k, "
            f"{len(year_snap.audit['expensive_withheld'])} reference-group or total figures "
            f"withheld; audited with {before} earlier snapshots)")
        floor = complements_floor(year_raw, year_snap.audit["protection"])
        if floor is not None:
            self.stdout.write(
                f"Information loss, year report: {year_snap.audit['complements_withheld']} of "
                f"{year_snap.audit['counts_above_k']} "
                f"counts above k withheld; any suppression that shows every total and "
                f"protects every count of 1..k must withhold at least {floor[0]}")
        for name, label in (("half", f"first half ({first}..{half})"),
                            ("school", f"one school ({school})")):
            if name in steps:
                snap = steps[name]
                self.stdout.write(
                    f"Joint audit + publish, {label} with {len(snap.audited_with)} earlier "
                    f"snapshots: {times[name]:.2f} s ({snap.counts_withheld} counts withheld, "
                    f"narrowest range {snap.narrowest_interval}, "
                    f"{snap.audit['linear_programs']} linear programs)")
        if joint is None:
            self.stdout.write(f"Joint audit: publishing was refused: {refused}")
            times["joint"] = float("inf")
        else:
            before = len(joint.audit.get("narrowed_before") or ())
            self.stdout.write(
                f"Joint audit + publish, second half with {len(joint.audited_with)} earlier "
                f"snapshots: {times['joint']:.2f} s ({joint.counts_withheld} counts withheld, "
                f"narrowest range {joint.narrowest_interval}, complements "
                f"{joint.audit['complements_withheld']} of {joint.audit['counts_above_k']} "
                f"counts above k, {before} already narrowed by the earlier snapshots)")
        big = Interaction.objects.countable().filter(school_year=year).count() > 200_000
        return [
            (f"audit + publish of the year under {15 if big else 5} s",
             times["year"] < (15 if big else 5)),
            ("joint audit with 3 earlier snapshots under 20 s", times["joint"] < 20),
        ]
