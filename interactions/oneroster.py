"""OneRoster 1.1 CSV bundles: schools, students, a school year's enrollment and demographics
from the district's student information system (docs/oneroster.md has the mapping).

Built on the CSV import framework (`importers`): every file is read by `read_csv`, every row is
checked before anything is written, errors are collected as `FILE line N, column C: message`,
and a bundle with any error writes nothing. The write is one transaction of natural-key upserts
(`importers.upsert`, which keeps simple_history), so importing the same bundle again changes
nothing and says so.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from sro_program.models import GRADE_ORDER, School, SchoolMembership
from sro_program.roles import STAFF

from .codes import Disability, Gender, RaceEthnicity, YesNo
from .importers import (
    Counts,
    Errors,
    Progress,
    Row,
    RowError,
    _batches,
    _existing,
    _lookup,
    choice,
    quoted,
    read_csv,
    upsert,
)
from .models import Enrollment, Student

# The OneRoster 1.1 CSV binding: file -> header (every column, in the standard's order).
FILES: dict[str, tuple[str, ...]] = {
    "manifest.csv": ("propertyName", "value"),
    "orgs.csv": (
        "sourcedId", "status", "dateLastModified", "name", "type", "identifier",
        "parentSourcedId",
    ),
    "academicSessions.csv": (
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
        "parentSourcedId", "schoolYear",
    ),
    "classes.csv": (
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
        "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects",
        "subjectCodes", "periods",
    ),
    "users.csv": (
        "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
        "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
        "sms", "phone", "agentSourcedIds", "grades", "password",
    ),
    "enrollments.csv": (
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
        "userSourcedId", "role", "primary", "beginDate", "endDate",
    ),
    "demographics.csv": (
        "sourcedId", "status", "dateLastModified", "birthDate", "sex",
        "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation",
        "cityOfBirth", "publicSchoolResidenceStatus",
    ),
}
REQUIRED = ("manifest.csv", "orgs.csv", "academicSessions.csv", "classes.csv", "users.csv",
            "enrollments.csv")
OPTIONAL = ("demographics.csv",)
MAX_FILE_BYTES = 512 * 1024 * 1024  # per uncompressed file: a zip bomb stops here

ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
ROLES = ("administrator", "aide", "guardian", "parent", "proctor", "relative", "student",
         "teacher")
STAFF_ROLES = ("teacher", "administrator")
STATUSES = ("active", "tobedeleted")
# CEDS grade levels of OneRoster 1.1 that the program serves, and the project's code for each.
GRADES = {"TK": "TK", "KG": "KN", **{f"{g:02d}": f"{g:02d}" for g in range(1, 13)}}
SEX = {"male": Gender.M, "female": Gender.F}
RACE_FLAGS = {
    "americanIndianOrAlaskaNative": RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE,
    "asian": RaceEthnicity.ASIAN,
    "blackOrAfricanAmerican": RaceEthnicity.AFRICAN_AMERICAN,
    "nativeHawaiianOrOtherPacificIslander": RaceEthnicity.PACIFIC_ISLANDER,
    "white": RaceEthnicity.WHITE,
}
# What OneRoster does not carry: kept from the project, or taken from the supplementary CSV.
NOT_IN_ONEROSTER = {
    "disability": (Disability, Disability.NONE),
    "english_learner": (YesNo, YesNo.N),
    "foster_youth": (YesNo, YesNo.N),
    "homeless": (YesNo, YesNo.N),
    "socioeconomically_disadvantaged": (YesNo, YesNo.N),
}
SUPPLEMENT_NAME = "supplementary CSV"
SUPPLEMENT_COLUMNS = (
    "school_year", "student_id", "school_cds", "last_name", "first_name", "birth_date",
    "grade", "gender", "race_ethnicity", *NOT_IN_ONEROSTER,
)
CDS = re.compile(r"^\d{14}$")
SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
CHANGE_REASON = "import_oneroster"


# Errors by file -----------------------------------------------------------------------------


@dataclass
class FileError:
    file: str
    error: RowError

    def __str__(self) -> str:
        line = self.error.line if self.error.line else "-"
        return f"{self.file} line {line}, column {self.error.column}: {self.error.message}"


class BundleErrors(list):
    """Every error of a bundle, each naming its file."""

    def extend_from(self, file: str, errors: Errors) -> None:
        self.extend(FileError(file, e) for e in errors)

    def add(self, file: str, line: int, column: str, message: str) -> None:
        errors = Errors()
        errors.add(line, column, message)
        self.extend_from(file, errors)

    def sorted(self) -> list[FileError]:
        order = {name: i for i, name in enumerate([*FILES, SUPPLEMENT_NAME])}
        return sorted(self, key=lambda e: (order.get(e.file, 99), e.error.line))


# Reading the bundle ---------------------------------------------------------------------------


def read_bundle(source, errors: BundleErrors) -> dict[str, bytes]:
    """The files of a bundle (a zip file, its bytes, or a directory), by name."""
    found: dict[str, bytes] = {}
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    if isinstance(source, str | Path) and Path(source).is_dir():
        for name in FILES:
            path = Path(source) / name
            if path.is_file():
                if path.stat().st_size > MAX_FILE_BYTES:
                    errors.add(name, 0, "-", "The file is larger than 512 MB.")
                    continue
                found[name] = path.read_bytes()
    else:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            errors.add("bundle", 0, "-", f"Not a zip file or a directory ({exc}).")
            return {}
        with archive:
            members = {Path(info.filename).name: info for info in archive.infolist()
                       if not info.is_dir()}
            for name in FILES:
                info = members.get(name)
                if info is None:
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    errors.add(name, 0, "-", "The file is larger than 512 MB.")
                    continue
                found[name] = archive.read(info)
    for name in REQUIRED:
        if name not in found:
            errors.add(name, 0, "-",
                       "The file is missing from the bundle; a OneRoster 1.1 CSV bundle has "
                       + ", ".join(REQUIRED) + " (and optionally demographics.csv).")
    return found


def read_file(name: str, data: bytes, errors: BundleErrors) -> list[Row]:
    """One file: UTF-8 (a byte-order mark allowed, as spreadsheet exports write one), LF or
    CRLF line endings (RFC 4180, which OneRoster's CSV binding follows, uses CRLF), the
    standard's header in the standard's order."""
    file_errors = Errors()
    rows = read_csv(data, FILES[name], file_errors)
    if not file_errors and name != "manifest.csv":
        first = data.decode("utf-8-sig").splitlines()[0]
        header = next(csv.reader([first]))
        if [h.strip() for h in header] != list(FILES[name]):
            file_errors.add(1, "-", "The columns are out of order. Expected: "
                            + ",".join(FILES[name]) + ".")
    if not file_errors:
        return rows
    errors.extend_from(name, file_errors)
    return []


# The plan -------------------------------------------------------------------------------------


@dataclass
class Plan:
    school_year: str
    bulk_schools: list[dict] = field(default_factory=list)  # new schools
    school_names: list[dict] = field(default_factory=list)  # existing schools' names
    school_cds: set[str] = field(default_factory=set)
    students: list[dict] = field(default_factory=list)
    enrollments: list[dict] = field(default_factory=list)  # student_id still the district ID
    staff: list[dict] = field(default_factory=list)
    defaulted: int = 0  # enrollments that take the defaults for fields OneRoster lacks
    from_supplement: int = 0
    kept: int = 0  # enrollments that keep the project's values for those fields
    ignored_staff: int = 0


@dataclass
class Outcome:
    schools: Counts = field(default_factory=Counts)
    students: Counts = field(default_factory=Counts)
    enrollments: Counts = field(default_factory=Counts)
    removed: int = 0  # enrollments of the year whose student is no longer in the bundle
    staff: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return bool(
            self.schools.created or self.schools.updated or self.students.created
            or self.students.updated or self.enrollments.created or self.enrollments.updated
            or self.removed or self.staff.created
        )

    def lines(self, plan: Plan, *, with_staff: bool) -> list[str]:
        out = [
            f"schools: {self.schools}",
            f"students: {self.students}",
            f"enrollments {plan.school_year}: {self.enrollments}, {self.removed} removed "
            "(students no longer in the bundle; the students themselves are kept)",
        ]
        if with_staff:
            out.append(f"staff accounts (inactive): {self.staff.created} created, "
                       f"{self.staff.unchanged} already present")
        elif plan.ignored_staff:
            out.append(f"{plan.ignored_staff} teachers and administrators ignored "
                       "(--with-staff creates inactive accounts for them)")
        lacking = ", ".join(NOT_IN_ONEROSTER)
        out.append(
            f"not in OneRoster ({lacking}): {plan.from_supplement} enrollments from the "
            f"supplementary CSV, {plan.kept} keep the values already stored, "
            f"{plan.defaulted} new ones take the defaults (no disability, N)"
        )
        if not self.changed:
            out.append("Nothing changed: the bundle matches what is stored.")
        return out


def end_year(school_year: str) -> int | None:
    match = SCHOOL_YEAR.match(school_year or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        return None
    return int(match[1]) + 1


def _date(row: Row, column: str, errors: Errors, *, optional: bool = True) -> date | None:
    value = row[column]
    if not value:
        if not optional:
            errors.add(row.line, column, "A date is required.")
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad()
    except ValueError:
        errors.add(row.line, column, f"{quoted(value)} is not a date in the form 2025-08-13.")
        return None


def _bad():
    raise ValueError


def _flag(row: Row, column: str, errors: Errors) -> bool | None:
    value = row[column]
    if value in ("", "true", "false"):
        return {"": None, "true": True, "false": False}[value]
    errors.add(row.line, column, f"{quoted(value)} is not true, false or empty.")
    return None


def _unique(rows: list[Row], errors: Errors) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for row in rows:
        sid = row["sourcedId"]
        if not sid:
            errors.add(row.line, "sourcedId", "A value is required.")
        elif sid in out:
            errors.add(row.line, "sourcedId",
                       f"Duplicate sourcedId {quoted(sid)}: also on line {out[sid].line}.")
        else:
            out[sid] = row
    return out


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def race_ethnicity(flags: dict[str, bool | None], hispanic: bool | None) -> str:
    """The federal rule: Hispanic or Latino first, whatever the race; then two or more races;
    then the one race marked; nothing marked is "not reported"."""
    if hispanic:
        return RaceEthnicity.HISPANIC
    marked = [RACE_FLAGS[name] for name, value in flags.items()
              if name in RACE_FLAGS and value]
    if flags.get("demographicRaceTwoOrMoreRaces") or len(marked) > 1:
        return RaceEthnicity.TWO_OR_MORE
    if marked:
        return marked[0]
    return RaceEthnicity.NOT_REPORTED


class OneRosterImport:
    """Check a bundle (`check`), then write it (`write`) in one transaction."""

    def __init__(self, *, school_year: str | None = None, with_staff: bool = False,
                 supplement: bytes | None = None, progress: Progress | None = None):
        self.school_year = school_year
        self.with_staff = with_staff
        self.supplement = supplement
        self.progress = progress or Progress()
        self.errors = BundleErrors()

    # Checks -----------------------------------------------------------------------------------

    def check(self, source) -> Plan | None:
        files = read_bundle(source, self.errors)
        rows = {name: read_file(name, data, self.errors) for name, data in files.items()}
        if self.errors:
            return None
        self._manifest(rows["manifest.csv"])
        sessions = self._sessions(rows["academicSessions.csv"])
        orgs = self._orgs(rows["orgs.csv"])
        classes = self._classes(rows["classes.csv"], orgs, sessions)
        users = self._users(rows["users.csv"], orgs)
        demographics = self._demographics(rows.get("demographics.csv", []), users)
        if self.errors:
            return None
        year = self._year(sessions)
        if year is None:
            return None
        enrolled = self._enrollments(rows["enrollments.csv"], classes, orgs, users, sessions,
                                     year)
        supplement = self._supplement(year, users)
        if self.errors:
            return None
        return self._plan(year, orgs, users, demographics, enrolled, supplement)

    def _manifest(self, rows: list[Row]) -> None:
        errors = Errors()
        props = {}
        for row in rows:
            if row["propertyName"] in props:
                errors.add(row.line, "propertyName", "The property appears twice.")
            props[row["propertyName"]] = (row["value"], row.line)
        version, line = props.get("oneroster.version", ("", 1))
        if version != "1.1":
            errors.add(line, "value", f"oneroster.version is {quoted(version)}; this import reads "
                                      "OneRoster 1.1 CSV bundles.")
        for name in (*REQUIRED, *OPTIONAL):
            if name == "manifest.csv":
                continue
            key = f"file.{name.removesuffix('.csv')}"
            value, line = props.get(key, ("", 1))
            wanted = ("bulk", "absent") if name in OPTIONAL else ("bulk",)
            if value not in wanted:
                errors.add(line, "value",
                           f"{key} is {quoted(value)}; expected {' or '.join(wanted)} (delta "
                           "bundles are not supported: export a full, bulk bundle).")
        self.errors.extend_from("manifest.csv", errors)

    def _status(self, row: Row, errors: Errors) -> None:
        if row["status"] and row["status"] not in STATUSES:
            errors.add(row.line, "status", f"{quoted(row['status'])} is not one of: "
                                           f"{', '.join(STATUSES)}.")

    def _sessions(self, rows: list[Row]) -> dict[str, dict]:
        errors = Errors()
        out = {}
        for sid, row in _unique(rows, errors).items():
            self._status(row, errors)
            choice(row, "type", SESSION_TYPES_CHOICES, errors)
            start = _date(row, "startDate", errors, optional=False)
            end = _date(row, "endDate", errors, optional=False)
            year = row["schoolYear"]
            if not re.fullmatch(r"\d{4}", year):
                errors.add(row.line, "schoolYear",
                           f"{quoted(year)} is not a year like 2026 (the year the school year "
                           "ends).")
                year = None
            else:
                year = int(year)
                first, last = date(year - 1, 7, 1), date(year, 6, 30)
                for column, day in (("startDate", start), ("endDate", end)):
                    if day and not first <= day <= last:
                        errors.add(row.line, column,
                                   f"{day} is outside school year {year - 1}-{year % 100:02d} "
                                   f"({first} to {last}).")
                if start and end and end < start:
                    errors.add(row.line, "endDate", "The end date is before the start date.")
            out[sid] = {"row": row, "year": year, "start": start, "end": end,
                        "active": row["status"] != "tobedeleted"}
        for session in out.values():
            parent = session["row"]["parentSourcedId"]
            if parent and parent not in out:
                errors.add(session["row"].line, "parentSourcedId",
                           f"No academic session with sourcedId {quoted(parent)}.")
        self.errors.extend_from("academicSessions.csv", errors)
        return out

    def _year(self, sessions: dict[str, dict]) -> str | None:
        years = sorted({s["year"] for s in sessions.values()
                        if s["row"]["type"] == "schoolYear" and s["active"]})
        if self.school_year:
            end = end_year(self.school_year)
            if end is None:
                self.errors.add("--school-year", 0, "-",
                                f"{quoted(self.school_year)} is not a school year like 2025-26.")
                return None
            if not any(s["year"] == end for s in sessions.values()):
                self.errors.add("academicSessions.csv", 0, "schoolYear",
                                f"No academic session for {self.school_year} (schoolYear "
                                f"{end}); the bundle has: "
                                f"{', '.join(str(y) for y in years) or 'none'}.")
                return None
            return self.school_year
        if len(years) != 1:
            self.errors.add("academicSessions.csv", 0, "schoolYear",
                            "The bundle has sessions of several school years "
                            f"({', '.join(str(y) for y in years)}); choose one with "
                            "--school-year." if years else
                            "No academic session of type schoolYear; give --school-year.")
            return None
        return f"{years[0] - 1}-{years[0] % 100:02d}"

    def _orgs(self, rows: list[Row]) -> dict[str, dict]:
        errors = Errors()
        out = {}
        cds_seen: dict[str, int] = {}
        for sid, row in _unique(rows, errors).items():
            self._status(row, errors)
            kind = choice(row, "type", ORG_TYPES_CHOICES, errors)
            if not row["name"]:
                errors.add(row.line, "name", "A value is required.")
            elif len(row["name"]) > 200:
                errors.add(row.line, "name", "At most 200 characters.")
            if kind == "school":
                cds = row["identifier"]
                if not CDS.match(cds):
                    errors.add(row.line, "identifier",
                               f"{quoted(cds)} is not a CDS code: a school's identifier must be "
                               "its 14-digit CDS code.")
                elif cds in cds_seen:
                    errors.add(row.line, "identifier",
                               f"CDS code {cds} is also the identifier on line {cds_seen[cds]}.")
                else:
                    cds_seen[cds] = row.line
            out[sid] = {"row": row, "type": kind, "active": row["status"] != "tobedeleted"}
        for org in out.values():
            parent = org["row"]["parentSourcedId"]
            if parent and parent not in out:
                errors.add(org["row"].line, "parentSourcedId",
                           f"No org with sourcedId {quoted(parent)} in orgs.csv.")
        self.errors.extend_from("orgs.csv", errors)
        return out

    def _classes(self, rows, orgs, sessions) -> dict[str, dict]:
        errors = Errors()
        out = {}
        for sid, row in _unique(rows, errors).items():
            self._status(row, errors)
            school = row["schoolSourcedId"]
            if school not in orgs:
                errors.add(row.line, "schoolSourcedId",
                           f"No org with sourcedId {quoted(school)} in orgs.csv.")
            terms = _list(row["termSourcedIds"])
            if not terms:
                errors.add(row.line, "termSourcedIds", "A value is required.")
            for term in terms:
                if term not in sessions:
                    errors.add(row.line, "termSourcedIds",
                               f"No academic session with sourcedId {quoted(term)}.")
            years = {sessions[t]["year"] for t in terms if t in sessions}
            out[sid] = {"school": school, "years": years,
                        "active": row["status"] != "tobedeleted"}
        self.errors.extend_from("classes.csv", errors)
        return out

    def _users(self, rows, orgs) -> dict[str, dict]:
        errors = Errors()
        out = {}
        student_ids: dict[str, int] = {}
        for sid, row in _unique(rows, errors).items():
            self._status(row, errors)
            role = choice(row, "role", ROLES_CHOICES, errors)
            if row["enabledUser"] not in ("true", "false"):
                errors.add(row.line, "enabledUser",
                           f"{quoted(row['enabledUser'])} is not true or false.")
            schools = []
            for org in _list(row["orgSourcedIds"]):
                if org not in orgs:
                    errors.add(row.line, "orgSourcedIds",
                               f"No org with sourcedId {quoted(org)} in orgs.csv.")
                elif orgs[org]["type"] == "school":
                    schools.append(orgs[org]["row"]["identifier"])
            user = {"row": row, "role": role, "schools": schools, "grade": None,
                    "active": row["status"] != "tobedeleted"}
            if role == "student":
                identifier = row["identifier"]
                if not identifier:
                    errors.add(row.line, "identifier",
                               "A student's identifier (the district student ID) is required.")
                elif len(identifier) > 20:
                    errors.add(row.line, "identifier", "At most 20 characters.")
                elif identifier in student_ids:
                    errors.add(row.line, "identifier",
                               f"Student ID {quoted(identifier)} is also on line "
                               f"{student_ids[identifier]}.")
                else:
                    student_ids[identifier] = row.line
                for column in ("givenName", "familyName"):
                    if not row[column]:
                        errors.add(row.line, column, "A value is required.")
                    elif len(row[column]) > 100:
                        errors.add(row.line, column, "At most 100 characters.")
                grades = _list(row["grades"])
                if len(grades) > 1:
                    errors.add(row.line, "grades",
                               f"A student has one grade level; found {quoted(row['grades'])}.")
                elif grades and grades[0] not in GRADES:
                    errors.add(row.line, "grades",
                               f"{quoted(grades[0])} is not a grade the program serves: "
                               f"{', '.join(GRADES)}.")
                elif grades:
                    user["grade"] = GRADES[grades[0]]
            elif role in STAFF_ROLES and self.with_staff:
                if not (row["username"] or row["email"]):
                    errors.add(row.line, "username",
                               "A staff account needs a username or an email (--with-staff).")
                elif len(row["username"] or row["email"]) > 150:
                    errors.add(row.line, "username", "At most 150 characters.")
            out[sid] = user
        self.errors.extend_from("users.csv", errors)
        return out

    def _demographics(self, rows, users) -> dict[str, dict]:
        errors = Errors()
        out = {}
        today = timezone.localdate()
        for sid, row in _unique(rows, errors).items():
            self._status(row, errors)
            if sid not in users:
                errors.add(row.line, "sourcedId",
                           f"No user with sourcedId {quoted(sid)} in users.csv.")
            birth = _date(row, "birthDate", errors)
            if birth and not date(today.year - 30, 1, 1) <= birth <= today:
                errors.add(row.line, "birthDate",
                           f"{birth} is out of range for a student (from "
                           f"{today.year - 30}-01-01 to today).")
            sex = row["sex"]
            if sex and sex not in SEX:
                errors.add(row.line, "sex", f"{quoted(sex)} is not a OneRoster 1.1 sex (male, "
                                            "female); leave it empty and give the gender in the "
                                            "supplementary CSV.")
            flags = {name: _flag(row, name, errors)
                     for name in (*RACE_FLAGS, "demographicRaceTwoOrMoreRaces")}
            hispanic = _flag(row, "hispanicOrLatinoEthnicity", errors)
            # countryOfBirthCode, stateOfBirthAbbreviation, cityOfBirth and
            # publicSchoolResidenceStatus are never read: no birthplace or residence status
            # is kept (Ed Code 234.7).
            out[sid] = {
                "birth_date": birth,
                "gender": SEX.get(sex),
                "race_ethnicity": race_ethnicity(flags, hispanic),
            }
        self.errors.extend_from("demographics.csv", errors)
        return out

    def _enrollments(self, rows, classes, orgs, users, sessions, year) -> dict[str, str]:
        """Student sourcedId -> school CDS for the school year."""
        errors = Errors()
        end = end_year(year)
        first, last = date(end - 1, 7, 1), date(end, 6, 30)
        latest: dict[str, tuple] = {}
        for row in _unique(rows, errors).values():
            self._status(row, errors)
            klass = classes.get(row["classSourcedId"])
            if klass is None:
                errors.add(row.line, "classSourcedId",
                           f"No class with sourcedId {quoted(row['classSourcedId'])}.")
            org = orgs.get(row["schoolSourcedId"])
            if org is None:
                errors.add(row.line, "schoolSourcedId",
                           f"No org with sourcedId {quoted(row['schoolSourcedId'])} in orgs.csv.")
            elif org["type"] != "school":
                errors.add(row.line, "schoolSourcedId",
                           f"Org {quoted(row['schoolSourcedId'])} is a {org['type']}, not a "
                           "school.")
            user = users.get(row["userSourcedId"])
            if user is None:
                errors.add(row.line, "userSourcedId",
                           f"No user with sourcedId {quoted(row['userSourcedId'])} in users.csv.")
            choice(row, "role", ROLES_CHOICES, errors)
            if row["primary"] not in ("", "true", "false"):
                errors.add(row.line, "primary", f"{quoted(row['primary'])} is not true or false.")
            begin = _date(row, "beginDate", errors)
            finish = _date(row, "endDate", errors)
            in_year = klass is not None and end in klass["years"]
            if in_year:
                for column, day in (("beginDate", begin), ("endDate", finish)):
                    if day and not first <= day <= last:
                        errors.add(row.line, column,
                                   f"{day} is outside school year {year} ({first} to {last}).")
            if begin and finish and finish < begin:
                errors.add(row.line, "endDate", "The end date is before the begin date.")
            if (
                in_year and user is not None and org is not None and org["type"] == "school"
                and org["active"]
                and row["role"] == "student" and user["role"] == "student"
                and row["status"] != "tobedeleted" and klass["active"] and user["active"]
            ):
                key = (begin or first, org["row"]["identifier"])
                earlier = latest.get(row["userSourcedId"])
                if earlier and earlier[0] == key[0] and earlier[1] != key[1]:
                    errors.add(row.line, "schoolSourcedId",
                               f"The student is enrolled at two schools from the same date "
                               f"(also line {earlier[2]}); end one enrollment with endDate.")
                if earlier is None or key[0] > earlier[0]:
                    latest[row["userSourcedId"]] = (*key, row.line)
        self.errors.extend_from("enrollments.csv", errors)
        return {sid: school for sid, (_, school, _) in latest.items()}

    def _supplement(self, year, users) -> dict[str, dict]:
        if self.supplement is None:
            return {}
        errors = Errors()
        rows = read_csv(self.supplement, SUPPLEMENT_COLUMNS, errors)
        ids = {u["row"]["identifier"] for u in users.values() if u["role"] == "student"}
        out = {}
        for row in rows:
            if row["school_year"] != year:
                errors.add(row.line, "school_year",
                           f"{quoted(row['school_year'])}: this import is for {year}.")
            if row["student_id"] not in ids:
                errors.add(row.line, "student_id",
                           f"No student with identifier {quoted(row['student_id'])} in the "
                           "bundle's users.csv.")
            elif row["student_id"] in out:
                errors.add(row.line, "student_id", "The student appears twice.")
            values = {c: choice(row, c, codes, errors)
                      for c, (codes, _) in NOT_IN_ONEROSTER.items()}
            if row["gender"]:
                values["gender"] = choice(row, "gender", Gender, errors)
            if row["race_ethnicity"]:
                values["race_ethnicity"] = choice(row, "race_ethnicity", RaceEthnicity, errors)
            out[row["student_id"]] = values
        self.errors.extend_from(SUPPLEMENT_NAME, errors)
        return out

    # Plan ---------------------------------------------------------------------------------------

    def _plan(self, year, orgs, users, demographics, enrolled, supplement) -> Plan:
        plan = Plan(school_year=year)
        errors = Errors()
        school_orgs = [o for o in orgs.values() if o["type"] == "school" and o["active"]]
        plan.school_cds = {o["row"]["identifier"] for o in school_orgs}
        existing_schools = _lookup(School, "cds_code", plan.school_cds)
        grades_at: dict[str, list[str]] = defaultdict(list)
        students = {sid: u for sid, u in users.items() if u["role"] == "student" and u["active"]}
        for sid, cds in enrolled.items():
            if students[sid]["grade"]:
                grades_at[cds].append(students[sid]["grade"])
        for org in school_orgs:
            cds, name = org["row"]["identifier"], org["row"]["name"]
            if cds in existing_schools:
                plan.school_names.append({"cds_code": cds, "name": name})
            else:
                grades = sorted(grades_at[cds], key=GRADE_ORDER.index) or ["09", "12"]
                plan.bulk_schools.append({"cds_code": cds, "name": name,
                                          "grade_low": grades[0], "grade_high": grades[-1]})

        ids = {u["row"]["identifier"] for u in students.values()}
        stored = _lookup(Student, "student_id", ids)
        stored_pks = {s.pk: s.student_id for s in stored.values()}
        this_year, earlier = {}, {}
        for chunk in _batches(sorted(stored_pks), 900):
            for e in (Enrollment.objects.filter(student_id__in=chunk, school_year__lte=year)
                      .order_by("school_year")):
                if e.school_year == year:
                    this_year[stored_pks[e.student_id]] = e
                else:
                    earlier[stored_pks[e.student_id]] = e  # the latest earlier year wins
        for sid, user in self.progress.each(list(students.items()), "planning students"):
            row = user["row"]
            identifier = row["identifier"]
            demo = demographics.get(sid)
            known = stored.get(identifier)
            plan.students.append({
                "student_id": identifier,
                "last_name": row["familyName"],
                "first_name": row["givenName"],
                "birth_date": demo["birth_date"] if demo and demo["birth_date"] else (
                    known.birth_date if known else None),
            })
            if sid not in enrolled:
                continue
            previous = this_year.get(identifier) or earlier.get(identifier)
            extra = supplement.get(identifier)
            if user["grade"] is None:
                errors.add(row.line, "grades",
                           f"Student {quoted(identifier)} is enrolled in {year} but has no "
                           "grade level.")
                continue
            gender = (demo or {}).get("gender") or (extra or {}).get("gender") or (
                previous.gender if previous else None)
            if demo:
                race = demo["race_ethnicity"]
            else:
                race = (extra or {}).get("race_ethnicity") or (
                    previous.race_ethnicity if previous else None)
            if gender is None or race is None:
                missing = "sex" if gender is None else "race and ethnicity"
                errors.add(row.line, "sourcedId",
                           f"Student {quoted(identifier)} has no {missing}: add it to "
                           "demographics.csv, or give gender and race_ethnicity in the "
                           "supplementary CSV.")
                continue
            if extra:
                lacking = {c: extra[c] for c in NOT_IN_ONEROSTER}
                plan.from_supplement += 1
            elif previous:
                lacking = {c: getattr(previous, c) for c in NOT_IN_ONEROSTER}
                plan.kept += 1
            else:
                lacking = {c: default for c, (_, default) in NOT_IN_ONEROSTER.items()}
                plan.defaulted += 1
            plan.enrollments.append({
                "student_id": identifier, "school_year": year, "school_cds": enrolled[sid],
                "grade": user["grade"], "gender": gender, "race_ethnicity": race, **lacking,
            })
        for user in users.values():
            if user["role"] in STAFF_ROLES and user["active"]:
                if not self.with_staff:
                    plan.ignored_staff += 1
                    continue
                row = user["row"]
                plan.staff.append({
                    "username": row["username"] or row["email"], "email": row["email"],
                    "first_name": row["givenName"][:150], "last_name": row["familyName"][:150],
                    "schools": user["schools"],
                })
        self.errors.extend_from("users.csv", errors)
        return plan

    # Counting and writing -------------------------------------------------------------------

    def planned(self, plan: Plan) -> Outcome:
        """What `write` would do, computed exactly like it (for the dry run)."""
        outcome = Outcome()
        names = _existing(School, ("cds_code",), plan.school_names)
        outcome.schools = Counts(
            created=len(plan.bulk_schools),
            updated=sum(names[(s["cds_code"],)].name != s["name"] for s in plan.school_names),
        )
        outcome.schools.unchanged = len(plan.school_names) - outcome.schools.updated
        outcome.students = _diff(Student, ("student_id",), plan.students)
        pks = dict(_pairs(Student, "student_id", {s["student_id"] for s in plan.students}))
        schools = dict(_pairs(School, "cds_code", plan.school_cds))
        enrollments = [
            _enrollment_item(e, pks.get(e["student_id"], -1), schools.get(e["school_cds"], -1))
            for e in plan.enrollments
        ]
        outcome.enrollments = _diff(Enrollment, ("student_id", "school_year"), enrollments)
        outcome.removed = self._stale(plan, pks).count()
        outcome.staff = self._staff_counts(plan)
        return outcome

    def write(self, plan: Plan) -> Outcome:
        outcome = Outcome()
        with transaction.atomic():
            outcome.schools = (
                upsert(School, ("cds_code",), plan.bulk_schools, self.progress)
                + upsert(School, ("cds_code",), plan.school_names, self.progress)
            )
            outcome.students = upsert(Student, ("student_id",), plan.students, self.progress)
            pks = dict(_pairs(Student, "student_id", {s["student_id"] for s in plan.students}))
            schools = dict(_pairs(School, "cds_code", plan.school_cds))
            enrollments = [_enrollment_item(e, pks[e["student_id"]], schools[e["school_cds"]])
                           for e in plan.enrollments]
            outcome.enrollments = upsert(Enrollment, ("student_id", "school_year"), enrollments,
                                         self.progress)
            stale = self._stale(plan, pks)
            for enrollment in stale:  # one by one, so that each removal keeps its history
                enrollment._change_reason = CHANGE_REASON
                enrollment.delete()
                outcome.removed += 1
            outcome.staff = self._write_staff(plan)
        return outcome

    def _stale(self, plan: Plan, pks: dict[str, int]):
        """This year's enrollments at the bundle's schools whose student is not enrolled in it."""
        kept = {pks[e["student_id"]] for e in plan.enrollments if e["student_id"] in pks}
        ids = [
            pk for pk in Enrollment.objects.filter(
                school_year=plan.school_year, school__cds_code__in=plan.school_cds
            ).values_list("student_id", flat=True)
            if pk not in kept
        ]
        return Enrollment.objects.filter(school_year=plan.school_year, student_id__in=ids)

    def _staff_counts(self, plan: Plan) -> Counts:
        names = {s["username"] for s in plan.staff}
        found = set(get_user_model().objects.filter(username__in=names)
                    .values_list("username", flat=True))
        return Counts(created=len(names - found), unchanged=len(found & names))

    def _write_staff(self, plan: Plan) -> Counts:
        """Inactive accounts in the Staff role, bound to their schools, for the District
        administrator to activate. Existing accounts are left as they are."""
        counts = self._staff_counts(plan)
        if not plan.staff:
            return counts
        User = get_user_model()
        existing = set(User.objects.filter(username__in=[s["username"] for s in plan.staff])
                       .values_list("username", flat=True))
        group = Group.objects.get_or_create(name=STAFF)[0]
        schools = dict(_pairs(School, "cds_code", plan.school_cds))
        for item in plan.staff:
            if item["username"] in existing:
                continue
            user = User(username=item["username"], email=item["email"],
                        first_name=item["first_name"], last_name=item["last_name"],
                        is_active=False)
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            for cds in item["schools"]:
                if cds in schools:
                    SchoolMembership.objects.create(user=user, school_id=schools[cds])
        return counts


SESSION_TYPES_CHOICES = [(t, t) for t in SESSION_TYPES]
ORG_TYPES_CHOICES = [(t, t) for t in ORG_TYPES]
ROLES_CHOICES = [(t, t) for t in ROLES]


def _enrollment_item(e: dict, student_pk: int, school_pk: int) -> dict:
    item = {k: v for k, v in e.items() if k != "school_cds"}
    return {**item, "student_id": student_pk, "school_id": school_pk}


def _diff(model, key, items) -> Counts:
    existing = _existing(model, key, items)
    fields = [f for f in items[0] if f not in key] if items else []
    counts = Counts()
    for item in items:
        obj = existing.get(tuple(item[k] for k in key))
        if obj is None:
            counts.created += 1
        elif any(getattr(obj, f) != item[f] for f in fields):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def _pairs(model, field_name: str, values: set[str]):
    for chunk in _batches(sorted(values), 900):
        yield from model.objects.filter(**{f"{field_name}__in": chunk}).values_list(
            field_name, "pk")


@dataclass
class Report:
    errors: list[FileError]
    plan: Plan | None = None
    outcome: Outcome | None = None


def import_bundle(source, *, school_year=None, dry_run=False, with_staff=False,
                  supplement: bytes | None = None, progress: Progress | None = None) -> Report:
    """Check a bundle and, unless it has an error or this is a dry run, write it."""
    job = OneRosterImport(school_year=school_year, with_staff=with_staff, supplement=supplement,
                          progress=progress)
    plan = job.check(source)
    if job.errors or plan is None:
        return Report(errors=job.errors.sorted())
    outcome = job.planned(plan) if dry_run else job.write(plan)
    return Report(errors=[], plan=plan, outcome=outcome)
