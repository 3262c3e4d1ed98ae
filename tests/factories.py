"""Factories keep related objects consistent: an interaction's officer is assigned to its
school under an approved MOU, and its student is enrolled there that school year."""

import datetime as dt
import importlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from interactions.codes import school_year_of
from interactions.models import Enrollment, Interaction, Student
from mous.models import MOU, Agency, MOUElement
from sro_program import roles
from sro_program.models import Assignment, DutyHours, Officer, School, SchoolMembership

ROLE_MIGRATIONS = [
    "sro_program.migrations.0002_roles_and_training_topics",
    "sro_program.migrations.0003_assignment_override_permission",
    "interactions.migrations.0002_roles",
    "interactions.migrations.0007_family_request_roles",
    "reports.migrations.0002_roles",
    "audit.migrations.0002_roles",
]


def ensure_roles() -> None:
    """Transactional tests flush the tables that data migrations filled; fill them again."""
    if Group.objects.filter(name=roles.BOARD_MEMBER).exists():
        return
    from django.apps import apps

    for name in ROLE_MIGRATIONS:
        importlib.import_module(name).forwards(apps, None)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["ori"]

    ori = factory.Sequence(lambda n: f"CA{n:07d}")
    name = factory.Sequence(lambda n: f"Police Department {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    # Starts high so it never collides with the fixed codes of the persona fixtures.
    cds_code = factory.Sequence(lambda n: f"3367157{5000 + n:07d}")
    name = factory.Sequence(lambda n: f"School {n} High")
    grade_low = "09"
    grade_high = "12"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            ensure_roles()
            self.groups.add(Group.objects.get(name=extracted))
        self.save()

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        for school in extracted or []:
            SchoolMembership.objects.get_or_create(user=self, school=school)


ELEMENT_DEFAULTS = {
    "purpose": {"text": "Safe schools through a partnership.", "section_ref": "§1"},
    "roles_responsibilities": {
        "text": "District, site, agency and SRO roles.", "section_ref": "§2",
        "supervisor": "Sergeant, School Services Unit",
    },
    "information_sharing": {"text": "FERPA and Ed Code 49076.", "section_ref": "§3"},
    "qualifications_training": {
        "text": "Sworn officers with school policing training.", "section_ref": "§4",
        "required_training": "School policing; diverse populations; use of force policy",
    },
    "duty_hours": {"text": "School days.", "section_ref": "§5", "duty_hours": "Mon-Fri 7:30-15:30"},
    "performance_monitoring": {"text": "Annual review with the Board.", "section_ref": "§6"},
}


def add_required_elements(mou: MOU, skip: tuple[str, ...] = ()) -> MOU:
    # bulk_create on purpose: a fixture may fill an MOU that is already approved, whose
    # elements MOUElement.save() refuses to change (mous.services is for real edits).
    MOUElement.objects.bulk_create(
        MOUElement(mou=mou, code=code, **values)
        for code, values in ELEMENT_DEFAULTS.items()
        if code not in skip
    )
    return mou


class MOUFactory(factory.django.DjangoModelFactory):
    """An approved, complete MOU in force through the test period (2024-07-01 .. 2028-06-30)."""

    class Meta:
        model = MOU

    agency = factory.SubFactory(AgencyFactory)
    title = "School Resource Officer MOU"
    version = factory.Sequence(lambda n: n + 1)
    status = MOU.Status.APPROVED
    effective_date = dt.date(2024, 7, 1)
    expiry_date = dt.date(2028, 6, 30)
    next_review_date = dt.date(2027, 7, 1)
    board_date = dt.date(2024, 6, 15)
    board_item = "Item 12.3"

    @factory.post_generation
    def elements(self, create, extracted, **kwargs):
        if extracted is not False:
            add_required_elements(self)


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    agency = factory.SubFactory(AgencyFactory)
    badge_number = factory.Sequence(lambda n: f"{1000 + n}")
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    first_name = "Pat"
    sworn = True


class AssignmentFactory(factory.django.DjangoModelFactory):
    """Bypasses the assignment rules on purpose (fixtures); rule tests use the service."""

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    officer = factory.SubFactory(OfficerFactory)
    school = factory.SubFactory(SchoolFactory)
    mou = factory.LazyAttribute(lambda o: MOUFactory(agency=o.officer.agency))
    start_date = dt.date(2024, 8, 1)
    end_date = None

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if extracted is False:
            return
        for weekday in range(5):
            DutyHours.objects.create(
                assignment=self, weekday=weekday, start=dt.time(7, 30), end=dt.time(15, 30)
            )


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    student_id = factory.Sequence(lambda n: f"S{100000 + n}")
    last_name = factory.Sequence(lambda n: f"Student{n}")
    first_name = "Alex"
    birth_date = dt.date(2009, 5, 1)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    school = factory.SubFactory(SchoolFactory)
    school_year = "2025-26"
    grade = "10"
    gender = "F"
    race_ethnicity = "hispanic"


class InteractionFactory(factory.django.DjangoModelFactory):
    """A submitted interaction whose officer is assigned and whose student is enrolled."""

    class Meta:
        model = Interaction

    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(
        lambda: timezone.make_aware(dt.datetime(2025, 10, 14, 10, 30))
    )
    school_year = factory.LazyAttribute(lambda o: school_year_of(timezone.localdate(o.occurred_at)))
    officer = factory.LazyAttribute(lambda o: AssignmentFactory(school=o.school).officer)
    student = factory.LazyAttribute(
        lambda o: EnrollmentFactory(school=o.school, school_year=o.school_year).student
    )
    location = "campus"
    initiated_by = "sro_observed"
    reason = "threat_to_safety"
    outcomes = factory.LazyFunction(lambda: ["warning"])
    status = Interaction.Status.SUBMITTED
    grade = "10"
    gender = "F"
    race_ethnicity = "hispanic"
