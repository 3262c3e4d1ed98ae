"""Demo district: schools, the police agency, its officers and the demo users of
docs/roles.md. Reproducible from the seed in ctx.rng."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from mous.models import Agency

from . import roles
from .models import Officer, School, SchoolMembership, add_months

DISTRICT_CDS = "3367157"  # county 33 + district 67157 (a fictional union high school district)

SCHOOLS = [
    # school code, name, grade low, grade high
    ("3330001", "Mesa Vista High School", "09", "12"),
    ("3330002", "Arroyo Seco High School", "09", "12"),
    ("3330003", "Canyon Ridge High School", "09", "12"),
    ("3330004", "Desert Sun High School", "09", "12"),
    ("3330005", "Rancho Alamitos High School", "09", "12"),
    ("3330006", "Sierra Vista Continuation High School", "10", "12"),
]

OFFICERS = [
    ("4127", "Ramirez", "Daniel"),
    ("3982", "Nguyen", "Tracy"),
    ("4410", "Okafor", "James"),
    ("3871", "Delgado", "Maria"),
    ("4502", "Whitfield", "Aaron"),
    ("4633", "Castillo", "Elena"),
]


@dataclass
class DemoContext:
    """What each app's demo step adds to and reads from, in order."""

    rng: Random
    students: int = 6000
    interactions: int | None = None
    years: int = 2
    stdout: object = None
    schools: list = field(default_factory=list)
    agency: object = None
    officers: list = field(default_factory=list)
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def say(self, msg: str) -> None:
        if self.stdout is not None:
            self.stdout.write(msg)


DEMO_USERS = [
    # username, first, last, role, is_staff, school index (None: district-wide)
    ("district.admin", "Dana", "Whitaker", roles.DISTRICT_ADMIN, True, None),
    ("superintendent", "Luis", "Moreno", roles.SUPERINTENDENT, True, None),
    ("site.admin", "Patricia", "Holloway", roles.SITE_ADMIN, False, 0),
    ("staff", "Kevin", "Tran", roles.STAFF, False, 0),
    ("staff2", "Rosa", "Jimenez", roles.STAFF, False, 1),
    ("sro", "Daniel", "Ramirez", roles.SRO, False, 0),
    ("custodian", "Grace", "Lindqvist", roles.RECORDS_CUSTODIAN, False, None),
    ("board", "Harold", "Bennett", roles.BOARD_MEMBER, False, None),
]


def seed(ctx: DemoContext) -> None:
    for code, name, low, high in SCHOOLS:
        school, _ = School.objects.update_or_create(
            cds_code=DISTRICT_CDS + code,
            defaults={"name": name, "grade_low": low, "grade_high": high, "active": True},
        )
        ctx.schools.append(school)
    ctx.agency, _ = Agency.objects.update_or_create(
        ori="CA0331900", defaults={"name": "Valle Verde Police Department"}
    )
    for badge, last, first in OFFICERS:
        officer, _ = Officer.objects.update_or_create(
            agency=ctx.agency,
            badge_number=badge,
            defaults={"last_name": last, "first_name": first, "sworn": True, "active": True},
        )
        ctx.officers.append(officer)
    # One officer is on record but not sworn (a community service officer): never assignable.
    cso, _ = Officer.objects.update_or_create(
        agency=ctx.agency,
        badge_number="CSO12",
        defaults={"last_name": "Park", "first_name": "Jordan", "sworn": False, "active": True},
    )
    ctx.extra["unsworn_officer"] = cso

    User = get_user_model()
    for username, first, last, role, is_staff, school_index in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": is_staff,
                      "email": f"{username}@valleverde-uhsd.example"},
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        if school_index is not None:
            SchoolMembership.objects.get_or_create(user=user, school=ctx.schools[school_index])
        ctx.users[username] = user
    officer = ctx.officers[0]
    officer.user = ctx.users["sro"]
    officer.save()

    # A few more staff per school, so staff-training coverage has something to measure.
    for index, school in enumerate(ctx.schools):
        for n in range(1, 4):
            username = f"staff.{index + 1}.{n}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": f"Staff{n}", "last_name": school.name.split()[0]},
            )
            if created:
                user.set_unusable_password()
                user.save()
            user.groups.add(Group.objects.get(name=roles.STAFF))
            SchoolMembership.objects.get_or_create(user=user, school=school)
    # The demo's staff have worked at their schools since the first demo year: date the
    # memberships' history so a report on a past year (which reads the history) finds them.
    SchoolMembership.history.filter(history_type="+", school__in=ctx.schools).update(
        history_date=timezone.make_aware(datetime.combine(ASSIGNMENT_START, time.min))
    )
    ctx.say(f"  {len(ctx.schools)} schools, {len(ctx.officers) + 1} officers, demo users")


