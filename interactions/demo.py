"""Demo roster, interactions and record-access requests; called by `seed_demo` after the
organisation, MOUs and assignments (see sro_program.demo.DemoContext).

The roster resembles a Southern California union high school district: majority Hispanic,
about 70% socioeconomically disadvantaged, 12% IDEA, 15% English learners. Students advance a
grade each year; seniors leave and a new 9th grade arrives. Interactions come at a few per 100
students a year, with a disparity to find: African American students, students with an IEP,
foster youth and boys are contacted more often, and arrested more often once contacted. The
rates are those of the knobs below, not of any real district.

Everything is inserted with bulk_create in batches, with the measure flags computed in Python
and the officer drawn from per-school assignment pools, so `seed_demo --interactions 1000000`
runs in minutes (no query per row). Bulk inserts bypass simple_history on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from itertools import accumulate
from random import Random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from sro_program.demo import record_first_history
from sro_program.models import Assignment

from .codes import OUTSIDE_SRO_ROLE_REASONS, derived_fields
from .models import Enrollment, Interaction, RecordAccessRequest, Student

BATCH = 5000
ID_BASE = 2_000_000  # district student IDs are 7 digits

# Roster shares (California reporting groups).
RACE = {
    "hispanic": 0.65, "white": 0.15, "asian": 0.06, "filipino": 0.03,
    "african_american": 0.05, "two_or_more": 0.04, "pacific_islander": 0.005,
    "american_indian_alaska_native": 0.005, "not_reported": 0.01,
}
SED_BY_RACE = {
    "hispanic": 0.82, "african_american": 0.75, "american_indian_alaska_native": 0.75,
    "pacific_islander": 0.70, "not_reported": 0.60, "two_or_more": 0.55, "filipino": 0.45,
    "asian": 0.45, "white": 0.35,
}
EL_BY_RACE = {"hispanic": 0.19, "asian": 0.15, "filipino": 0.06}  # others 2%
GENDER = {"F": 0.49, "M": 0.50, "X": 0.01}
IDEA, SECTION_504, FOSTER, HOMELESS = 0.12, 0.03, 0.006, 0.025
# Relative school sizes; the last school is the small continuation school (grades 10-12).
SCHOOL_SIZE = [1.15, 1.0, 0.95, 1.05, 0.85, 0.12]

# Interactions: contacts per student per year, and who is contacted more (the disparity).
CONTACT_RATE = 0.045
CONTACT_WEIGHT = {
    "race": {"african_american": 2.2, "two_or_more": 1.2, "hispanic": 1.1, "asian": 0.6,
             "filipino": 0.7},
    "disability": {"idea": 1.7, "504": 1.2},
    "gender": {"M": 1.4, "X": 1.2},
    "foster_youth": 2.0, "homeless": 1.6, "sed": 1.25, "continuation": 3.0,
}
ARREST_WEIGHT = {"african_american": 1.6, "hispanic": 1.15, "idea": 1.3}

REASONS = {
    "offense_against_person": 0.14, "property_offense": 0.10, "weapons": 0.04,
    "drugs_alcohol": 0.16, "threat_to_safety": 0.10, "welfare_check": 0.10, "truancy": 0.07,
    "traffic": 0.03, "assist_other_agency": 0.04, "code_of_conduct": 0.10,
    "mental_health_crisis": 0.05, "other": 0.07,
}
INITIATED = {
    "staff_referral": 0.45, "sro_observed": 0.25, "student_request": 0.08,
    "parent_request": 0.05, "call_for_service": 0.12, "other": 0.05,
}
STAFF_ROLES = {"administrator": 0.45, "teacher": 0.25, "campus_supervisor": 0.15,
               "counselor": 0.10, "other_staff": 0.05}
LOCATIONS = {"campus": 0.80, "school_activity": 0.08, "school_transport": 0.04,
             "off_campus": 0.08}
# Probability of each outcome given the reason (default, then per-reason overrides).
OUTCOME_P = {
    "warning": 0.30, "referral_school_admin": 0.35, "referral_support": 0.20,
    "restorative": 0.12, "parent_contacted": 0.50, "misconduct_report": 0.15,
    "statement_obtained": 0.20, "search": 0.10, "citation": 0.09, "diversion_referral": 0.06,
    "prosecution_referral": 0.04, "arrest": 0.06,
}
OUTCOME_BY_REASON = {
    "weapons": {"search": 0.6, "arrest": 0.30, "prosecution_referral": 0.15},
    "drugs_alcohol": {"search": 0.5, "citation": 0.20, "diversion_referral": 0.15},
    "offense_against_person": {"arrest": 0.14, "citation": 0.12, "restorative": 0.18},
    "property_offense": {"citation": 0.15, "restorative": 0.20},
    "mental_health_crisis": {"referral_support": 0.85, "arrest": 0.0, "citation": 0.0},
    "welfare_check": {"referral_support": 0.50, "arrest": 0.0, "citation": 0.0},
    "code_of_conduct": {"referral_school_admin": 0.75, "arrest": 0.02, "citation": 0.03},
    "truancy": {"parent_contacted": 0.80, "arrest": 0.0},
}
JUSTIFICATIONS = {
    "code_of_conduct": [
        "Fight in progress; administrator asked the SRO to stand by while students were separated.",
        "Vice principal requested presence during a search of a backpack reported to hold a knife.",
        "Student refused to leave a classroom after repeated staff requests; SRO asked to assist.",
    ],
    "mental_health_crisis": [
        "Imminent danger: student on the roof ledge; counselor asked the SRO to stay until the "
        "PET team arrived.",
        "Imminent danger: student with a blade threatening self-harm; school psychologist present.",
    ],
}
NARRATIVES = [
    "SRO responded and spoke with the student; staff present throughout.",
    "Student cooperative. Parent contacted by the assistant principal.",
    "Handled with the counselor; follow-up meeting scheduled.",
    "Incident reported by campus supervisor at lunch; statements taken.",
    "",
]
VOID_REASONS = ["Entered twice by mistake.", "Wrong student selected; re-entered correctly."]

LAST_NAMES = {
    "hispanic": ["Garcia", "Hernandez", "Lopez", "Martinez", "Gonzalez", "Rodriguez", "Perez",
                 "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Morales",
                 "Reyes", "Gutierrez", "Ortiz", "Chavez", "Ruiz", "Alvarez", "Mendoza", "Vargas",
                 "Castillo", "Jimenez", "Salazar", "Aguilar", "Herrera", "Medina", "Guzman"],
    "white": ["Smith", "Johnson", "Miller", "Anderson", "Wilson", "Taylor", "Moore", "Martin",
              "Thompson", "Clark", "Walker", "Hall", "Young", "King", "Wright", "Baker"],
    "asian": ["Nguyen", "Tran", "Le", "Pham", "Kim", "Lee", "Park", "Chen", "Wang", "Patel",
              "Singh", "Huynh"],
    "filipino": ["Santos", "Bautista", "Dela Cruz", "Villanueva", "Aquino", "Ocampo", "Mercado"],
    "african_american": ["Johnson", "Williams", "Brown", "Jones", "Davis", "Jackson", "Harris",
                         "Robinson", "Washington", "Coleman"],
    "pacific_islander": ["Fifita", "Tuilagi", "Kealoha", "Faleolo", "Mahe"],
    "american_indian_alaska_native": ["Begay", "Yazzie", "Tsosie", "Benally"],
}
FIRST_NAMES = {
    "F": ["Sofia", "Isabella", "Camila", "Valeria", "Emily", "Mia", "Ashley", "Daniela",
          "Olivia", "Ava", "Jasmine", "Angelina", "Grace", "Maya", "Aaliyah", "Leilani"],
    "M": ["Daniel", "Jose", "Angel", "Adrian", "Ethan", "Diego", "Jayden", "Anthony", "Luis",
          "Noah", "Christopher", "Isaiah", "Kevin", "Marcus", "Ryan", "Mateo"],
    "X": ["Alex", "Jordan", "River", "Sky", "Avery", "Rowan"],
}


def _pick(rng: Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def school_years(years: int, today: dt.date | None = None) -> list[str]:
    """The last `years` school years, ending with the one in progress today, so that demo
    users can log an interaction dated now (its student needs an enrollment this year)."""
    today = today or timezone.localdate()
    last_start = today.year if today.month >= 7 else today.year - 1
    return [
        f"{start}-{(start + 1) % 100:02d}"
        for start in range(last_start - years + 1, last_start + 1)
    ]


def year_fraction(year: str, today: dt.date) -> float:
    """The share of a school year's days that have passed: a year in progress gets that
    share of a full year's contacts."""
    full = len(school_days(year, dt.date.max))
    return len(school_days(year, today)) / full if full else 0.0


