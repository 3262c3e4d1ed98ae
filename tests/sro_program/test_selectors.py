"""FTE per school, training status and the compliance view, on small hand-checked data."""

import datetime as dt

import pytest

from sro_program import roles
from sro_program.models import (
    Assignment,
    DutyHours,
    PresentationRequest,
    SchoolMembership,
    StaffTraining,
    TrainingTopic,
)
from sro_program.selectors import (
    officer_training_status,
    school_compliance,
    school_sworn_fte,
    school_sworn_fte_for_period,
)
from tests.factories import OfficerFactory, SchoolFactory, UserFactory

from .conftest import START, train

T = dt.time


def assign(officer, school, mou, hours, start=START, end=None, kind="regular", covers=None):
    """Fixture rows without the rules (the rules have their own tests)."""
    a = Assignment.objects.create(
        officer=officer,
        school=school,
        mou=mou,
        start_date=start,
        end_date=end,
        kind=kind,
        covers=covers,
    )
    for weekday, s, e in hours:
        DutyHours.objects.create(assignment=a, weekday=weekday, start=s, end=e)
    return a


FULL = [(d, T(7, 30), T(15, 30)) for d in range(5)]  # 40 h
HALF = [(d, T(7, 30), T(11, 30)) for d in range(5)]  # 20 h


def test_fte_per_school_on_a_day(officer, officer2, school_a, school_b, mou, agency):
    assign(officer, school_a, mou, FULL)
    assign(officer2, school_b, mou, HALF)
    cso = OfficerFactory(agency=agency, sworn=False)
    assign(cso, school_b, mou, [(5, T(8), T(16))])  # not sworn: not counted
    empty = SchoolFactory(cds_code="33671579900000")
    fte = school_sworn_fte([school_a, school_b, empty], dt.date(2025, 1, 15))
    assert fte == {school_a.pk: 1.0, school_b.pk: 0.5, empty.pk: 0.0}
    assert school_sworn_fte([school_a], dt.date(2024, 7, 31)) == {school_a.pk: 0.0}


def test_fte_follows_the_full_time_week_setting(settings, officer, school_a, mou):
    settings.FULL_TIME_WEEK_HOURS = 37.5
    assign(officer, school_a, mou, HALF)
    assert school_sworn_fte([school_a.pk], dt.date(2025, 1, 15))[school_a.pk] == pytest.approx(
        20 / 37.5
    )


