"""Reads for the board report: the ORM turned into plain counts.

`report_counts` runs a fixed number of queries whatever the number of interactions, schools
or groups (four, or five when the year has no imported enrollment and the roster is counted):

1. the selected schools, within the user's scope;
2. one aggregate over the period's countable interactions, grouped by student, school and the
   demographic snapshot, with one conditional count per measure. Its result has at most one
   row per student contacted (more only if a snapshot changed), so everything else (totals,
   every dimension and group, schools, school x group) is summed from it with unduplicated
   students kept exact: in Python (`accumulate`) on the portable path; on PostgreSQL in the
   same statement, which falls back to the per-student rows when a student has several;
3. one aggregate per month (instances, and the compliance section's incident counts). On
   PostgreSQL 2 and 3 are one statement, a single pass with GROUPING SETS, after a set_config
   that gives it the memory to hash (so it is also four queries there);
4. imported enrollment counts (then, if there are none, 5. the roster of that year).

`compliance_counts` and `crdc_counts` likewise run a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone, translation

from interactions.codes import DIMENSIONS, MEASURES, Reason, school_year_of
from interactions.models import DisclosureLogEntry, Enrollment, Interaction, RecordAccessRequest
from mous.models import Agency
from mous.selectors import mou_in_force_on
from mous.services import mou_completeness
from sro_program.models import Assignment, PresentationRequest, School
from sro_program.selectors import (
    officer_training_statuses,
    school_sworn_fte,
    school_sworn_fte_for_period,
    staff_training_coverage,
)

from .labels import label_compliance
from .models import EnrollmentCount

DEMOGRAPHIC_FIELDS = list(DIMENSIONS)
# Counts of interactions for the compliance section, taken in the same scan as the months:
# those that are report measures come from the measures' own counts.
INCIDENT_MEASURES = {
    "interactions": "contact",
    "use_of_force": "use_of_force",
    "outside_sro_role": "outside_sro_role",
    "restorative": "restorative",
    "arrest": "arrest",
}
INCIDENT_FILTERS = {
    "gc12525_reportable": Q(gc12525_reportable=True),
    "serious_injury": Q(injury__in=["serious", "death"]),
    "outside_code_of_conduct": Q(reason=Reason.CODE_OF_CONDUCT),
    "outside_mental_health": Q(reason=Reason.MENTAL_HEALTH_CRISIS),
    "de_escalation": Q(de_escalation=True),
    "force_with_de_escalation": Q(use_of_force=True, de_escalation=True),
}
INCIDENTS = [*INCIDENT_MEASURES, *INCIDENT_FILTERS]
SCHOOL_GROUP_DIMENSION = "race_ethnicity"


class PeriodError(ValueError):
    """The dates do not form a period inside one school year."""


def school_year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    """'2025-26' -> (2025-07-01, 2026-06-30)."""
    try:
        start_year = int(school_year[:4])
        end_part = int(school_year[5:7])
    except (TypeError, ValueError):
        raise PeriodError(f"{school_year!r} is not a school year like 2025-26.") from None
    if len(school_year) != 7 or school_year[4] != "-" or (start_year + 1) % 100 != end_part:
        raise PeriodError(f"{school_year!r} is not a school year like 2025-26.")
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


def resolve_period(
    *, school_year: str | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> tuple[str, dt.date, dt.date]:
    """A school year, or a period inside one (missing ends default to the year's ends)."""
    if school_year:
        first, last = school_year_bounds(school_year)
        date_from = date_from or first
        date_to = date_to or last
    elif date_from and date_to:
        school_year = school_year_of(date_from)
    elif date_from or date_to:
        school_year = school_year_of(date_from or date_to)
        first, last = school_year_bounds(school_year)
        date_from, date_to = date_from or first, date_to or last
    else:
        raise PeriodError("Give a school year, or a period (from and to dates).")
    if date_from > date_to:
        raise PeriodError("The period ends before it starts.")
    if school_year_of(date_from) != school_year or school_year_of(date_to) != school_year:
        raise PeriodError(
            f"The period {date_from} to {date_to} must lie inside one school year "
            "(July 1 to June 30)."
        )
    return school_year, date_from, date_to


def _district_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes [start of date_from, start of the day after date_to) in district time."""
    tz = _district_tz()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


Pair = tuple[int, int]  # (instances, students)


@dataclass
class ReportCounts:
    """Plain counts for one report. Counts of measures are lists aligned with MEASURES."""

    school_year: str
    date_from: dt.date
    date_to: dt.date
    schools: list[tuple[str, str]]  # (cds_code, name), in name order
    totals: dict[str, Pair] = field(default_factory=dict)
    # dimension -> group -> measure -> (instances, students)
    groups: dict[str, dict[str, dict[str, Pair]]] = field(default_factory=dict)
    # cds -> measure -> (instances, students)
    schools_counts: dict[str, dict[str, Pair]] = field(default_factory=dict)
    # cds -> race group -> measure -> students
    school_groups: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # "YYYY-MM" -> measure -> instances
    months: dict[str, dict[str, int]] = field(default_factory=dict)
    # dimension -> group -> enrolled ("all" -> "all" -> total)
    enrollment: dict[str, dict[str, int]] = field(default_factory=dict)
    # cds -> dimension -> group -> enrolled
    school_enrollment: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    enrollment_source: str = "imported"  # or "roster"
    # name -> interactions (INCIDENT_FILTERS), for the compliance section
    incidents: dict[str, int] = field(default_factory=dict)


def _measure_aggregates() -> dict:
    aggs = {"n_contact": Count("id")}
    for measure in MEASURES:
        if measure != "contact":
            aggs[f"n_{measure}"] = Count("id", filter=Q(**{measure: True}))
    return aggs


def scoped_schools(user, cds_codes: list[str] | None = None):
    qs = School.objects.for_user(user)
    if cds_codes:
        qs = qs.filter(cds_code__in=cds_codes)
    return qs.order_by("name")


def countable_interactions(user, *, school_ids, date_from: dt.date, date_to: dt.date):
    """The interactions a report counts, within the user's scope (Interaction.for_user)."""
    start, end = period_bounds(date_from, date_to)
    return (
        Interaction.objects.for_user(user)
        .countable()
        .filter(
            school_year=school_year_of(date_from), school_id__in=school_ids,
            occurred_at__gte=start, occurred_at__lt=end,
        )
        .order_by()
    )


def _line_keys(cds: str, demo) -> list[tuple]:
    """The lines a row counts in: the total, its school, each dimension's group, and its
    school x race cell."""
    keys: list[tuple] = [("total",), ("school", cds)]
    for dimension, value in zip(DEMOGRAPHIC_FIELDS, demo, strict=True):
        keys.append(("dim", dimension, value))
        if dimension == SCHOOL_GROUP_DIMENSION:
            keys.append(("sg", cds, value))
    return keys


def _mask_of(values) -> int:
    mask = 0
    for j, value in enumerate(values):
        if value:
            mask |= 1 << j
    return mask


def _student_counts(masks: Counter) -> list[int]:
    """Students per measure from a Counter of the students' bit masks of measures."""
    out = [0] * len(MEASURES)
    for mask, how_many in masks.items():
        j = 0
        while mask:
            if mask & 1:
                out[j] += how_many
            mask >>= 1
            j += 1
    return out


def _cells_unique(rows, n_demo: int) -> dict:
    """Rows whose students are all distinct: merge rows of the same school and snapshot,
    keeping their instance sums and how many students had each combination of measures."""
    cells: dict = {}
    for row in rows:
        key = row[1:2 + n_demo]
        values = row[2 + n_demo:]
        cell = cells.get(key)
        if cell is None:
            cells[key] = cell = ([0] * len(MEASURES), Counter())
        inst = cell[0]
        for j, value in enumerate(values):
            if value:
                inst[j] += value
        cell[1][_mask_of(values)] += 1
    return cells


def _lines_exact(rows, n_demo: int, cds_of: dict) -> tuple[dict, dict]:
    """The general case (a student on several rows: two schools, or a changed snapshot):
    OR each student's measures within a line, so they count once per line."""
    inst_acc: dict = {}
    per_student: dict = {}
    for row in rows:
        student, school_id = row[0], row[1]
        values = row[2 + n_demo:]
        mask = _mask_of(values)
        for key in _line_keys(cds_of[school_id], row[2:2 + n_demo]):
            acc = inst_acc.get(key)
            if acc is None:
                inst_acc[key] = acc = [0] * len(MEASURES)
            for j, value in enumerate(values):
                if value:
                    acc[j] += value
            students = per_student.setdefault(key, {})
            students[student] = students.get(student, 0) | mask
    masks = {key: Counter(students.values()) for key, students in per_student.items()}
    return inst_acc, masks


def accumulate(counts: ReportCounts, rows, cds_of: dict) -> None:
    """Sum per-student rows (student, school, *DEMOGRAPHIC_FIELDS, *instances per MEASURES)
    into the totals, groups, schools and school x group counts of `counts`. A student is
    counted once per line however many rows (schools, snapshots) they have."""
    rows = list(rows)
    n_demo = len(DEMOGRAPHIC_FIELDS)
    if len({row[0] for row in rows}) == len(rows):
        # The usual case, one row per student: merge equal rows first, then fan out.
        inst_acc: dict = {}
        masks: dict = {}
        for key_row, (inst, mask_counts) in _cells_unique(rows, n_demo).items():
            for key in _line_keys(cds_of[key_row[0]], key_row[1:]):
                acc = inst_acc.get(key)
                if acc is None:
                    inst_acc[key] = list(inst)
                    masks[key] = Counter(mask_counts)
                else:
                    for j, value in enumerate(inst):
                        acc[j] += value
                    masks[key].update(mask_counts)
    else:
        inst_acc, masks = _lines_exact(rows, n_demo, cds_of)

    def pairs(key) -> dict[str, Pair]:
        inst = inst_acc.get(key, [0] * len(MEASURES))
        stud = _student_counts(masks.get(key, Counter()))
        return {m: (inst[j], stud[j]) for j, m in enumerate(MEASURES)}

    counts.totals = pairs(("total",))
    for key in inst_acc:
        if key[0] == "dim":
            counts.groups.setdefault(key[1], {})[key[2]] = pairs(key)
        elif key[0] == "school":
            counts.schools_counts[key[1]] = pairs(key)
        elif key[0] == "sg":
            counts.school_groups.setdefault(key[1], {})[key[2]] = {
                m: s for m, (_, s) in pairs(key).items()
            }
    for dimension in DEMOGRAPHIC_FIELDS:
        counts.groups.setdefault(dimension, {})


def report_counts(
    *, user, date_from: dt.date, date_to: dt.date, schools: list[str] | None = None
) -> ReportCounts:
    """Counts for a report over [date_from, date_to] (one school year) at the given schools
    (CDS codes; None or empty: every school the user may see)."""
    school_year, date_from, date_to = resolve_period(date_from=date_from, date_to=date_to)
    school_rows = list(scoped_schools(user, schools).values_list("pk", "cds_code", "name"))
    cds_of = {pk: cds for pk, cds, _ in school_rows}
    school_ids = list(cds_of)
    counts = ReportCounts(
        school_year=school_year, date_from=date_from, date_to=date_to,
        schools=[(cds, name) for _, cds, name in school_rows],
    )
    qs = countable_interactions(user, school_ids=school_ids, date_from=date_from,
                                date_to=date_to)
    if connections[qs.db].vendor == "postgresql":
        _counts_single_scan(counts, qs, cds_of)
    else:
        _counts_two_scans(counts, qs, cds_of)

    _enrollment(counts, school_ids, cds_of)
    return counts


def _add_month(counts: ReportCounts, month, values: dict[str, int]) -> None:
    label = month.strftime("%Y-%m") if hasattr(month, "strftime") else str(month)[:7]
    counts.months[label] = {m: values[f"n_{m}"] for m in MEASURES}
    for name, measure in INCIDENT_MEASURES.items():
        counts.incidents[name] += values[f"n_{measure}"]
    for name in INCIDENT_FILTERS:
        counts.incidents[name] += values[f"c_{name}"]


def _incident_aggregates() -> dict:
    # Aliases differ from the field names: an aggregate may not shadow a column it filters on.
    return {f"c_{name}": Count("id", filter=q) for name, q in INCIDENT_FILTERS.items()}


def _counts_two_scans(counts: ReportCounts, qs, cds_of: dict) -> None:
    """Portable: the per-student aggregate and the per-month aggregate as two ORM queries."""
    aggs = _measure_aggregates()
    names = [f"n_{m}" for m in MEASURES]
    rows = (
        qs.values("student_id", "school_id", *DEMOGRAPHIC_FIELDS)
        .annotate(**aggs)
        .values_list("student_id", "school_id", *DEMOGRAPHIC_FIELDS, *names)
    )
    # Plain ids, codes and counts need none of the ORM's per-row converters: fetch the
    # compiled query's rows directly (tens of thousands of rows for a large district).
    sql, params = rows.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        accumulate(counts, cursor.fetchall(), cds_of)
    month_rows = (
        qs.annotate(month=F("occurred_month"))
        .values("month")
        .annotate(**aggs, **_incident_aggregates())
    )
    counts.incidents = dict.fromkeys(INCIDENTS, 0)
    for row in month_rows:
        _add_month(counts, row["month"], row)


def _counts_single_scan(counts: ReportCounts, qs, cds_of: dict) -> None:
    """PostgreSQL: one statement, one pass over the rows.

    1. The rows are grouped by student (with school and demographic snapshot) and by month
       at once (GROUPING SETS), with enough work_mem to hash one group per student contacted
       instead of sorting on disk.
    2. The per-student groups (a few tens of thousands at most) are then summed into the
       report's lines in the same statement, a second GROUPING SETS: the total, each school,
       each dimension's groups and the school x race cells, instances as sums and students as
       the number of per-student groups with the measure. That is exact when every student
       has one group, which the statement checks: if a student has several (two schools, or a
       snapshot that changed), it returns the per-student groups instead and `accumulate`
       counts each student once per line in Python.

    The WHERE clause and every aggregate are compiled by the ORM from the same scoped
    queryset (Interaction.objects.for_user(user)...), so the scope cannot differ from the
    portable path; only the grouping is written here."""
    connection = connections[qs.db]
    query = qs.query.clone()
    compiler = query.get_compiler(using=qs.db)
    qn = connection.ops.quote_name

    def compiled(expression) -> tuple[str, list]:
        resolved = expression.resolve_expression(query, allow_joins=True, reuse=None)
        sql, params = compiler.compile(resolved)
        return sql, list(params)

    columns = ["student_id", "school_id", *DEMOGRAPHIC_FIELDS]
    parts: list[str] = []
    raw: list[str] = []
    params: list = []
    # The local month is stored on the row: no time-zone conversion per row.
    for name, expression in [*[(c, F(c)) for c in columns], ("month", F("occurred_month"))]:
        sql, p = compiled(expression)
        raw.append(sql)
        parts.append(f"{sql} AS {qn('k_' + name)}")
        params += p
    aggregates = {**_measure_aggregates(), **_incident_aggregates()}
    names = list(aggregates)
    for name, expression in aggregates.items():
        sql, p = compiled(expression)
        parts.append(f"{sql} AS {qn(name)}")
        params += p
    where_sql, where_params = compiler.compile(query.where)
    params += list(where_params)
    table = qn(Interaction._meta.db_table)
    n = len(columns)
    key_cols = [qn("k_" + c) for c in columns]
    month_col = qn("k_month")
    by_student = ", ".join(str(i) for i in range(1, n + 1))
    measure_cols = [qn(f"n_{m}") for m in MEASURES]
    # Output: part (0 line, 1 student, 2 month), the key columns, the month, the grouping
    # mask of a line, then one value per aggregate, then students per measure (lines only).
    inner = (
        f"SELECT {', '.join(parts)}, GROUPING({raw[0]}) AS g FROM {table} "
        f"WHERE {where_sql} GROUP BY GROUPING SETS (({by_student}), ({n + 1}))"
    )
    school, race = qn("k_school_id"), qn("k_" + SCHOOL_GROUP_DIMENSION)
    line_sets = ", ".join(
        ["()", f"({school})", f"({school}, {race})"]
        + [f"({qn('k_' + d)})" for d in DEMOGRAPHIC_FIELDS]
    )
    demo_cols = key_cols[2:]
    zero_agg = ", ".join(["NULL::bigint"] * (len(names) - len(MEASURES)))
    line_values = ", ".join(f"sum({c})::bigint" for c in measure_cols)
    line_students = ", ".join(f"count(*) FILTER (WHERE {c} > 0)" for c in measure_cols)
    null_students = ", ".join(["NULL::bigint"] * len(MEASURES))
    all_values = ", ".join(qn(name) for name in names)
    sql = (
        f"WITH s AS MATERIALIZED ({inner}), "
        f"d AS (SELECT count(*) <> count(DISTINCT {key_cols[0]}) AS multi FROM s WHERE g = 0) "
        f"SELECT 0, NULL::bigint, {school}, {', '.join(demo_cols)}, NULL::date, "
        f"GROUPING({school}, {', '.join(demo_cols)}), {line_values}, {zero_agg}, "
        f"{line_students} FROM s WHERE g = 0 AND NOT (SELECT multi FROM d) "
        f"GROUP BY GROUPING SETS ({line_sets}) "
        f"UNION ALL SELECT 1, {', '.join(key_cols)}, NULL, 0, {all_values}, {null_students} "
        f"FROM s WHERE g = 0 AND (SELECT multi FROM d) "
        f"UNION ALL SELECT 2, {', '.join(['NULL'] * n)}, {month_col}, 0, {all_values}, "
        f"{null_students} FROM s WHERE g = 1"
    )
    measure_at = [names.index(f"n_{m}") for m in MEASURES]
    first_value = 1 + n + 2
    student_rows, line_rows = [], []
    counts.incidents = dict.fromkeys(INCIDENTS, 0)
    with transaction.atomic(using=qs.db), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                       [getattr(settings, "REPORT_WORK_MEM", "64MB")])
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            part = row[0]
            if part == 2:
                values = dict(zip(names, row[first_value:first_value + len(names)],
                                  strict=True))
                _add_month(counts, row[1 + n], values)
            elif part == 1:
                student_rows.append((*row[1:1 + n],
                                     *[row[first_value + i] for i in measure_at]))
            else:
                line_rows.append(row)
    if student_rows or not line_rows:
        accumulate(counts, student_rows, cds_of)
    else:
        _lines_from_sql(counts, line_rows, n, first_value, len(names), cds_of)


