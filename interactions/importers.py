"""CSV import: the framework of `manage.py import_csv` and the kinds of this app and below
(schools, agencies, officers, roster, interactions). docs/formats.md lists the columns.

An import is all or nothing: `read_csv` checks the file and header, the kind's `validate`
checks every row (with a fixed number of bulk queries) and reports every error as
`line N, column C: message`, and only a file without errors is written, by the kind's `write`,
inside one transaction. Rows are upserted by their natural key, so a file can be imported again.

A kind is an `Importer`: `columns`, `validate(rows, errors, progress) -> plan`,
`planned(plan) -> Counts` (for --dry-run) and `write(plan, progress) -> Counts`;
`UpsertImporter` implements the last two for one model and its natural key. Higher apps add
kinds in their own registry (the reports app's `reports.importers.KINDS`, for `enrollment`);
the command merges the registries.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from mous.models import Agency, validate_ori
from sro_program.models import GRADE_CHOICES, Officer, School, grade_range_problem

from .codes import (
    Disability,
    Gender,
    RaceEthnicity,
    YesNo,
    derived_fields,
    school_year_of,
)
from .models import Enrollment, Interaction, Student
from .rules import FUTURE_MESSAGE, in_future, validate_interaction_fields

BATCH = 2000
CHANGE_REASON = "import_csv"


# Rows, errors, progress ------------------------------------------------------------------------


@dataclass
class Row:
    line: int  # the file's line number where the record starts (header = line 1)
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class Errors(list):
    def add(self, line: int, column: str, message: str) -> None:
        # One error, one line of output, whatever text a message echoes from the file.
        self.append(RowError(line, printable(column), printable(message)))


def printable(text: str) -> str:
    """Control characters (newlines, tabs, NUL, bidi overrides) escaped, e.g. \\n."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