# Assignments, training and presentations (issue 4) -----------------------------------------
# Everything goes through sro_program.services, as an administrator would do it, so the demo
# obeys the same rules as real data. Training is renewed up to today, so the only gap on the
# compliance page is the one made on purpose: Officer Nguyen has never had the agency's
# use-of-force training and was assigned through a district administrator's override.

ASSIGNMENT_START = date(2024, 8, 1)
GAP_OFFICER = 1  # Nguyen: no use_of_force_policy record
GAP_TOPIC = "use_of_force_policy"
OVERRIDE_REASON = (
    "The agency's use-of-force course was full for the summer session; Officer Nguyen is "
    "enrolled in the next one. Approved to start so Arroyo Seco is not without an SRO."
)


def _weekdays(start: time, end: time, days=range(5)) -> list[tuple[int, time, time]]:
    return [(d, start, end) for d in days]


def _school_year_start(today: date) -> date:
    """Staff are trained in August, before students return."""
    year = today.year if today >= date(today.year, 8, 15) else today.year - 1
    return date(year, 8, 15)


def _seed_officer_training(ctx: DemoContext, today: date) -> int:
    from .models import OfficerTraining, TrainingTopic

    topics = {t.code: t for t in TrainingTopic.objects.filter(audience="officer")}
    recommended = [t for t in topics.values() if not t.required_before_assignment]
    records = []
    for index, officer in enumerate(ctx.officers):
        chosen = [t for t in topics.values() if t.required_before_assignment]
        chosen += ctx.rng.sample(recommended, k=ctx.rng.randint(1, len(recommended)))
        for topic in chosen:
            if index == GAP_OFFICER and topic.code == GAP_TOPIC:
                continue
            # First taken in spring 2024, then renewed whenever it lapses, up to today.
            day = date(2024, 3, 1) + timedelta(days=ctx.rng.randint(0, 120))
            while day <= today:
                records.append(
                    OfficerTraining(
                        officer=officer, topic=topic, completed_on=day,
                        hours=ctx.rng.choice([4, 8, 16, 24]),
                        provider=ctx.rng.choice(
                            ["CA POST", "Valle Verde PD Training Unit", "NASRO",
                             "Riverside County Office of Education"]
                        ),
                    )
                )
                if not topic.renewal_months:
                    break
                # Renewed a few weeks before it lapses.
                lapse = add_months(day, topic.renewal_months)
                day = lapse - timedelta(days=ctx.rng.randint(7, 50))
    for record in records:
        record.save()  # computes expires_on
    return len(records)