def _lines_from_sql(counts: ReportCounts, rows, n: int, first_value: int, n_values: int,
                    cds_of: dict) -> None:
    """Fill `counts` from the line rows of `_counts_single_scan` (GROUPING mask: bit i set
    when the i-th of school, *DEMOGRAPHIC_FIELDS is not grouped), as `accumulate` would."""
    n_meas = len(MEASURES)
    n_dims = len(DEMOGRAPHIC_FIELDS)
    full = (1 << (n_dims + 1)) - 1
    race_at = DEMOGRAPHIC_FIELDS.index(SCHOOL_GROUP_DIMENSION)

    def grouped(mask: int, i: int) -> bool:  # i: 0 school, 1.. the dimensions
        return not mask >> (n_dims - i) & 1

    counts.totals = {m: (0, 0) for m in MEASURES}
    for row in rows:
        mask = row[n + 2]  # after part, student, school, the dimensions and month
        inst = row[first_value:first_value + n_meas]
        stud = row[first_value + n_values:first_value + n_values + n_meas]
        pairs = {m: (inst[j] or 0, stud[j] or 0) for j, m in enumerate(MEASURES)}
        if mask == full:
            counts.totals = pairs
            continue
        cds = cds_of.get(row[2]) if grouped(mask, 0) else None
        dims = [i for i in range(n_dims) if grouped(mask, i + 1)]
        if cds is not None and not dims:
            counts.schools_counts[cds] = pairs
        elif cds is not None and dims == [race_at]:
            counts.school_groups.setdefault(cds, {})[row[3 + race_at]] = {
                m: s for m, (_, s) in pairs.items()}
        elif cds is None and len(dims) == 1:
            d = dims[0]
            counts.groups.setdefault(DEMOGRAPHIC_FIELDS[d], {})[row[3 + d]] = pairs
    for dimension in DEMOGRAPHIC_FIELDS:
        counts.groups.setdefault(dimension, {})