class Progress:
    """Prints `stage: 40% (4000/10000)` to a stream every 10%; silent when disabled."""

    def __init__(self, stream=None, enabled: bool = False):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.stage, self.total, self.next_mark = "", 0, 0

    def start(self, stage: str, total: int) -> None:
        self.stage, self.total, self.next_mark = stage, total, 10

    def update(self, done: int) -> None:
        if not self.enabled or not self.total:
            return
        percent = done * 100 // self.total
        if percent >= self.next_mark:
            self.stream.write(f"{self.stage}: {percent}% ({done}/{self.total})\n")
            self.stream.flush()
            self.next_mark = (percent // 10 + 1) * 10

    def each(self, items: list, stage: str) -> Iterable:
        """Iterate over `items`, reporting progress as it goes."""
        self.start(stage, len(items))
        for n, item in enumerate(items, 1):
            yield item
            if n % 500 == 0 or n == self.total:
                self.update(n)


class Importer:
    """One kind of CSV file. Subclasses set `columns` and implement `validate` and `write`."""

    columns: tuple[str, ...] = ()

    def validate(self, rows: list[Row], errors: Errors, progress: Progress):
        """Check every row; return a plan for `write` (only written when `errors` is empty)."""
        raise NotImplementedError

    def planned(self, plan) -> Counts:
        """What `write` would do, for --dry-run."""
        raise NotImplementedError

    def write(self, plan, progress: Progress) -> Counts:
        """Write the plan; called inside the import's transaction."""
        raise NotImplementedError


# Reading the file --------------------------------------------------------------------------------


SANE_NAME = re.compile(r"^[\w .()-]{1,60}$")


def read_csv(data: bytes, columns: tuple[str, ...], errors: Errors) -> list[Row]:
    """Decode (UTF-8, BOM allowed), check the header, and return the data rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.add(line, "-", "The file is not UTF-8 text; save it as CSV UTF-8.")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        errors.add(1, "-", "The file is empty; a header row is required.")
        return []
    except csv.Error as exc:
        errors.add(1, "-", f"Unreadable CSV: {exc}.")
        return []
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for position, name in enumerate(header, 1):
        if name not in columns:
            # Name the column as written when it reads as a name, else by its position.
            label = name if SANE_NAME.match(name) else f"#{position}"
            errors.add(1, label, f"Unknown column {quoted(name)}. Expected: {', '.join(columns)}.")
        elif name in seen:
            errors.add(1, name, "The column appears twice.")
        seen.add(name)
    for name in columns:
        if name not in seen:
            errors.add(1, name, "Missing column.")
    if errors:
        return []

    rows: list[Row] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.add(start, "-", f"Unreadable CSV: {exc}.")
            break
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(header):
                column = header[min(len(cells), len(header)) - 1]
                errors.add(
                    start, column, f"The row has {len(cells)} cells; the header has {len(header)}."
                )
            elif nul := next((h for h, c in zip(header, cells, strict=True) if "\x00" in c), None):
                # Text never holds NUL; PostgreSQL refuses it even in a lookup.
                errors.add(start, nul, "The cell contains a NUL character (binary data?).")
            else:
                rows.append(Row(start, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
        start = reader.line_num + 1
    if not rows and not errors:
        errors.add(2, "-", "The file has a header but no rows.")
    return rows


@dataclass
class Result:
    errors: Errors = field(default_factory=Errors)
    counts: Counts = field(default_factory=Counts)
    rows: int = 0


def run_import(
    importer: Importer, data: bytes, *, dry_run: bool = False, progress: Progress | None = None
) -> Result:
    """Validate the whole file, then write it in one transaction (unless there is an error or
    this is a dry run)."""
    progress = progress or Progress()
    result = Result()
    rows = read_csv(data, importer.columns, result.errors)
    result.rows = len(rows)
    if result.errors:
        return result
    plan = importer.validate(rows, result.errors, progress)
    result.errors.sort(key=lambda e: e.line)
    if result.errors:
        return result
    if dry_run:
        result.counts = importer.planned(plan)
        return result
    with transaction.atomic():
        result.counts = importer.write(plan, progress)
    return result


# Cell checks -------------------------------------------------------------------------------------


def quoted(value: str, limit: int = 40) -> str:
    """A cell's value for an error message: quoted, on one line, shortened when long."""
    text = printable(value)
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def required(row: Row, column: str, errors: Errors, max_length: int | None = None) -> str:
    value = row[column]
    if not value:
        errors.add(row.line, column, "A value is required.")
    elif max_length and len(value) > max_length:
        errors.add(row.line, column, f"At most {max_length} characters.")
    return value


def choice(row: Row, column: str, choices, errors: Errors) -> str:
    value = row[column]
    values = choices.values if hasattr(choices, "values") else [c for c, _ in choices]
    if value not in values:
        shown = quoted(value) if value else "An empty cell"
        errors.add(row.line, column, f"{shown} is not one of: {', '.join(values)}.")
    return value


def yes_no(row: Row, column: str, errors: Errors) -> str:
    return choice(row, column, YesNo, errors)


def iso_date(row: Row, column: str, errors: Errors, *, optional: bool = False) -> date | None:
    value = row[column]
    if not value and optional:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(row.line, column, f"{quoted(value)} is not a date in the form 2025-09-30.")
        return None


SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def school_year(row: Row, column: str, errors: Errors) -> str:
    value = row[column]
    match = SCHOOL_YEAR.match(value)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        errors.add(row.line, column, f"{quoted(value)} is not a school year like 2025-26.")
    return value


def district_datetime(row: Row, column: str, errors: Errors) -> datetime | None:
    """ISO 8601; a time without an offset is in the district's time zone."""
    value = row[column]
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.add(
            row.line, column,
            f"{quoted(value)} is not an ISO 8601 date and time, e.g. 2025-10-14T10:30 or "
            "2025-10-14T10:30:00-07:00.",
        )
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))
    return moment


def known(row: Row, column: str, objects: dict, errors: Errors, message: str):
    """The object a cell names (from a bulk lookup), or an error."""
    obj = objects.get(row[column])
    if obj is None:
        errors.add(row.line, column, f"{message} {quoted(row[column])}.")
    return obj


def duplicates(rows: list[Row], key: Callable[[Row], object], column: str, errors: Errors) -> None:
    """A natural key may appear once per file: the second row would silently win."""
    first: dict = {}
    for row in rows:
        k = key(row)
        if k in first:
            errors.add(row.line, column, f"Repeats line {first[k]} (same key).")
        else:
            first[k] = row.line


# Upsert by natural key ---------------------------------------------------------------------------


