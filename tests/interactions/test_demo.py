"""The demo roster and interactions: plausible proportions, consistent records."""

import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from interactions.codes import measure_flags, school_year_of
from interactions.demo import school_years  # noqa: E402
from interactions.models import DisclosureLogEntry, Enrollment, Interaction, RecordAccessRequest
from interactions.services import validate_interaction_fields
from sro_program.models import Assignment, Officer, School

# The demo ends with the school year in progress today.
PREVIOUS, CURRENT = school_years(2)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db):
    seed(students=300, seed=7)


def shares(rows, field) -> dict[str, float]:
    counts = Counter(getattr(r, field) for r in rows)
    return {k: v / len(rows) for k, v in counts.items()}


def test_roster_resembles_a_socal_union_high_school_district(demo):
    current = list(Enrollment.objects.filter(school_year=CURRENT).select_related("school"))
    assert 250 <= len(current) <= 350
    race = shares(current, "race_ethnicity")
    assert 0.55 <= race["hispanic"] <= 0.75
    assert 0.08 <= race.get("white", 0) <= 0.22
    assert 0.6 <= shares(current, "socioeconomically_disadvantaged")["Y"] <= 0.8
    assert 0.07 <= shares(current, "disability")["idea"] <= 0.21  # 12% of a small sample
    assert 0.08 <= shares(current, "english_learner")["Y"] <= 0.22
    assert {e.grade for e in current} == {"09", "10", "11", "12"}
    continuation = School.objects.get(name__icontains="Continuation")
    assert {e.grade for e in current if e.school == continuation} <= {"10", "11", "12"}
    assert not hasattr(Enrollment, "citizenship") and not hasattr(Enrollment, "immigration")


def test_students_advance_a_grade_and_seniors_leave(demo):
    by_student = defaultdict(dict)
    for e in Enrollment.objects.all():
        by_student[e.student_id][e.school_year] = e.grade
    both = [g for g in by_student.values() if len(g) == 2]
    assert both and all(int(g[CURRENT]) == int(g[PREVIOUS]) + 1 for g in both)
    seniors = [g for g in by_student.values() if g.get(PREVIOUS) == "12"]
    assert seniors and all(CURRENT not in g for g in seniors)
    freshmen = [g for g in by_student.values() if g.get(CURRENT) == "09"]
    assert freshmen and all(PREVIOUS not in g for g in freshmen)


def test_interactions_are_consistent(demo):
    interactions = list(Interaction.objects.all())
    student_years = Enrollment.objects.count()
    # A few per 100 students a year.
    assert 0.01 <= len(interactions) / student_years <= 0.10
    enrollments = {(e.student_id, e.school_year): e for e in Enrollment.objects.all()}
    assignments = defaultdict(list)
    for a in Assignment.objects.all():
        assignments[(a.officer_id, a.school_id)].append(a)
    agency_officers = set(Officer.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    for i in interactions:
        day = timezone.localdate(i.occurred_at)
        assert day <= today and i.school_year == school_year_of(day)
        assigned = any(
            a.start_date <= day and (a.end_date is None or a.end_date >= day)
            for a in assignments[(i.officer_id, i.school_id)]
        )
        school_has_assignment = any(
            a.start_date <= day and (a.end_date is None or a.end_date >= day)
            for (_, school), rows in assignments.items() if school == i.school_id
            for a in rows
        )
        assert assigned or (not school_has_assignment and i.officer_id in agency_officers)
        enrollment = enrollments[(i.student_id, i.school_year)]
        assert i.demographics() == enrollment.demographics()
        data = {
            "location": i.location, "initiated_by": i.initiated_by,
            "requested_by_role": i.requested_by_role, "reason": i.reason,
            "justification": i.justification, "outcomes": i.outcomes,
            "force_types": i.force_types, "injury": i.injury,
            "de_escalation": i.de_escalation,
            "de_escalation_techniques": i.de_escalation_techniques, "narrative": i.narrative,
        }
        assert validate_interaction_fields(data) == {}, (i.pk, data)
        flags = measure_flags(
            initiated_by=i.initiated_by, reason=i.reason, outcomes=i.outcomes,
            force_types=i.force_types,
        )
        assert all(getattr(i, k) == v for k, v in flags.items())
        assert i.status in ("submitted", "reviewed")
        assert (i.status == "reviewed") == (i.reviewed_by_id is not None)


def test_record_access_demo_goes_through_the_services(demo):
    assert set(RecordAccessRequest.objects.values_list("status", flat=True)) == {
        "pending", "granted", "denied"
    }
    # Four at the first school, and the transferred student's at the new school (issue 11).
    assert DisclosureLogEntry.objects.filter(kind="request").count() == 5
    assert DisclosureLogEntry.objects.filter(kind__in=["granted", "denied"]).count() == 3


def test_requested_number_of_interactions_with_a_disparity_to_find(db):
    out = seed(students=400, interactions=4000, seed=11)
    assert "4,000 interactions" in out
    assert Interaction.objects.count() == 4000
    enrolled = Counter(Enrollment.objects.values_list("race_ethnicity", flat=True))
    contacts = Counter(Interaction.objects.values_list("race_ethnicity", flat=True))
    rate = {g: contacts[g] / enrolled[g] for g in ("african_american", "white")}
    assert rate["african_american"] > 1.4 * rate["white"]
    idea = Interaction.objects.filter(disability="idea")
    none = Interaction.objects.filter(disability="none")
    assert idea.filter(arrest=True).count() / idea.count() > (
        none.filter(arrest=True).count() / none.count()
    )


def test_seeding_again_leaves_the_roster_alone(demo):
    before = Interaction.objects.count(), Enrollment.objects.count()
    assert "leaving roster and interactions" in seed(students=300, seed=7)
    assert (Interaction.objects.count(), Enrollment.objects.count()) == before


def test_every_demographic_code_of_the_demo_is_on_its_code_list(demo):
    """A code that is not on the list (for example "black" for african_american) would be
    counted as a group of its own in every report, with its raw code as its name."""
    from interactions.codes import DIMENSIONS
    from reports.models import EnrollmentCount
    from sro_program.models import GRADE_ORDER

    for dimension, codes in DIMENSIONS.items():
        allowed = {c.value for c in codes} if codes is not None else set(GRADE_ORDER)
        for model in (Enrollment, Interaction):
            found = set(model.objects.values_list(dimension, flat=True).distinct())
            assert found <= allowed, (model.__name__, dimension, found - allowed)
        found = set(EnrollmentCount.objects.filter(dimension=dimension)
                    .values_list("group", flat=True).distinct())
        assert found <= allowed, ("EnrollmentCount", dimension, found - allowed)