def seed(ctx) -> None:
    if Student.objects.exists():
        ctx.say("  students already on record; leaving roster and interactions as they are")
        return
    years = school_years(ctx.years)
    roster = build_roster(ctx, years)
    ctx.extra["school_years"] = years
    ctx.extra["current_school_year"] = years[-1]
    ctx.extra["roster_counts"] = {y: len(rows) for y, rows in roster.items()}
    made = seed_interactions(ctx, roster)
    ctx.extra["interactions"] = made
    seed_record_access(ctx, roster[years[-1]])
    seed_transfer(ctx, years)
    # Bulk-loaded rows get the first history row that a record made in the application has.
    for model in (Student, Enrollment, Interaction):
        record_first_history(model)


# Roster ------------------------------------------------------------------------------------------


class _Kid:
    """A demo student's stable attributes, kept while the roster advances a year."""

    __slots__ = ("pk", "sid", "school", "grade", "race", "gender", "disability", "el", "foster",
                 "homeless", "sed")


def _new_student(rng: Random, n: int, school: int, grade: int) -> _Kid:
    kid = _Kid()
    kid.sid = str(ID_BASE + n)
    kid.school, kid.grade = school, grade
    kid.race = _pick(rng, RACE)
    kid.gender = _pick(rng, GENDER)
    continuation = school == len(SCHOOL_SIZE) - 1
    r = rng.random()
    idea = IDEA * (1.6 if continuation else 1.0)
    kid.disability = "idea" if r < idea else "504" if r < idea + SECTION_504 else "none"
    kid.el = rng.random() < EL_BY_RACE.get(kid.race, 0.02) * (1.25 if grade == 9 else 1.0)
    kid.foster = rng.random() < FOSTER * (3 if continuation else 1)
    kid.homeless = rng.random() < HOMELESS * (2 if continuation else 1)
    kid.sed = rng.random() < min(0.97, SED_BY_RACE[kid.race] * (1.15 if continuation else 1.0))
    return kid


