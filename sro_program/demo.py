"""Demo district: schools, the police agency, its officers and the demo users of
spec/interfaces.md. Reproducible from the seed in ctx.rng."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from mous.models import Agency

from . import roles
from .models import Officer, School, SchoolMembership

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
    ctx.say(f"  {len(ctx.schools)} schools, {len(ctx.officers) + 1} officers, demo users")