def _enrollment(counts: ReportCounts, school_ids: list[int], cds_of: dict[int, str]) -> None:
    district: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_school: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    imported = EnrollmentCount.objects.filter(
        school_year=counts.school_year, school_id__in=school_ids
    ).values_list("school_id", "dimension", "group", "count")
    found = False
    for school_id, dimension, group, count in imported:
        found = True
        district[dimension][group] += count
        per_school[cds_of[school_id]][dimension][group] += count
    if found:
        counts.enrollment_source = "imported"
    else:
        counts.enrollment_source = "roster"
        roster = (
            Enrollment.objects.filter(school_year=counts.school_year, school_id__in=school_ids)
            .order_by()
            .values_list("school_id", *DEMOGRAPHIC_FIELDS)
            .annotate(n=Count("id"))
        )
        for school_id, *rest in roster:
            *demo, n = rest
            cds = cds_of[school_id]
            district["all"]["all"] += n
            per_school[cds]["all"]["all"] += n
            for dimension, value in zip(DEMOGRAPHIC_FIELDS, demo, strict=True):
                district[dimension][value] += n
                per_school[cds][dimension][value] += n
    counts.enrollment = {d: dict(g) for d, g in district.items()}
    counts.school_enrollment = {
        cds: {d: dict(g) for d, g in dims.items()} for cds, dims in per_school.items()
    }