def build_roster(ctx, years: list[str]) -> dict[str, list[tuple[_Kid, int]]]:
    """Create students and one enrollment per student per year. Returns, per school year, the
    (student, enrollment pk) pairs (each enrollment's demographics are the kid's at the time)."""
    rng = ctx.rng
    schools = ctx.schools
    sizes = SCHOOL_SIZE[: len(schools)] + [1.0] * max(0, len(schools) - len(SCHOOL_SIZE))
    total = sum(sizes)
    per_school = [max(8, round(ctx.students * s / total)) for s in sizes]
    counter = 0
    kids: list[_Kid] = []

    def arrive(school_index: int, grade: int, count: int) -> None:
        nonlocal counter
        for _ in range(count):
            kids.append(_new_student(rng, counter, school_index, grade))
            counter += 1

    for index, size in enumerate(per_school):
        low = int(schools[index].grade_low)
        grades = list(range(max(9, low), 13))
        for grade in grades:
            arrive(index, grade, round(size / len(grades)))

    roster: dict[str, list] = {}
    for y, year in enumerate(years):
        if y:
            # A year passes: seniors leave, everyone else moves up, a new 9th grade arrives,
            # some students move to the continuation school, some English learners reclassify.
            kids = [k for k in kids if k.grade < 12]
            for kid in kids:
                kid.grade += 1
                if kid.el and rng.random() < 0.18:
                    kid.el = False
                if kid.school != len(schools) - 1 and kid.grade >= 10 and rng.random() < 0.008:
                    kid.school = len(schools) - 1
            for index, size in enumerate(per_school):
                if int(schools[index].grade_low) <= 9:
                    arrive(index, 9, round(size / 4))
        new = [k for k in kids if not hasattr(k, "pk")]
        created = Student.objects.bulk_create(
            [Student(student_id=k.sid, last_name=_last_name(rng, k.race),
                     first_name=rng.choice(FIRST_NAMES[k.gender]),
                     birth_date=_birth_date(rng, k.grade, year)) for k in new],
            batch_size=BATCH,
        )
        # SQLite and PostgreSQL return the new primary keys from bulk_create.
        pks = {s.student_id: s.pk for s in created}
        for kid in new:
            kid.pk = pks[kid.sid]
        enrollments = Enrollment.objects.bulk_create(
            [_enrollment(k, year, schools) for k in kids], batch_size=BATCH
        )
        enrollment_pks = {e.student_id: e.pk for e in enrollments}
        roster[year] = [(_freeze(k), enrollment_pks[k.pk]) for k in kids]
        ctx.say(f"  {year}: {len(kids)} students enrolled ({len(new)} new)")
    return roster