def seed_program(ctx: DemoContext) -> None:
    from django.utils import timezone

    from mous.models import MOU

    from . import services
    from .models import Assignment, PresentationRequest, StaffTraining, TrainingTopic
    from .selectors import STAFF_TRAINING_TOPIC

    if Assignment.objects.filter(officer__in=ctx.officers).exists():
        ctx.say("  assignments already present; left as they are")
        return
    today = timezone.localdate()
    admin = ctx.users["district.admin"]
    mou = ctx.extra.get("mou") or MOU.objects.filter(agency=ctx.agency, status="approved").first()
    trained = _seed_officer_training(ctx, today)

    s, o = ctx.schools, ctx.officers
    full_day = _weekdays(time(7, 30), time(15, 30))
    plan = [
        # officer, school, duty hours, override reason
        (o[0], s[0], full_day, ""),
        (o[1], s[1], full_day, OVERRIDE_REASON),
        (o[2], s[2], full_day, ""),
        (o[3], s[3], full_day, ""),
        # Whitfield serves Rancho Alamitos in the morning and the continuation school after.
        (o[4], s[4], _weekdays(time(7, 0), time(12, 0)), ""),
        (o[4], s[5], _weekdays(time(12, 30), time(15, 30)), ""),
        # Castillo: the continuation school's mornings.
        (o[5], s[5], _weekdays(time(7, 30), time(11, 30)), ""),
    ]
    made = []
    for officer, school, hours, reason in plan:
        made.append(
            services.assignment_create(
                officer=officer, school=school, mou=mou, start_date=ASSIGNMENT_START,
                duty_hours=hours, override_reason=reason, acting_user=admin,
            )
        )
    # Delgado's leave in spring 2025: Castillo covers Desert Sun in the afternoons.
    made.append(
        services.assignment_create(
            officer=o[5], school=s[3], mou=mou, start_date=date(2025, 2, 3),
            end_date=date(2025, 3, 28), kind=Assignment.Kind.LEAVE_COVERAGE, covers=made[3],
            duty_hours=_weekdays(time(12, 0), time(16, 0)), acting_user=admin,
        )
    )

    # Staff training on the SRO role: most of the first school, some elsewhere, one person
    # without an account; the rest are the coverage gap the page shows.
    topic = TrainingTopic.objects.get(code=STAFF_TRAINING_TOPIC)
    session = _school_year_start(today)
    staff_records = [
        StaffTraining(topic=topic, user=ctx.users[name], school=s[0], completed_on=session)
        for name in ("site.admin", "staff")
    ]
    staff_records.append(
        StaffTraining(topic=topic, user=ctx.users["staff2"], school=s[1], completed_on=session)
    )
    for index, school in enumerate(s):
        for n in range(1, 4):
            if ctx.rng.random() < 0.5:
                user = get_user_model().objects.get(username=f"staff.{index + 1}.{n}")
                staff_records.append(
                    StaffTraining(topic=topic, user=user, school=school, completed_on=session)
                )
    staff_records.append(
        StaffTraining(topic=topic, person_name="Campus supervisor (no account)", school=s[0],
                      completed_on=session)
    )
    # The course is renewed every year: the same people took last August's session too, so a
    # report for last school year finds them trained at its end.
    staff_records += [
        StaffTraining(topic=r.topic, user=r.user, person_name=r.person_name, school=r.school,
                      completed_on=add_months(session, -12))
        for r in list(staff_records)
    ]
    StaffTraining.objects.bulk_create(staff_records)
    record_first_history(StaffTraining)

    # Presentations at the first school: one approved, one waiting for the Superintendent.
    site_admin = ctx.users["site.admin"]
    approved = services.presentation_request_create(
        school=s[0], officer=o[0], topic="Online safety and sextortion",
        audience=PresentationRequest.Audience.CLASSROOM, date=today + timedelta(days=7),
        acting_user=site_admin,
    )
    services.presentation_decide(
        request=approved, decision=PresentationRequest.Status.APPROVED,
        note="Approved; coordinate with the health teacher.",
        acting_user=ctx.users["superintendent"],
    )
    services.presentation_request_create(
        school=s[0], officer=o[0], topic="Vaping and fentanyl: what parents should know",
        audience=PresentationRequest.Audience.PARENT, date=today + timedelta(days=21),
        acting_user=site_admin,
    )
    ctx.extra["assignments"] = made
    ctx.say(
        f"  {len(made)} assignments (one leave coverage, one training override), "
        f"{trained} officer training records, {len(staff_records)} staff training records, "
        "2 presentation requests"
    )


def record_first_history(model, reason: str = "Seeded (demo district)") -> int:
    """Give every row of `model` that has no history yet its first history row ('+', created),
    as a record made through the application has. One INSERT ... SELECT, so the bulk-loaded
    demo (up to a million interactions) keeps its speed. Returns the rows written."""
    from django.db import connection
    from django.utils import timezone

    history = model.history.model
    quote = connection.ops.quote_name
    history_columns = {f.column for f in history._meta.concrete_fields}
    columns = [f.column for f in model._meta.concrete_fields if f.column in history_columns]
    pk = quote(model._meta.pk.column)
    table, history_table = quote(model._meta.db_table), quote(history._meta.db_table)
    sql = (
        f"INSERT INTO {history_table} ({', '.join(map(quote, columns))}, history_date, "
        "history_type, history_change_reason, history_user_id) "
        f"SELECT {', '.join('t.' + quote(c) for c in columns)}, %s, '+', %s, NULL "
        f"FROM {table} t WHERE NOT EXISTS "
        f"(SELECT 1 FROM {history_table} h WHERE h.{pk} = t.{pk})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason])
        return cursor.rowcount