def upsert(
    model: type[models.Model],
    key: tuple[str, ...],
    items: list[dict],
    progress: Progress,
    *,
    touch: Callable[[models.Model], None] | None = None,
    touched: tuple[str, ...] = (),
) -> Counts:
    """Create or update `items` (field dicts) by `key`; only changed rows are updated.
    `touch(obj)` runs on each changed row and may set the extra fields named in `touched`.

    Runs inside the caller's transaction: a concurrent import that inserts the same key makes
    one of the two fail on the unique constraint and roll back whole, never a mix.
    """
    existing = _existing(model, key, items)
    fields = [f for f in items[0] if f not in key] if items else []
    to_create, to_update, unchanged = [], [], 0
    for item in progress.each(items, f"writing {model._meta.verbose_name_plural}"):
        obj = existing.get(tuple(item[k] for k in key))
        if obj is None:
            to_create.append(model(**item))
        elif any(getattr(obj, f) != item[f] for f in fields):
            for f in fields:
                setattr(obj, f, item[f])
            if touch:
                touch(obj)
            to_update.append(obj)
        else:
            unchanged += 1
    fields = [*fields, *touched]
    if hasattr(model._meta, "simple_history_manager_attribute"):
        # Imported rows keep an audit trail like any other change (simple_history).
        for batch in _batches(to_create):
            bulk_create_with_history(batch, model, default_change_reason=CHANGE_REASON)
        for batch in _batches(to_update):
            bulk_update_with_history(batch, model, fields, default_change_reason=CHANGE_REASON)
    else:
        model.objects.bulk_create(to_create, batch_size=BATCH)
        if to_update:
            model.objects.bulk_update(to_update, fields, batch_size=BATCH)
    return Counts(len(to_create), len(to_update), unchanged)


def _existing(model, key: tuple[str, ...], items: list[dict]) -> dict[tuple, models.Model]:
    found: dict[tuple, models.Model] = {}
    wanted = {tuple(item[k] for k in key) for item in items}
    first_values = sorted({k[0] for k in wanted}, key=str)
    for chunk in _batches(first_values, 900):  # SQLite allows ~1000 parameters per query
        for obj in model.objects.filter(**{f"{key[0]}__in": chunk}):
            k = tuple(getattr(obj, f) for f in key)
            if k in wanted:
                found[k] = obj
    return found


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lookup(model, field: str, values: set[str], **filters) -> dict[str, models.Model]:
    out: dict[str, models.Model] = {}
    for chunk in _batches(sorted(values), 900):
        for obj in model.objects.filter(**{f"{field}__in": chunk}, **filters):
            out[getattr(obj, field)] = obj
    return out


class UpsertImporter(Importer):
    """A kind whose rows become field dicts of one model, upserted by its natural key."""

    model: type[models.Model]
    key: tuple[str, ...]

    def planned(self, plan: list[dict]) -> Counts:
        found = _existing(self.model, self.key, plan)
        return Counts(created=len(plan) - len(found), updated=len(found))

    def write(self, plan: list[dict], progress: Progress) -> Counts:
        return upsert(self.model, self.key, plan, progress)


# Kinds -------------------------------------------------------------------------------------------

CDS = re.compile(r"^\d{14}$")


class SchoolsImporter(UpsertImporter):
    columns = ("cds_code", "name", "grade_low", "grade_high")
    model, key = School, ("cds_code",)

    def validate(self, rows, errors, progress):
        items = []
        for row in progress.each(rows, "checking schools"):
            if not CDS.match(row["cds_code"]):
                errors.add(row.line, "cds_code", "A CDS code is exactly 14 digits.")
            name = required(row, "name", errors, 200)
            low = choice(row, "grade_low", GRADE_CHOICES, errors)
            high = choice(row, "grade_high", GRADE_CHOICES, errors)
            if problem := grade_range_problem(low, high):
                errors.add(row.line, "grade_high", problem)
            items.append(
                {"cds_code": row["cds_code"], "name": name, "grade_low": low, "grade_high": high}
            )
        duplicates(rows, lambda r: r["cds_code"], "cds_code", errors)
        return items


class AgenciesImporter(UpsertImporter):
    columns = ("ori", "name")
    model, key = Agency, ("ori",)

    def validate(self, rows, errors, progress):
        items = []
        for row in progress.each(rows, "checking agencies"):
            try:
                validate_ori(row["ori"])
            except ValidationError as error:
                errors.add(row.line, "ori", " ".join(error.messages))
            items.append({"ori": row["ori"], "name": required(row, "name", errors, 200)})
        duplicates(rows, lambda r: r["ori"], "ori", errors)
        return items