def _freeze(kid: _Kid) -> _Kid:
    copy = _Kid()
    for slot in _Kid.__slots__:
        setattr(copy, slot, getattr(kid, slot))
    return copy


def _last_name(rng: Random, race: str) -> str:
    if race in LAST_NAMES:
        return rng.choice(LAST_NAMES[race])
    return rng.choice(LAST_NAMES[rng.choice(["hispanic", "white", "asian", "african_american"])])


def _birth_date(rng: Random, grade: int, year: str) -> dt.date:
    start = int(year[:4])
    # On September 1 of the school year a 9th grader is 14: born Sep 2 .. Sep 1 fifteen years on.
    born_from = dt.date(start - grade - 6, 9, 2)
    return born_from + dt.timedelta(days=rng.randrange(365))


def _enrollment(kid: _Kid, year: str, schools) -> Enrollment:
    yn = {True: "Y", False: "N"}
    return Enrollment(
        student_id=kid.pk, school_year=year, school=schools[kid.school],
        grade=f"{kid.grade:02d}", gender=kid.gender, race_ethnicity=kid.race,
        disability=kid.disability, english_learner=yn[kid.el], foster_youth=yn[kid.foster],
        homeless=yn[kid.homeless], socioeconomically_disadvantaged=yn[kid.sed],
    )


# Interactions ------------------------------------------------------------------------------------


def _contact_weight(kid: _Kid, continuation: bool) -> float:
    w = CONTACT_WEIGHT
    weight = w["race"].get(kid.race, 1.0) * w["disability"].get(kid.disability, 1.0)
    weight *= w["gender"].get(kid.gender, 1.0)
    if kid.foster:
        weight *= w["foster_youth"]
    if kid.homeless:
        weight *= w["homeless"]
    if kid.sed:
        weight *= w["sed"]
    if continuation:
        weight *= w["continuation"]
    if kid.grade in (9, 10):
        weight *= 1.1
    return weight


def school_days(year: str, today: dt.date) -> list[dt.date]:
    """Weekdays of the instructional year (mid-August to early June) without the breaks; none
    after today."""
    start = int(year[:4])
    first, last = dt.date(start, 8, 13), min(dt.date(start + 1, 6, 5), today)
    breaks = [
        (dt.date(start, 11, 24), dt.date(start, 11, 28)),
        (dt.date(start, 12, 20), dt.date(start + 1, 1, 5)),
        (dt.date(start + 1, 3, 30), dt.date(start + 1, 4, 3)),
    ]
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in breaks):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _Officers:
    """Officers assigned at each school, by date, from one query; the school's fallback officer
    (ctx.officers by school index) where no assignment is on record."""

    def __init__(self, ctx):
        self.by_school: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
        for school_id, officer_id, start, end in Assignment.objects.filter(
            school__in=ctx.schools, officer__sworn=True
        ).values_list("school_id", "officer_id", "start_date", "end_date"):
            self.by_school[school_id].append((start, end, officer_id))
        self.fallback = {
            s.pk: ctx.officers[i % len(ctx.officers)].pk for i, s in enumerate(ctx.schools)
        }
        self.cache: dict[tuple[int, dt.date], list[int]] = {}

    def on(self, school_id: int, day: dt.date) -> list[int]:
        key = (school_id, day)
        if key not in self.cache:
            active = [
                officer for start, end, officer in self.by_school[school_id]
                if start <= day and (end is None or end >= day)
            ]
            self.cache[key] = active or [self.fallback[school_id]]
        return self.cache[key]


