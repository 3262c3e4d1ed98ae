"""A small district whose board-report figures are known by hand (see test_report_dataset).

School A, 2025-26, imported enrollment of 400:
  race      white 200, hispanic 150, african_american 40, asian 8, not_reported 2
  gender    F 200, M 195, X 5
  english_learner  Y 60, N 340
Interactions (submitted, October 2025, at school A), students by race:
  hispanic          30 contacted; 12 arrested (one of them twice: 13 arrests)
  white             20 contacted; 5 arrested
  african_american  15 contacted; 11 arrested
  asian              3 contacted
  not_reported       1 contacted; 1 arrested
Every third student is male, the rest female; students 0-9 of each group are English
learners. Left out of every count: a draft, a voided interaction, one at school B, one in
2024-25.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from interactions.codes import month_of
from interactions.models import Enrollment, Interaction, Student
from mous.models import MOU
from reports.models import EnrollmentCount
from sro_program.models import Assignment, DutyHours
from tests.factories import (
    ELEMENT_DEFAULTS,
    AgencyFactory,
    OfficerFactory,
    SchoolFactory,
)

RACE_PLAN = [
    # race, contacted, arrested, enrolled
    ("hispanic", 30, 12, 150),
    ("white", 20, 5, 200),
    ("african_american", 15, 11, 40),
    ("asian", 3, 0, 8),
    ("not_reported", 1, 1, 2),
]
ENROLLMENT = {
    ("all", "all"): 400,
    ("race_ethnicity", "white"): 200,
    ("race_ethnicity", "hispanic"): 150,
    ("race_ethnicity", "african_american"): 40,
    ("race_ethnicity", "asian"): 8,
    ("race_ethnicity", "not_reported"): 2,
    ("gender", "F"): 200,
    ("gender", "M"): 195,
    ("gender", "X"): 5,
    ("english_learner", "Y"): 60,
    ("english_learner", "N"): 340,
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def approved_mou(agency) -> MOU:
    """A complete MOU in force 2024-07-01 .. 2028-06-30: elements added while a draft, then
    approved in the table (approved content is locked against edits)."""
    mou = MOU.objects.create(agency=agency, title="SRO MOU", version=1,
                             effective_date=dt.date(2024, 7, 1),
                             expiry_date=dt.date(2028, 6, 30), board_date=dt.date(2024, 6, 15),
                             board_item="Item 12.3")
    from mous.models import MOUElement

    MOUElement.objects.bulk_create(
        [MOUElement(mou=mou, code=code, **values) for code, values in ELEMENT_DEFAULTS.items()]
    )
    MOU.objects.filter(pk=mou.pk).update(status=MOU.Status.APPROVED)
    mou.refresh_from_db()
    return mou


def assign(officer, school, mou, hours_per_day: int = 8) -> Assignment:
    assignment = Assignment.objects.create(officer=officer, school=school, mou=mou,
                                           start_date=dt.date(2024, 8, 1))
    DutyHours.objects.bulk_create([
        DutyHours(assignment=assignment, weekday=d, start=dt.time(7, 0),
                  end=dt.time(7 + hours_per_day, 0))
        for d in range(5)
    ])
    return assignment


def build_dataset(school_a=None, school_b=None, *, import_enrollment: bool = True) -> dict:
    school_a = school_a or SchoolFactory(name="Alpha High School", cds_code="33671570000011")
    school_b = school_b or SchoolFactory(name="Bravo High School", cds_code="33671570000029")
    agency = AgencyFactory()
    mou = approved_mou(agency)
    officer = OfficerFactory(agency=agency)
    assign(officer, school_a, mou)  # 40 h a week: 1.0 FTE
    assign(officer, school_b, mou, hours_per_day=4)
    if import_enrollment:
        EnrollmentCount.objects.bulk_create([
            EnrollmentCount(school_year="2025-26", school=school_a, dimension=d, group=g,
                            count=n)
            for (d, g), n in ENROLLMENT.items()
        ])
    interactions = []
    enrollments = []
    serial = 0
    for race, contacted, arrested, _ in RACE_PLAN:
        for i in range(contacted):
            serial += 1
            student = Student.objects.create(
                student_id=f"T{serial:05d}", last_name=f"Student{serial}", first_name="Test"
            )
            demo = {
                "race_ethnicity": race, "gender": "M" if i % 3 == 0 else "F",
                "english_learner": "Y" if i < 10 else "N", "grade": "10",
            }
            enrollments.append(Enrollment(student=student, school=school_a,
                                          school_year="2025-26", **demo))
            is_arrest = i < arrested
            times = 2 if (race == "hispanic" and i == 0) else 1
            for t in range(times):
                interactions.append(Interaction(
                    school=school_a, occurred_at=_at(dt.date(2025, 10, 6 + t)),
                    school_year="2025-26", location="campus", initiated_by="sro_observed",
                    reason="threat_to_safety", officer=officer, student=student,
                    outcomes=["arrest"] if is_arrest else ["warning"], arrest=is_arrest,
                    status=Interaction.Status.SUBMITTED, **demo,
                ))
    extra_student = Student.objects.create(student_id="T99999", last_name="X", first_name="Y")
    demo = {"race_ethnicity": "white", "gender": "F", "grade": "10"}
    common = dict(location="campus", initiated_by="sro_observed", reason="threat_to_safety",
                  officer=officer, student=extra_student, outcomes=["arrest"], arrest=True,
                  **demo)
    interactions += [
        Interaction(school=school_a, occurred_at=_at(dt.date(2025, 11, 3)),
                    school_year="2025-26", status=Interaction.Status.DRAFT, **common),
        Interaction(school=school_a, occurred_at=_at(dt.date(2025, 11, 4)),
                    school_year="2025-26", status=Interaction.Status.SUBMITTED, voided=True,
                    void_reason="duplicate", **common),
        Interaction(school=school_b, occurred_at=_at(dt.date(2025, 11, 5)),
                    school_year="2025-26", status=Interaction.Status.SUBMITTED, **common),
        Interaction(school=school_a, occurred_at=_at(dt.date(2025, 3, 5)),
                    school_year="2024-25", status=Interaction.Status.SUBMITTED, **common),
    ]
    Enrollment.objects.bulk_create(enrollments)
    for interaction in interactions:  # bulk_create skips Interaction.save(), which sets it
        interaction.occurred_month = month_of(timezone.localdate(interaction.occurred_at))
    Interaction.objects.bulk_create(interactions)
    return {"school_a": school_a, "school_b": school_b, "officer": officer}