class OfficersImporter(UpsertImporter):
    columns = ("agency_ori", "badge_number", "last_name", "first_name", "sworn")
    model, key = Officer, ("agency_id", "badge_number")

    def validate(self, rows, errors, progress):
        agencies = _lookup(Agency, "ori", {r["agency_ori"] for r in rows})
        items = []
        for row in progress.each(rows, "checking officers"):
            agency = known(row, "agency_ori", agencies, errors, "No agency with ORI")
            items.append({
                "agency_id": agency.pk if agency else None,
                "badge_number": required(row, "badge_number", errors, 20),
                "last_name": required(row, "last_name", errors, 100),
                "first_name": required(row, "first_name", errors, 100),
                "sworn": yes_no(row, "sworn", errors) == "Y",
            })
        duplicates(rows, lambda r: (r["agency_ori"], r["badge_number"]), "badge_number", errors)
        return items


DEMOGRAPHIC_CHOICES = {
    "grade": GRADE_CHOICES,
    "gender": Gender,
    "race_ethnicity": RaceEthnicity,
    "disability": Disability,
    "english_learner": YesNo,
    "foster_youth": YesNo,
    "homeless": YesNo,
    "socioeconomically_disadvantaged": YesNo,
}


class RosterImporter(Importer):
    """Students (by district ID) and their enrollment for a school year."""

    columns = (
        "school_year", "student_id", "school_cds", "last_name", "first_name", "birth_date",
        *DEMOGRAPHIC_CHOICES,
    )

    def validate(self, rows, errors, progress):
        schools = _lookup(School, "cds_code", {r["school_cds"] for r in rows})
        students: dict[str, dict] = {}
        enrollments = []
        for row in progress.each(rows, "checking roster"):
            year = school_year(row, "school_year", errors)
            sid = required(row, "student_id", errors, 20)
            school = known(row, "school_cds", schools, errors, "No school with CDS code")
            student = {
                "student_id": sid,
                "last_name": required(row, "last_name", errors, 100),
                "first_name": required(row, "first_name", errors, 100),
                "birth_date": iso_date(row, "birth_date", errors, optional=True),
            }
            earlier = students.get(sid)
            if earlier and earlier != student:
                errors.add(
                    row.line, "student_id",
                    "The same student appears with another name or birth date on another line.",
                )
            students[sid] = student
            demographics = {
                column: choice(row, column, choices, errors)
                for column, choices in DEMOGRAPHIC_CHOICES.items()
            }
            enrollments.append({
                "student_id": sid, "school_year": year,
                "school_id": school.pk if school else None, **demographics,
            })
        duplicates(rows, lambda r: (r["student_id"], r["school_year"]), "student_id", errors)
        return list(students.values()), enrollments

    def planned(self, plan) -> Counts:
        students, enrollments = plan
        known = dict(_pairs(Student, "student_id", {s["student_id"] for s in students}))
        found = _existing(
            Enrollment, ("student_id", "school_year"),
            [{"student_id": known[e["student_id"]], "school_year": e["school_year"]}
             for e in enrollments if e["student_id"] in known],
        )
        return Counts(
            created=len(students) - len(known) + len(enrollments) - len(found),
            updated=len(known) + len(found),
        )

    def write(self, plan, progress) -> Counts:
        students, enrollments = plan
        counts = upsert(Student, ("student_id",), students, progress)
        pks = dict(_pairs(Student, "student_id", {s["student_id"] for s in students}))
        enrollments = [{**e, "student_id": pks[e["student_id"]]} for e in enrollments]
        return counts + upsert(Enrollment, ("student_id", "school_year"), enrollments, progress)


def _pairs(model, field: str, values: set[str]):
    for chunk in _batches(sorted(values), 900):
        yield from model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk")


