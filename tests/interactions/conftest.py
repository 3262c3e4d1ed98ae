"""Interaction fixtures: an officer assigned at school A, a student enrolled there in 2025-26,
and the form data that logs a valid interaction for them."""

import datetime as dt

import pytest

from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    MOUFactory,
    OfficerFactory,
    StudentFactory,
)

WHEN = "2025-10-14T10:30"


def assign(officer, school, start=dt.date(2025, 8, 1)):
    # An MOU without element rows: the officer's assignment is all these tests need.
    mou = MOUFactory(agency=officer.agency, elements=False)
    return AssignmentFactory(officer=officer, school=school, mou=mou, start_date=start)


@pytest.fixture
def officer_a(school_a):
    officer = OfficerFactory(last_name="Ramirez", first_name="Luis")
    assign(officer, school_a)
    return officer


@pytest.fixture
def student_a(school_a):
    student = StudentFactory(student_id="S200001", last_name="Garcia", first_name="Ana")
    EnrollmentFactory(
        student=student,
        school=school_a,
        school_year="2025-26",
        grade="11",
        race_ethnicity="hispanic",
        gender="F",
        english_learner="Y",
    )
    return student


@pytest.fixture
def form_data(school_a, officer_a, student_a):
    """POST data of a valid interaction; tests change what they need."""
    return {
        "occurred_at": WHEN,
        "school_cds": school_a.cds_code,
        "student_id": student_a.student_id,
        "officer_badge": officer_a.badge_number,
        "location": "campus",
        "initiated_by": "staff_referral",
        "requested_by_role": "teacher",
        "reason": "threat_to_safety",
        "justification": "",
        "outcomes": ["warning", "parent_contacted"],
        "injury": "",
        "narrative": "Student threatened a classmate at lunch; SRO spoke with both.",
        "action": "submit",
    }


@pytest.fixture
def model_data(school_a, officer_a, student_a):
    """Service-level data of a valid interaction (model objects, codes)."""
    from django.utils import timezone

    return {
        "occurred_at": timezone.make_aware(dt.datetime(2025, 10, 14, 10, 30)),
        "school": school_a,
        "student": student_a,
        "officer": officer_a,
        "location": "campus",
        "initiated_by": "sro_observed",
        "requested_by_role": "",
        "reason": "threat_to_safety",
        "justification": "",
        "outcomes": ["warning"],
        "force_types": [],
        "injury": "",
        "de_escalation": True,
        "de_escalation_techniques": ["verbal"],
        "narrative": "Spoke with the student.",
    }
