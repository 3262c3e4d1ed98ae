"""Each assignment rule of BP 3515.31, and the override, through the service."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sro_program.models import Assignment, PresentationDecision, PresentationRequest
from sro_program.services import (
    assignment_create,
    assignment_update,
    presentation_decide,
    presentation_request_create,
)
from tests.factories import AgencyFactory, MOUFactory, OfficerFactory

from .conftest import START, WEEKDAYS_7_30_TO_15_30, train

T = dt.time


def make(user, officer, school, mou, **kw):
    args = dict(
        officer=officer,
        school=school,
        mou=mou,
        start_date=START,
        end_date=None,
        kind=Assignment.Kind.REGULAR,
        duty_hours=WEEKDAYS_7_30_TO_15_30,
        acting_user=user,
    )
    args.update(kw)
    return assignment_create(**args)


def errors_of(exc) -> dict:
    return exc.value.message_dict


def test_valid_assignment_is_saved_with_hours_and_fte(district_admin, officer, school_a, mou):
    a = make(district_admin, officer, school_a, mou)
    assert a.pk and a.duty_hours.count() == 5
    assert a.weekly_hours == 40 and a.fte == 1.0
    assert a.override_reason == "" and a.override_by is None


def test_unsworn_officer_is_refused(district_admin, agency, school_a, mou):
    cso = train(OfficerFactory(agency=agency, sworn=False))
    with pytest.raises(ValidationError) as exc:
        make(district_admin, cso, school_a, mou)
    assert "not a sworn peace officer" in errors_of(exc)["officer"][0]
    assert not Assignment.objects.exists()


def test_inactive_officer_is_refused(district_admin, agency, school_a, mou):
    gone = train(OfficerFactory(agency=agency, active=False))
    with pytest.raises(ValidationError) as exc:
        make(district_admin, gone, school_a, mou)
    assert "inactive" in errors_of(exc)["officer"][0]


def test_mou_of_another_agency_is_refused(district_admin, officer, school_a, mou):
    other = MOUFactory(agency=AgencyFactory(name="Other PD"))
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, other)
    assert "officer's agency" in " ".join(errors_of(exc)["mou"])


def test_draft_mou_is_refused(district_admin, officer, school_a, agency):
    draft = MOUFactory(agency=agency, status="draft")
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, draft)
    messages = " ".join(errors_of(exc)["mou"])
    assert "not in force" in messages and "no Board-approved MOU in force" in messages


def test_period_beyond_the_mou_is_refused(district_admin, officer, school_a, mou):
    # The MOU expires 2028-06-30.
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, mou, end_date=dt.date(2029, 6, 30))
    assert "for the whole period" in " ".join(errors_of(exc)["mou"])
    make(district_admin, officer, school_a, mou, end_date=dt.date(2028, 6, 30))


def test_start_before_the_mou_is_refused(district_admin, officer, school_a, mou):
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, mou, start_date=dt.date(2024, 6, 1))
    assert "mou" in errors_of(exc)


def test_overlapping_duty_hours_at_two_schools_are_refused(
    district_admin, officer, school_a, school_b, mou
):
    make(district_admin, officer, school_a, mou, duty_hours=[(0, T(8), T(12))])
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_b, mou, duty_hours=[(0, T(11), T(15))])
    message = errors_of(exc)["duty_hours"][0]
    assert "already on duty at Alpha High School on Monday 08:00–12:00" in message
    # Touching periods, another weekday, or dates that do not overlap are all fine.
    make(district_admin, officer, school_b, mou, duty_hours=[(0, T(12), T(15)), (1, T(8), T(9))])


def test_no_overlap_when_dates_do_not_overlap(district_admin, officer, school_a, school_b, mou):
    make(district_admin, officer, school_a, mou, end_date=dt.date(2024, 12, 20))
    make(district_admin, officer, school_b, mou, start_date=dt.date(2025, 1, 6))
    assert Assignment.objects.count() == 2


def test_duty_periods_must_not_overlap_each_other_and_must_exist(
    district_admin, officer, school_a, mou
):
    with pytest.raises(ValidationError) as exc:
        make(
            district_admin, officer, school_a, mou, duty_hours=[(2, T(8), T(12)), (2, T(10), T(14))]
        )
    assert "overlap. Merge them" in errors_of(exc)["duty_hours"][0]
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, mou, duty_hours=[])
    assert "at least one weekly duty period" in errors_of(exc)["duty_hours"][0]
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, mou, duty_hours=[(2, T(14), T(8))])
    assert "end must be after the start" in errors_of(exc)["duty_hours"][0]


def test_missing_required_training_is_refused_naming_the_topic(
    district_admin, agency, school_a, mou
):
    gap = train(OfficerFactory(agency=agency), "school_policing", "diverse_populations")
    with pytest.raises(ValidationError) as exc:
        make(district_admin, gap, school_a, mou)
    message = errors_of(exc)["override_reason"][0]
    assert "Agency use-of-force policy" in message and "School policing" not in message


def test_expired_training_counts_as_missing(district_admin, agency, school_a, mou):
    # Use of force renews every 12 months: completed 2023-06-01, lapsed 2024-06-01.
    stale = train(OfficerFactory(agency=agency), "school_policing", "diverse_populations")
    train(stale, "use_of_force_policy", on=dt.date(2023, 6, 1))
    with pytest.raises(ValidationError):
        make(district_admin, stale, school_a, mou)


def test_district_admin_override_is_recorded(district_admin, agency, school_a, mou):
    gap = train(OfficerFactory(agency=agency), "school_policing", "diverse_populations")
    a = make(
        district_admin,
        gap,
        school_a,
        mou,
        override_reason="Use-of-force course full until October; scheduled 2024-10-03.",
    )
    assert a.override_by == district_admin
    assert a.override_reason.startswith("Use-of-force course full")


def test_override_needs_the_permission(superintendent, agency, school_a, mou, district_admin):
    # Give the superintendent the right to add assignments but not to override.
    from django.contrib.auth.models import Permission

    superintendent.user_permissions.add(
        Permission.objects.get(codename="add_assignment", content_type__app_label="sro_program")
    )
    gap = train(OfficerFactory(agency=agency), "school_policing")
    with pytest.raises(ValidationError) as exc:
        make(
            superintendent.__class__.objects.get(pk=superintendent.pk),
            gap,
            school_a,
            mou,
            override_reason="Please",
        )
    assert "only a district administrator" in errors_of(exc)["override_reason"][0]


def test_override_is_refused_when_not_needed(district_admin, officer, school_a, mou):
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer, school_a, mou, override_reason="Just in case")
    assert "no override is needed" in errors_of(exc)["override_reason"][0]


def test_making_assignments_needs_the_permission(site_admin_a, officer, school_a, mou):
    with pytest.raises(PermissionDenied):
        make(site_admin_a, officer, school_a, mou)


def test_leave_coverage_records_the_assignment_it_covers(
    district_admin, officer, officer2, school_a, school_b, mou
):
    regular = make(district_admin, officer, school_a, mou)
    with pytest.raises(ValidationError) as exc:
        make(
            district_admin,
            officer2,
            school_a,
            mou,
            kind="leave_coverage",
            start_date=dt.date(2025, 2, 3),
            end_date=dt.date(2025, 3, 28),
        )
    assert "choose the assignment of the officer on leave" in errors_of(exc)["covers"][0]
    with pytest.raises(ValidationError) as exc:
        make(
            district_admin,
            officer2,
            school_b,
            mou,
            kind="leave_coverage",
            covers=regular,
            start_date=dt.date(2025, 2, 3),
            end_date=dt.date(2025, 3, 28),
        )
    assert "same school" in errors_of(exc)["covers"][0]
    with pytest.raises(ValidationError) as exc:
        make(district_admin, officer2, school_a, mou, kind="regular", covers=regular)
    assert "Only leave coverage" in errors_of(exc)["covers"][0]
    cover = make(
        district_admin,
        officer2,
        school_a,
        mou,
        kind="leave_coverage",
        covers=regular,
        start_date=dt.date(2025, 2, 3),
        end_date=dt.date(2025, 3, 28),
    )
    assert cover.covers == regular and list(regular.coverages.all()) == [cover]


def test_update_rechecks_rules_and_replaces_hours(district_admin, officer, school_a, school_b, mou):
    a = make(district_admin, officer, school_a, mou, duty_hours=[(0, T(8), T(12))])
    b = make(district_admin, officer, school_b, mou, duty_hours=[(0, T(12), T(16))])
    with pytest.raises(ValidationError) as exc:
        assignment_update(assignment=b, acting_user=district_admin, duty_hours=[(0, T(11), T(16))])
    assert "duty_hours" in errors_of(exc)
    assert [(d.start, d.end) for d in b.duty_hours.all()] == [(T(12), T(16))]
    assignment_update(
        assignment=a,
        acting_user=district_admin,
        end_date=dt.date(2025, 6, 30),
        duty_hours=[(0, T(8), T(10)), (1, T(8), T(10))],
    )
    a.refresh_from_db()
    assert a.end_date == dt.date(2025, 6, 30) and a.weekly_hours == 4


def test_update_keeps_a_stored_override(district_admin, agency, school_a, mou):
    gap = train(OfficerFactory(agency=agency), "school_policing", "diverse_populations")
    a = make(district_admin, gap, school_a, mou, override_reason="Course full")
    assignment_update(assignment=a, acting_user=district_admin, end_date=dt.date(2026, 6, 30))
    a.refresh_from_db()
    assert a.override_reason == "Course full" and a.override_by == district_admin


# Presentations ------------------------------------------------------------------------------


@pytest.fixture
def assigned(district_admin, officer, school_a, mou):
    return make(district_admin, officer, school_a, mou)


def future(days=30):
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def test_site_admin_requests_and_superintendent_approves(
    site_admin_a, superintendent, assigned, school_a, officer
):
    req = presentation_request_create(
        school=school_a,
        officer=officer,
        topic="Online safety",
        audience="classroom",
        date=future(),
        acting_user=site_admin_a,
    )
    assert req.status == "pending" and req.requested_by == site_admin_a
    decision = presentation_decide(
        request=req, decision="approved", note="", acting_user=superintendent
    )
    req.refresh_from_db()
    assert req.status == "approved" and decision.decided_by == superintendent
    with pytest.raises(ValidationError) as exc:
        presentation_decide(request=req, decision="declined", note="no", acting_user=superintendent)
    assert "already approved" in errors_of(exc)["decision"][0]
    assert PresentationDecision.objects.count() == 1


def test_request_needs_officer_assigned_there_and_own_school(
    site_admin_a, assigned, school_b, officer, school_a
):
    with pytest.raises(ValidationError) as exc:
        presentation_request_create(
            school=school_b,
            officer=officer,
            topic="Safety",
            audience="parent",
            date=future(),
            acting_user=site_admin_a,
        )
    assert "own schools" in errors_of(exc)["school"][0]
    assert "not assigned at Bravo" in errors_of(exc)["officer"][0]
    with pytest.raises(ValidationError) as exc:
        presentation_request_create(
            school=school_a,
            officer=officer,
            topic="Safety",
            audience="parent",
            date=future(-1),
            acting_user=site_admin_a,
        )
    assert "passed" in errors_of(exc)["date"][0]
    assert not PresentationRequest.objects.exists()


def test_decline_needs_a_note_and_the_permission(
    site_admin_a, superintendent, assigned, school_a, officer
):
    req = presentation_request_create(
        school=school_a,
        officer=officer,
        topic="Vaping",
        audience="parent",
        date=future(),
        acting_user=site_admin_a,
    )
    with pytest.raises(PermissionDenied):
        presentation_decide(request=req, decision="approved", acting_user=site_admin_a)
    with pytest.raises(ValidationError) as exc:
        presentation_decide(request=req, decision="declined", acting_user=superintendent)
    assert "note" in errors_of(exc)
    presentation_decide(
        request=req, decision="declined", note="Use the health teacher", acting_user=superintendent
    )
    assert PresentationRequest.objects.get().status == "declined"