class InteractionsImporter(UpsertImporter):
    """Historical interactions, submitted on import. The officer must exist at the agency (not
    an assignment: history may predate the assignments on record); the demographic snapshot
    comes from the student's roster row for the school year of `occurred_at`."""

    model, key = Interaction, ("external_id",)
    columns = (
        "external_id", "occurred_at", "school_cds", "student_id", "officer_badge", "agency_ori",
        "location", "initiated_by", "requested_by_role", "reason", "outcomes", "force_types",
        "injury", "de_escalation", "justification", "narrative",
    )
    # Field rules of validate_interaction_fields, reported under the CSV's column names.
    RULE_COLUMNS = {"de_escalation_techniques": "de_escalation", "force_used": "force_types"}

    def validate(self, rows, errors, progress):
        schools = _lookup(School, "cds_code", {r["school_cds"] for r in rows})
        students = _lookup(Student, "student_id", {r["student_id"] for r in rows})
        agencies = _lookup(Agency, "ori", {r["agency_ori"] for r in rows})
        officers = {
            (o.agency_id, o.badge_number): o
            for o in Officer.objects.filter(agency__in=agencies.values())
        }
        moments = {row.line: district_datetime(row, "occurred_at", errors) for row in rows}
        wanted_years = {school_year_of(timezone.localdate(m)) for m in moments.values() if m}
        snapshots = {
            (e.student_id, e.school_year): e
            for chunk in _batches([s.pk for s in students.values()], 900)
            for e in Enrollment.objects.filter(student_id__in=chunk, school_year__in=wanted_years)
        }
        now = timezone.now()
        items = []
        for row in progress.each(rows, "checking interactions"):
            before = len(errors)
            external_id = required(row, "external_id", errors, 64)
            moment = moments[row.line]
            if moment and in_future(moment, now):
                errors.add(row.line, "occurred_at", FUTURE_MESSAGE)
            school = known(row, "school_cds", schools, errors, "No school with CDS code")
            student = known(row, "student_id", students, errors, "No student with ID")
            agency = known(row, "agency_ori", agencies, errors, "No agency with ORI")
            officer = officers.get((agency.pk, row["officer_badge"])) if agency else None
            if agency is not None and officer is None:
                errors.add(
                    row.line, "officer_badge",
                    f"No officer with badge {quoted(row['officer_badge'])} at {agency.name}.",
                )
            de_escalation = yes_no(row, "de_escalation", errors)
            for rule_field, messages in validate_interaction_fields(row.values).items():
                for message in messages:
                    errors.add(row.line, self.RULE_COLUMNS.get(rule_field, rule_field), message)
            enrollment = None
            if moment and student:
                year = school_year_of(timezone.localdate(moment))
                enrollment = snapshots.get((student.pk, year))
                if enrollment is None:
                    errors.add(
                        row.line, "student_id",
                        f"The student has no roster row for {year}; import the roster first.",
                    )
            if len(errors) > before or enrollment is None:
                continue  # this row is refused (a bad date was reported above); check the rest
            items.append(self._fields(row, external_id, moment, school, officer, enrollment,
                                      de_escalation == "Y"))
        duplicates(rows, lambda r: r["external_id"], "external_id", errors)
        return items

    @staticmethod
    def _fields(row, external_id, moment, school, officer, enrollment, de_escalation) -> dict:
        outcomes = _split(row["outcomes"])
        force_types = _split(row["force_types"])
        return {
            "external_id": external_id,
            "occurred_at": moment,
            "school_id": school.pk,
            "officer_id": officer.pk,
            "student_id": enrollment.student_id,
            "location": row["location"],
            "initiated_by": row["initiated_by"],
            "requested_by_role": row["requested_by_role"],
            "reason": row["reason"],
            "justification": row["justification"],
            "outcomes": outcomes,
            "force_types": force_types,
            "injury": row["injury"],
            "de_escalation": de_escalation,
            "narrative": row["narrative"],
            **derived_fields(
                occurred_on=timezone.localdate(moment), initiated_by=row["initiated_by"],
                reason=row["reason"], outcomes=outcomes, force_types=force_types,
                injury=row["injury"],
            ),
            **enrollment.demographics(),
        }

    def write(self, plan, progress) -> Counts:
        # A re-imported draft becomes submitted; reviewed or voided records keep their status.
        existing = _existing(Interaction, ("external_id",), plan)
        for item in plan:
            found = existing.get((item["external_id"],))
            if found is None or found.status == Interaction.Status.DRAFT:
                item["status"] = Interaction.Status.SUBMITTED
            else:
                item["status"] = found.status
        now = timezone.now()

        def touch(obj: Interaction) -> None:
            # An edit someone has open in the browser must now conflict, not overwrite this.
            obj.version += 1
            obj.updated_at = now

        return upsert(
            Interaction, ("external_id",), plan, progress, touch=touch,
            touched=("version", "updated_at"),
        )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


KINDS: dict[str, Importer] = {
    "schools": SchoolsImporter(),
    "agencies": AgenciesImporter(),
    "officers": OfficersImporter(),
    "roster": RosterImporter(),
    "interactions": InteractionsImporter(),
}