def test_leave_coverage_stands_in_for_the_covered_assignment(officer, officer2, school_a, mou):
    regular = assign(officer, school_a, mou, FULL)
    assign(
        officer2,
        school_a,
        mou,
        HALF,
        start=dt.date(2025, 2, 3),
        end=dt.date(2025, 3, 28),
        kind="leave_coverage",
        covers=regular,
    )
    assert school_sworn_fte([school_a], dt.date(2025, 2, 10)) == {school_a.pk: 0.5}
    assert school_sworn_fte([school_a], dt.date(2025, 4, 1)) == {school_a.pk: 1.0}
    year = school_sworn_fte_for_period([school_a], dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert year == {school_a.pk: 1.0}


def test_period_fte_does_not_add_a_replacement_to_the_officer_replaced(
    officer, officer2, school_a, school_b, mou
):
    assign(officer, school_a, mou, FULL, end=dt.date(2024, 12, 20))
    assign(officer2, school_a, mou, FULL, start=dt.date(2025, 1, 6))
    assign(officer, school_b, mou, HALF, start=dt.date(2025, 1, 6))
    fte = school_sworn_fte_for_period(
        [school_a, school_b], dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    )
    assert fte == {school_a.pk: 1.0, school_b.pk: 0.5}
    # Before either assignment: nothing.
    assert school_sworn_fte_for_period([school_a], dt.date(2023, 7, 1), dt.date(2024, 6, 30)) == {
        school_a.pk: 0.0
    }


def test_training_status_missing_expiring_and_current(agency):
    officer = OfficerFactory(agency=agency)
    # Use of force (12 months) done 2024-02-01: expires 2025-02-01.
    train(officer, "use_of_force_policy", on=dt.date(2024, 2, 1))
    train(officer, "school_policing", on=dt.date(2024, 6, 1))
    train(officer, "de_escalation", on=dt.date(2024, 6, 1))
    status = officer_training_status(officer, dt.date(2025, 1, 1))
    assert [t.code for t in status.missing] == ["diverse_populations"]
    assert [(t.code, d) for t, d in status.expiring_soon] == [
        ("use_of_force_policy", dt.date(2025, 2, 1))
    ]
    assert {t.code for t in status.current} == {
        "use_of_force_policy",
        "school_policing",
        "de_escalation",
    }
    later = officer_training_status(officer, dt.date(2025, 2, 1))
    assert {t.code for t in later.missing} == {"diverse_populations", "use_of_force_policy"}
    # A renewal makes it current again, and the latest record decides.
    train(officer, "use_of_force_policy", on=dt.date(2025, 1, 20))
    assert officer_training_status(officer, dt.date(2025, 2, 1)).expiring_soon == []


def _school_with_everything(mou, agency, n):
    school = SchoolFactory(name=f"School {n}", cds_code=f"336715799000{n:02d}")
    officer = train(OfficerFactory(agency=agency), on=dt.date(2025, 6, 1))
    assign(officer, school, mou, FULL)
    gap = train(OfficerFactory(agency=agency, last_name="Gap"), "school_policing")
    a = assign(gap, school, mou, [(5, T(8), T(12))])
    a.override_reason = "Course full"
    a.save()
    topic = TrainingTopic.objects.get(code="sro_role_and_contact")
    for i in range(3):
        user = UserFactory(role=roles.STAFF, schools=[school])
        if i:
            StaffTraining.objects.create(
                topic=topic, user=user, school=school, completed_on=dt.date(2025, 8, 20)
            )
    # The memberships date from before the days asked about (a past day reads the history).
    SchoolMembership.history.filter(school_id=school.pk).update(
        history_date=dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    )
    StaffTraining.objects.create(
        topic=topic,
        person_name="Campus supervisor",
        school=school,
        completed_on=dt.date(2025, 8, 20),
    )
    PresentationRequest.objects.create(
        school=school, officer=officer, topic="Safety", audience="parent", date=dt.date(2025, 10, 1)
    )
    return school


def test_school_compliance_reports_each_part(district_admin, mou, agency):
    school = _school_with_everything(mou, agency, 1)
    (row,) = school_compliance(user=district_admin, on=dt.date(2025, 9, 15))
    assert row.school == school
    assert row.weekly_hours == 44 and row.fte == pytest.approx(1.1)
    assert len(row.officers) == 2 and row.mous_in_force == [mou]
    assert [o.officer.last_name for o in row.officers_with_gaps] == ["Gap"]
    assert {t.code for t in row.officers_with_gaps[0].training.missing} == {
        "diverse_populations",
        "use_of_force_policy",
    }
    assert row.overrides[0].assignment.override_reason == "Course full"
    assert (row.staff_trained, row.staff_total, row.named_people_trained) == (2, 3, 1)
    assert row.staff_coverage == pytest.approx(2 / 3)
    assert len(row.pending_presentations) == 1


def test_officer_without_mou_in_force_is_flagged(district_admin, officer, mou, school_a):
    assign(officer, school_a, mou, FULL)
    # The MOU expires 2028-06-30; the assignment is open-ended.
    (row,) = school_compliance(user=district_admin, on=dt.date(2028, 9, 1))
    assert row.officers_without_mou == row.officers and row.mous_in_force == []


def test_compliance_is_scoped_to_the_users_schools(site_admin_a, school_a, school_b):
    assert [r.school for r in school_compliance(user=site_admin_a, on=dt.date(2025, 9, 1))] == [
        school_a
    ]


def test_compliance_runs_a_constant_number_of_queries(
    django_assert_max_num_queries, district_admin, mou, agency
):
    _school_with_everything(mou, agency, 1)
    district_admin = type(district_admin).objects.get(pk=district_admin.pk)
    with django_assert_max_num_queries(14) as one:  # 12, and two to read the staff history
        school_compliance(user=district_admin, on=dt.date(2025, 9, 15))
    for n in range(2, 6):
        _school_with_everything(mou, agency, n)
    district_admin = type(district_admin).objects.get(pk=district_admin.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = school_compliance(user=district_admin, on=dt.date(2025, 9, 15))
    assert len(rows) == 5


def test_duty_summary_groups_consecutive_days_with_the_same_times():
    from sro_program.selectors import duty_summary

    rows = [DutyHours(weekday=d, start=s, end=e) for d, s, e in FULL + [(5, T(8), T(12))]]
    assert duty_summary(rows) == "Mon–Fri 07:30–15:30; Sat 08:00–12:00"
    rows = [DutyHours(weekday=d, start=T(8), end=T(12)) for d in (0, 2, 3)]
    assert duty_summary(rows) == "Mon 08:00–12:00; Wed–Thu 08:00–12:00"