def _targets(ctx, roster: dict[str, list]) -> dict[tuple[str, int], int]:
    """Interactions per (year, school index): realistic rates, or ctx.interactions shared out
    in the same proportions."""
    continuation = len(ctx.schools) - 1
    today = timezone.localdate()
    base: dict[tuple[str, int], float] = defaultdict(float)
    for year, rows in roster.items():
        for kid, _ in rows:
            base[(year, kid.school)] += _contact_weight(kid, kid.school == continuation)
    # A school year in progress has had only part of its days.
    weights = {key: w * year_fraction(key[0], today) for key, w in base.items()}
    if ctx.interactions is None:
        # CONTACT_RATE per student-year on average; the weights only move contacts around.
        mean = sum(base.values()) / max(1, sum(len(rows) for rows in roster.values()))
        return {key: round(w / mean * CONTACT_RATE) for key, w in weights.items()}
    total = sum(weights.values()) or 1
    targets = {key: int(ctx.interactions * w / total) for key, w in weights.items()}
    short = ctx.interactions - sum(targets.values())
    for key in sorted(weights, key=weights.get, reverse=True)[:short]:
        targets[key] += 1
    return targets


def seed_interactions(ctx, roster: dict[str, list]) -> int:
    rng = ctx.rng
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    officers = _Officers(ctx)
    users = _users(ctx)
    continuation = len(ctx.schools) - 1
    targets = _targets(ctx, roster)
    total_target = sum(targets.values())
    made = 0
    batch: list[Interaction] = []
    next_report = max(1, total_target // 10)
    for (year, index), target in targets.items():
        days = school_days(year, today)
        if not target or not days:
            continue
        school = ctx.schools[index]
        pool = [(k, e) for k, e in roster[year] if k.school == index]
        cum = list(accumulate(_contact_weight(k, index == continuation) for k, _ in pool))
        enrollment_of = {e: k for k, e in pool}
        demographics = {e: _demographics(k) for k, e in pool}
        student_of = {e: k.pk for k, e in pool}
        picks = rng.choices([e for _, e in pool], cum_weights=cum, k=target)
        for enrollment_pk in picks:
            kid = enrollment_of[enrollment_pk]
            day = rng.choice(days)
            minute = rng.randrange(7 * 60 + 15, 15 * 60 + 45)
            occurred = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                                   tzinfo=tz)
            batch.append({
                "school_id": school.pk, "occurred_at": occurred,
                "officer_id": rng.choice(officers.on(school.pk, day)),
                "student_id": student_of[enrollment_pk], **demographics[enrollment_pk],
                **_interaction_fields(rng, kid, occurred, users[index]),
            })
            if len(batch) >= BATCH:
                _insert(Interaction, batch)
                made += len(batch)
                batch = []
                if made >= next_report:
                    ctx.say(f"  interactions: {made:,} of {total_target:,}")
                    next_report += max(1, total_target // 10)
    if batch:
        _insert(Interaction, batch)
        made += len(batch)
    ctx.say(f"  {made:,} interactions over {len(roster)} school year(s)")
    return made


def _insert(model, rows: list[dict]) -> None:
    """Insert field dicts (attnames). On PostgreSQL through COPY, which is several times faster
    than bulk_create for a million rows; elsewhere through bulk_create. Fields a dict leaves out
    take their model default, as bulk_create would give them."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    as_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {table} ({columns}) FROM STDIN"
    ) as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                values.append(json.dumps(value) if f.attname in as_json else value)
            copy.write_row(values)


def _demographics(kid: _Kid) -> dict[str, str]:
    yn = {True: "Y", False: "N"}
    return {
        "grade": f"{kid.grade:02d}", "gender": kid.gender, "race_ethnicity": kid.race,
        "disability": kid.disability, "english_learner": yn[kid.el],
        "foster_youth": yn[kid.foster], "homeless": yn[kid.homeless],
        "socioeconomically_disadvantaged": yn[kid.sed],
    }


def _users(ctx) -> dict[int, tuple]:
    """Per school index: (users who log, the reviewer or None)."""
    User = get_user_model()
    by_name = {u.username: u for u in User.objects.filter(username__startswith="staff")}
    by_name.update(ctx.users)
    out = {}
    for index in range(len(ctx.schools)):
        names = [f"staff.{index + 1}.{k}" for k in (1, 2, 3)]
        names += [{0: "staff", 1: "staff2"}.get(index, "")]
        loggers = [by_name[n].pk for n in names if n in by_name]
        reviewer = by_name["site.admin"].pk if index == 0 and "site.admin" in by_name else None
        out[index] = (loggers or [None], reviewer)
    return out


def _interaction_fields(rng: Random, kid: _Kid, occurred: dt.datetime, users) -> dict:
    reason = _pick(rng, REASONS)
    initiated = _pick(rng, INITIATED)
    if rng.random() < 0.12 and reason not in ("weapons", "mental_health_crisis"):
        outcomes = ["no_action"]
    else:
        p = {**OUTCOME_P, **OUTCOME_BY_REASON.get(reason, {})}
        arrest_boost = ARREST_WEIGHT.get(kid.race, 1.0) * ARREST_WEIGHT.get(kid.disability, 1.0)
        outcomes = []
        for outcome, chance in p.items():
            if outcome in ("arrest", "citation", "prosecution_referral"):
                chance *= arrest_boost
            if rng.random() < chance:
                outcomes.append(outcome)
        if "search" in outcomes and rng.random() < 0.45:
            outcomes.append("property_seized")
        if reason == "mental_health_crisis" and rng.random() < 0.25:
            outcomes.append("psychiatric_hold")
        outcomes = outcomes or ["warning"]
    force: list[str] = []
    force_chance = 0.55 if "arrest" in outcomes else 0.025
    if rng.random() < force_chance:
        force = ["handcuffed"] if "arrest" in outcomes else ["physical_control"]
        if rng.random() < 0.25:
            force.append("physical_control" if force == ["handcuffed"] else "handcuffed")
        if rng.random() < 0.03:
            force.append(rng.choice(["chemical_spray", "ecd"]))
    injury = ""
    if force:
        r = rng.random()
        injury = "serious" if r < 0.015 else "minor" if r < 0.15 else "none"
    de_escalation = bool(force) or reason in ("threat_to_safety", "mental_health_crisis")
    de_escalation = de_escalation and rng.random() < 0.8
    loggers, reviewer = users
    logged_by = rng.choice(loggers)
    voided = rng.random() < 0.005
    reviewed = reviewer is not None and not voided and rng.random() < 0.7
    return {
        "location": _pick(rng, LOCATIONS),
        "initiated_by": initiated,
        "requested_by_role": _pick(rng, STAFF_ROLES) if initiated == "staff_referral" else "",
        "reason": reason,
        "justification": rng.choice(JUSTIFICATIONS[reason])
        if reason in OUTSIDE_SRO_ROLE_REASONS else "",
        "outcomes": outcomes,
        "force_types": force,
        "injury": injury,
        "de_escalation": de_escalation,
        "de_escalation_techniques": rng.sample(["verbal", "time_distance", "support_staff_called"],
                                               rng.randint(1, 2)) if de_escalation else [],
        "narrative": rng.choice(NARRATIVES),
        # School year, month, GC 12525.2 and the report measures, as the service derives them.
        **derived_fields(occurred_on=occurred.date(), initiated_by=initiated, reason=reason,
                         outcomes=outcomes, force_types=force, injury=injury),
        "status": Interaction.Status.REVIEWED if reviewed else Interaction.Status.SUBMITTED,
        "reviewed_by_id": reviewer if reviewed else None,
        "reviewed_at": occurred + dt.timedelta(days=rng.randint(1, 4)) if reviewed else None,
        "voided": voided,
        "void_reason": rng.choice(VOID_REASONS) if voided else "",
        "voided_by_id": logged_by if voided else None,
        "voided_at": occurred + dt.timedelta(hours=rng.randint(1, 48)) if voided else None,
        "logged_by_id": logged_by,
    }


# Record access -------------------------------------------------------------------------------


def seed_record_access(ctx, current: list) -> None:
    """A few requests through the services, so the pages and the log have something to show."""
    from .record_access import record_access_decide, record_access_request

    sro, custodian = ctx.users.get("sro"), ctx.users.get("custodian")
    if not (sro and custodian and ctx.officers and ctx.schools):
        return
    school = ctx.schools[0]
    pks = [k.pk for k, _ in current if k.school == 0][:4]
    students = Student.objects.in_bulk(pks)
    officer = ctx.officers[0]
    Basis = RecordAccessRequest.Basis
    plans = [
        (Basis.SCHOOL_OFFICIAL, "", "", "granted", "Attendance record, current semester",
         "Truancy follow-up agreed with the attendance office under the MOU"),
        (Basis.HEALTH_SAFETY_EMERGENCY,
         "Student told a teacher he would bring a gun to school tomorrow; named two classmates.",
         "", "granted", "Emergency contacts and current class schedule",
         "Locate the student and contact the family before school starts"),
        (Basis.COURT_ORDER, "", "", "denied", "Full cumulative file",
         "Juvenile court matter (order not attached)"),
        (Basis.PARENTAL_CONSENT, "", "", None, "Discipline record 2025-26",
         "Diversion program intake; parent signed consent"),
    ]
    for pk, (basis, threat, citation, decision, records, interest) in zip(pks, plans,
                                                                           strict=False):
        request = record_access_request(
            student=students[pk], school=school, agency=officer.agency, officer=officer,
            records_requested=records, legitimate_interest=interest, basis=basis,
            threat_description=threat, legal_citation=citation, acting_user=sro,
        )
        if decision:
            record_access_decide(
                request=request, decision=decision, acting_user=custodian,
                note="" if decision == "granted" else "The court order must be provided first.",
            )
    ctx.say("  record-access requests and disclosure log entries")


# A student who changed schools -----------------------------------------------------------------

TRANSFER_STUDENT_ID = "4099001"


def seed_transfer(ctx, years: list[str]) -> None:
    """A student at the first school last year who transferred to the second this year, with
    a record-access request made at the new school: the old school's staff see the student
    (their enrollment last year) but not the new school's request or its disclosure log."""
    from .record_access import record_access_request

    requester = ctx.users.get("staff2")
    if len(years) < 2 or len(ctx.schools) < 2 or requester is None:
        return
    old, new = ctx.schools[0], ctx.schools[1]
    student = Student.objects.create(
        student_id=TRANSFER_STUDENT_ID, last_name="Okafor", first_name="Jordan",
        birth_date=dt.date(int(years[-1][:4]) - 15, 3, 14),
    )
    for year, school, grade in ((years[-2], old, "09"), (years[-1], new, "10")):
        Enrollment.objects.create(
            student=student, school=school, school_year=year, grade=grade, gender="M",
            race_ethnicity="african_american", socioeconomically_disadvantaged="Y",
        )
    assignment = Assignment.objects.filter(school=new).select_related("officer__agency").first()
    officer = assignment.officer if assignment else ctx.officers[0]
    record_access_request(
        student=student, school=new, agency=officer.agency,
        officer=officer if assignment else None,
        records_requested="Attendance and discipline record since the transfer",
        legitimate_interest="Safety plan after a conflict that followed the student from the "
        "previous school",
        basis=RecordAccessRequest.Basis.SCHOOL_OFFICIAL, acting_user=requester,
    )
    ctx.say(f"  a transferred student ({TRANSFER_STUDENT_ID}: {old} -> {new}) with a "
            "record-access request at the new school")