# --------------------------------------------------------------------------------------------
# Compliance
# --------------------------------------------------------------------------------------------


def compliance_as_of(date_to: dt.date, today: dt.date | None = None) -> dt.date:
    """The day the compliance section describes: the end of the period, or today while the
    period has not ended (a 2026-27 report read in November shows November, not next June)."""
    from django.utils import timezone

    return min(date_to, today or timezone.localdate())


def compliance_counts(*, user, date_from: dt.date, date_to: dt.date,
                      schools: list[str] | None = None, incidents: dict | None = None) -> dict:
    """Plain facts for the compliance section (policy BP 3515.31), as of the period's end.
    `incidents` (from ReportCounts.incidents) saves a scan of the interactions."""
    school_year, date_from, date_to = resolve_period(date_from=date_from, date_to=date_to)
    school_rows = list(scoped_schools(user, schools).values_list("pk", "cds_code", "name"))
    school_ids = [pk for pk, _, _ in school_rows]
    day = compliance_as_of(date_to)

    # Officers assigned at any time in the period up to the day, and their required training
    # on the day (the program's own rule, as on the compliance page and the dashboard).
    assignments = list(
        Assignment.objects.filter(school_id__in=school_ids, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
        .select_related("officer", "officer__agency", "mou")
        .order_by("officer_id", "start_date")
    )
    officer_ids = {a.officer_id for a in assignments}
    training = officer_training_statuses(officer_ids, day)
    officers = {}
    for a in assignments:
        o = a.officer
        missing = training[o.pk].missing
        officers[o.pk] = {
            "officer": str(o), "agency": o.agency.ori, "sworn": o.sworn,
            "required_training_current": not missing,
            "missing_training": [t.code for t in missing],
            "missing_training_topics": [{"code": t.code, "label": t.name} for t in missing],
            "override": officers.get(o.pk, {}).get("override", False) or bool(a.override_reason),
        }

    agencies = Agency.objects.filter(
        Q(officers__pk__in=officer_ids) | Q(mous__assignments__school_id__in=school_ids)
    ).distinct().order_by("name")
    mous = []
    for agency in agencies:
        mou = mou_in_force_on(agency, day)
        entry = {"agency": agency.ori, "agency_name": agency.name, "in_force": mou is not None}
        if mou is not None:
            completeness = mou_completeness(mou)
            entry.update(
                mou=str(mou), version=mou.version, complete=completeness.complete,
                missing=list(completeness.missing),
                effective_date=mou.effective_date.isoformat() if mou.effective_date else None,
                expiry_date=mou.expiry_date.isoformat() if mou.expiry_date else None,
                board_date=mou.board_date.isoformat() if mou.board_date else None,
            )
        else:
            entry.update(mou=None, complete=False, missing=[])
        mous.append(entry)

    fte = school_sworn_fte(school_ids, day)
    coverage = staff_training_coverage(school_ids, day)
    staff = []
    for pk, cds, name in school_rows:
        school_staff = coverage[pk]
        staff.append({
            "school": cds, "school_name": name, "staff_accounts": school_staff.total,
            "staff_trained": school_staff.trained_count,
            "coverage": school_staff.coverage,
            "other_trained": len(school_staff.named) + len(school_staff.other_trained),
            "sworn_fte": fte.get(pk, 0.0),
            "officers_assigned": len({a.officer_id for a in assignments if a.school_id == pk}),
        })

    start, end = period_bounds(date_from, date_to)
    requests_by_basis = Counter()
    for basis, status, n in (
        RecordAccessRequest.objects.filter(
            school_id__in=school_ids, created_at__gte=start, created_at__lt=end
        ).values_list("basis", "status").annotate(n=Count("id")).order_by()
    ):
        requests_by_basis[(basis, status)] += n
    log_by_basis = Counter()
    for basis, kind, n in (
        DisclosureLogEntry.objects.filter(
            request__school_id__in=school_ids, recorded_at__gte=start, recorded_at__lt=end
        ).values_list("basis", "kind").annotate(n=Count("id")).order_by()
    ):
        log_by_basis[(basis or "", kind)] += n

    presentations = presentation_facts(school_ids, date_from, day)

    if incidents is None:
        qs = countable_interactions(user, school_ids=school_ids, date_from=date_from,
                                    date_to=date_to)
        filters = {**{name: Q(**{measure: True}) if measure != "contact" else Q()
                      for name, measure in INCIDENT_MEASURES.items()}, **INCIDENT_FILTERS}
        totals = qs.aggregate(**{f"c_{name}": Count("id", filter=q)
                                 for name, q in filters.items()})
        incidents = {name: totals[f"c_{name}"] for name in INCIDENTS}
    # The report's data carries English labels whatever the builder's language; pages and
    # files for people label the codes again in their language (display.compliance_view).
    with translation.override("en"):
        section = _labelled_compliance(day, date_to, school_year, mous, officers, staff,
                                       requests_by_basis, log_by_basis, incidents)
    section["presentations"] = presentations
    return section


def presentation_facts(school_ids: list[int], date_from: dt.date, day: dt.date) -> dict:
    """SRO classroom and parent presentations dated from `date_from` to `day` at the schools
    (declined requests are not presentations): how many, and how many the Superintendent had
    approved by the presentation's date (BP 3515.31: only when approved). One query.

    Counts of presentations, not of students: published as they are (docs/methods.md)."""
    rows = (
        PresentationRequest.objects.filter(school_id__in=school_ids, date__gte=date_from,
                                           date__lte=day)
        .exclude(status=PresentationRequest.Status.DECLINED)
        .annotate(approved_at=Max("decisions__decided_at",
                                  filter=Q(decisions__decision="approved")))
        .values_list("date", "status", "approved_at")
    )
    total = approved = 0
    for date, status, approved_at in rows:
        total += 1
        if (status == PresentationRequest.Status.APPROVED and approved_at is not None
                and timezone.localdate(approved_at) <= date):
            approved += 1
    return {"total": total, "approved": approved, "not_approved_in_advance": total - approved}


def _labelled_compliance(day, date_to, school_year, mous, officers, staff, requests_by_basis,
                         log_by_basis, incidents) -> dict:
    return label_compliance({
        "as_of": day.isoformat(),
        # Why that day: the period's last day, or today while the period runs.
        "as_of_reason": "period_end" if day == date_to else "today",
        "school_year": school_year,
        "mous": mous,
        "officers": sorted(officers.values(), key=lambda o: o["officer"]),
        "schools": staff,
        "record_access": {
            "requests": [
                {"basis": b, "status": s, "count": n}
                for (b, s), n in sorted(requests_by_basis.items())
            ],
            "log_entries": [
                {"basis": b, "kind": k, "count": n} for (b, k), n in sorted(log_by_basis.items())
            ],
        },
        "interactions": dict(incidents),
    })


# --------------------------------------------------------------------------------------------
# CRDC
# --------------------------------------------------------------------------------------------

CRDC_RACE = {
    "hispanic": "hispanic_latino",
    "american_indian_alaska_native": "american_indian_alaska_native",
    "asian": "asian",
    "filipino": "asian",
    "pacific_islander": "native_hawaiian_pacific_islander",
    "african_american": "black_african_american",
    "white": "white",
    "two_or_more": "two_or_more_races",
    "not_reported": "not_reported",
}
CRDC_RACE_GROUPS = [
    "hispanic_latino", "american_indian_alaska_native", "asian",
    "native_hawaiian_pacific_islander", "black_african_american", "white", "two_or_more_races",
    "not_reported",
]
CRDC_DISABILITY = {"idea": "idea", "504": "section_504_only", "none": "no_disability"}
# A school-related arrest happens on campus, at a school activity or on school transportation.
SCHOOL_RELATED_LOCATIONS = ["campus", "school_activity", "school_transport"]
CRDC_MEASURES = ["referral_to_law_enforcement", "school_related_arrest"]


def crdc_counts(*, user, school_year: str, schools: list[str] | None = None) -> dict:
    """Per school: referrals and school-related arrests (instances, students) by federal race,
    sex, disability and English learner, and sworn officer FTE. Four queries."""
    date_from, date_to = school_year_bounds(school_year)
    school_rows = list(scoped_schools(user, schools).values_list("pk", "cds_code", "name"))
    cds_of = {pk: cds for pk, cds, _ in school_rows}
    qs = countable_interactions(
        user, school_ids=list(cds_of), date_from=date_from, date_to=date_to
    ).filter(Q(referral_to_law_enforcement=True) | Q(arrest=True))
    fields = ["student_id", "school_id", "race_ethnicity", "gender", "disability",
              "english_learner"]
    rows = qs.values(*fields).annotate(
        ref=Count("id", filter=Q(referral_to_law_enforcement=True)),
        arr=Count("id", filter=Q(arrest=True, location__in=SCHOOL_RELATED_LOCATIONS)),
    ).values_list(*fields, "ref", "arr")
    out: dict = {
        cds: {
            "name": name,
            "counts": defaultdict(lambda: [0, set()]),  # (measure, breakdown, group)
        }
        for _, cds, name in school_rows
    }
    for student, school_id, race, gender, disability, el, ref, arr in rows:
        bucket = out[cds_of[school_id]]["counts"]
        keys = [
            ("total", "total"), ("race", CRDC_RACE.get(race, race)), ("sex", gender),
            ("disability", CRDC_DISABILITY.get(disability, disability)),
            ("english_learner", el),
        ]
        for measure, n in (("referral_to_law_enforcement", ref), ("school_related_arrest", arr)):
            if not n:
                continue
            for breakdown, group in keys:
                cell = bucket[(measure, breakdown, group)]
                cell[0] += n
                cell[1].add(student)
    fte = school_sworn_fte_for_period(list(cds_of), date_from, date_to)
    result = {}
    for pk, cds, name in school_rows:
        bucket = out[cds]["counts"]
        result[cds] = {
            "name": name,
            "sworn_officer_fte": fte.get(pk, 0.0),
            "counts": {key: (inst, len(studs)) for key, (inst, studs) in bucket.items()},
        }
    return result


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def system_user():
    """An unsaved superuser for commands: sees every school, has every permission."""
    from django.contrib.auth import get_user_model

    return get_user_model()(username="system", is_superuser=True, is_active=True)


SUPPRESSED_CACHE_SECONDS = 600


def _suppressed(report: dict, k: int, suppress) -> dict:
    """suppress_report, remembered by the hash of its input: suppression is a pure function of
    the unsuppressed figures and k, so the same figures (a preview shown again, the previous
    school year beside every new report) are not worked out twice. Only the moment the report
    was computed is left out of the key, and set afresh on the copy returned."""
    import hashlib
    import json

    from django.core.cache import cache

    body = {key: value for key, value in report.items() if key != "generated_at"}
    text = json.dumps(body, sort_keys=True, default=str, allow_nan=False)
    key = "report-suppressed:" + hashlib.sha256(f"{k}:{text}".encode()).hexdigest()
    out = cache.get(key)  # a fresh copy: the cache stores it pickled
    if out is None:
        out = suppress(report, k)
        cache.set(key, out, SUPPRESSED_CACHE_SECONDS)
    elif "generated_at" in report:
        out["generated_at"] = report["generated_at"]
    return out


def board_report(
    *,
    user,
    school_year: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    schools: list[str] | None = None,
    unsuppressed: bool = False,
    min_cell: int | None = None,
    generated_at: dt.datetime | None = None,
    previous: bool = True,
    compliance: bool = True,
) -> dict:
    """The board report dict (schema sro-board-report/1): suppressed (and audited, see
    docs/methods.md) unless `unsuppressed`, which needs the permission
    reports.view_unsuppressed. With `previous`, every entry carries the same figure for the
    same days of the previous school year, suppressed the same way."""
    from django.core.exceptions import PermissionDenied

    from .compute import suppress_report

    if unsuppressed and not user.has_perm("reports.view_unsuppressed"):
        raise PermissionDenied("Unsuppressed figures need the permission to see them.")
    report = report_for_publishing(
        user=user, school_year=school_year, date_from=date_from, date_to=date_to,
        schools=schools, min_cell=min_cell, generated_at=generated_at, compliance=compliance,
    )
    k = report["parameters"]["min_cell"]
    report = report if unsuppressed else _suppressed(report, k, suppress_report)
    if previous:
        from .summary import attach_previous, previous_period

        p = report["parameters"]
        before_from, before_to = previous_period(
            dt.date.fromisoformat(str(p["date_from"])), dt.date.fromisoformat(str(p["date_to"])))
        earlier = board_report(
            user=user, date_from=before_from, date_to=before_to, schools=schools,
            unsuppressed=unsuppressed, min_cell=min_cell, generated_at=generated_at,
            previous=False, compliance=False,
        )
        attach_previous(report, earlier)
    return report


def identical_snapshot(report: dict):
    """The snapshot (not withdrawn) already holding these parameters and figures, if any:
    publishing them again lands there instead of making a duplicate."""
    from .models import PublishedReport, content_key

    return (PublishedReport.objects.filter(content_key=content_key(report),
                                           withdrawn_at__isnull=True)
            .order_by("published_at").first())


def report_for_publishing(
    *,
    user,
    school_year: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    schools: list[str] | None = None,
    min_cell: int | None = None,
    generated_at: dt.datetime | None = None,
    compliance: bool = True,
) -> dict:
    """The unsuppressed report (within the user's scope) that publishing suppresses and
    audits together with the earlier snapshots (reports.services.publication_preview). Never
    shown as it is: callers that show figures use `board_report`."""
    from django.utils import timezone

    from .compute import compliance_section, compute_report

    school_year, date_from, date_to = resolve_period(
        school_year=school_year, date_from=date_from, date_to=date_to
    )
    k = settings.REPORT_MIN_CELL if min_cell is None else min_cell
    counts = report_counts(user=user, date_from=date_from, date_to=date_to, schools=schools)
    # The previous year's report carries no compliance section (only figures go beside entries).
    facts = compliance_counts(user=user, date_from=date_from, date_to=date_to, schools=schools,
                              incidents=counts.incidents) if compliance else None
    return compute_report(
        counts,
        min_cell=k,
        min_n=settings.REPORT_MIN_N,
        outside_risk=getattr(settings, "REPORT_OUTSIDE_COMPARISON_RISK", None) or {},
        generated_at=generated_at or timezone.localtime(),
        compliance=compliance_section(facts) if facts is not None else {},
    )
