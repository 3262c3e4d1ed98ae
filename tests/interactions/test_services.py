import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interactions import services
from interactions.models import Interaction
from interactions.services import validate_interaction_fields
from sro_program import roles
from tests.factories import EnrollmentFactory, StudentFactory, UserFactory

VALID = {
    "location": "campus",
    "initiated_by": "sro_observed",
    "reason": "threat_to_safety",
    "outcomes": ["warning"],
}


def errors_for(**changes):
    return validate_interaction_fields({**VALID, **changes})


class TestFieldRules:
    """The pure rules shared with the CSV importer (no database)."""

    def test_valid_data_passes(self):
        assert validate_interaction_fields(VALID) == {}

    @pytest.mark.parametrize("reason", ["code_of_conduct", "mental_health_crisis"])
    def test_outside_role_reasons_need_a_justification_citing_the_policy(self, reason):
        errors = errors_for(reason=reason)
        assert "BP 3515.31" in errors["justification"][0]
        assert errors_for(reason=reason, justification="Weapon seen; imminent danger.") == {}

    def test_justification_only_for_outside_role(self):
        assert "justification" in errors_for(justification="Because.")

    def test_no_action_only_alone(self):
        assert "outcomes" in errors_for(outcomes=["no_action", "warning"])
        assert errors_for(outcomes=["no_action"]) == {}
        assert "outcomes" in errors_for(outcomes=[])

    def test_csv_style_lists_are_accepted(self):
        assert errors_for(outcomes="warning;parent_contacted") == {}
        assert "outcomes" in errors_for(outcomes="warning;bogus")

    def test_force_needs_types_and_injury(self):
        assert "injury" in errors_for(force_types=["handcuffed"])
        assert "force_types" in errors_for(force_used=True)
        assert errors_for(force_types="handcuffed", injury="none") == {}

    def test_injury_without_force(self):
        assert "injury" in errors_for(injury="minor")

    def test_requested_by_role_only_with_staff_referral(self):
        assert "requested_by_role" in errors_for(requested_by_role="teacher")
        assert "requested_by_role" in errors_for(initiated_by="staff_referral")
        assert errors_for(initiated_by="staff_referral", requested_by_role="teacher") == {}

    def test_narrative_length(self):
        assert errors_for(narrative="x" * 1000) == {}
        assert "narrative" in errors_for(narrative="x" * 1001)

    def test_techniques_need_de_escalation(self):
        assert "de_escalation_techniques" in errors_for(de_escalation_techniques=["verbal"])
        assert errors_for(de_escalation="Y", de_escalation_techniques=["verbal"]) == {}

    def test_unknown_codes(self):
        assert "reason" in errors_for(reason="loitering")


class TestCreate:
    def test_snapshot_flags_and_school_year(self, staff_a, model_data):
        model_data.update(
            reason="code_of_conduct",
            justification="Fight in progress; staff asked for help.",
            initiated_by="staff_referral",
            requested_by_role="teacher",
            outcomes=["arrest"],
            force_types=["firearm_discharged"],
            injury="none",
        )
        i = services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
        assert i.status == "submitted" and i.logged_by == staff_a
        assert i.school_year == "2025-26"
        assert (i.grade, i.race_ethnicity, i.english_learner) == ("11", "hispanic", "Y")
        assert i.outside_sro_role and i.use_of_force and i.arrest
        assert i.referral_to_law_enforcement
        assert i.gc12525_reportable
        assert i.history.get().history_user == staff_a

    def test_serious_injury_is_gc12525_reportable(self, staff_a, model_data):
        model_data.update(force_types=["physical_control"], injury="serious")
        i = services.interaction_create(data=model_data, acting_user=staff_a, submit=False)
        assert i.status == "draft" and i.gc12525_reportable

    def test_officer_must_be_assigned_that_day(self, staff_a, model_data):
        model_data["occurred_at"] = timezone.make_aware(dt.datetime(2025, 7, 20, 9, 0))
        with pytest.raises(ValidationError) as raised:
            services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
        assert "not assigned" in raised.value.message_dict["officer_badge"][0]

    def test_student_needs_enrollment_for_that_year(self, staff_a, model_data, school_a):
        other = StudentFactory()
        EnrollmentFactory(student=other, school=school_a, school_year="2024-25")
        model_data["student"] = other
        with pytest.raises(ValidationError) as raised:
            services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
        assert "2025-26" in raised.value.message_dict["student_id"][0]

    def test_student_of_another_school_is_refused(self, staff_a, model_data, school_b):
        outsider = StudentFactory()
        EnrollmentFactory(student=outsider, school=school_b, school_year="2025-26")
        model_data["student"] = outsider
        with pytest.raises(ValidationError) as raised:
            services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
        assert "student_id" in raised.value.message_dict

    def test_view_only_role_cannot_log(self, sro_user, model_data):
        with pytest.raises(PermissionDenied):
            services.interaction_create(data=model_data, acting_user=sro_user, submit=True)


@pytest.fixture
def submitted(staff_a, model_data):
    return services.interaction_create(data=model_data, acting_user=staff_a, submit=True)


class TestUpdate:
    def test_edit_after_submission_needs_a_reason_kept_in_history(
        self, staff_a, model_data, submitted
    ):
        model_data["outcomes"] = ["warning", "restorative"]
        with pytest.raises(ValidationError):
            services.interaction_update(
                interaction=submitted,
                data=model_data,
                acting_user=staff_a,
                expected_version=submitted.version,
                reason="",
            )
        updated = services.interaction_update(
            interaction=submitted,
            data=model_data,
            acting_user=staff_a,
            expected_version=submitted.version,
            reason="Restorative circle was held",
        )
        assert updated.version == submitted.version + 1
        assert updated.restorative
        latest = updated.history.first()
        assert latest.history_change_reason == "Restorative circle was held"
        assert latest.history_user == staff_a

    def test_second_editor_with_the_same_version_gets_a_conflict(
        self, staff_a, site_admin_a, model_data, submitted
    ):
        version = submitted.version
        first = dict(model_data, narrative="First editor's words.")
        services.interaction_update(
            interaction=submitted,
            data=first,
            acting_user=staff_a,
            expected_version=version,
            reason="typo",
        )
        second = dict(model_data, narrative="Second editor's words.")
        with pytest.raises(services.InteractionConflict) as raised:
            services.interaction_update(
                interaction=submitted,
                data=second,
                acting_user=site_admin_a,
                expected_version=version,
                reason="clarify",
            )
        assert raised.value.current.narrative == "First editor's words."
        assert Interaction.objects.get().narrative == "First editor's words."

    def test_edit_of_reviewed_goes_back_for_review(
        self, staff_a, site_admin_a, model_data, submitted
    ):
        reviewed = services.interaction_review(interaction=submitted, acting_user=site_admin_a)
        updated = services.interaction_update(
            interaction=reviewed,
            data=model_data,
            acting_user=staff_a,
            expected_version=reviewed.version,
            reason="late correction",
        )
        assert updated.status == "submitted"


class TestReviewAndVoid:
    def test_review_needs_permission_and_school(self, staff_a, site_admin_a, school_b, submitted):
        with pytest.raises(PermissionDenied):
            services.interaction_review(interaction=submitted, acting_user=staff_a)
        other_admin = UserFactory(role=roles.SITE_ADMIN, schools=[school_b])
        with pytest.raises(PermissionDenied):
            services.interaction_review(interaction=submitted, acting_user=other_admin)
        reviewed = services.interaction_review(interaction=submitted, acting_user=site_admin_a)
        assert reviewed.status == "reviewed" and reviewed.reviewed_by == site_admin_a

    def test_void_keeps_the_record_with_reason(self, site_admin_a, staff_a, submitted):
        with pytest.raises(PermissionDenied):
            services.interaction_void(interaction=submitted, acting_user=staff_a, reason="x")
        with pytest.raises(ValidationError):
            services.interaction_void(interaction=submitted, acting_user=site_admin_a, reason="")
        voided = services.interaction_void(
            interaction=submitted, acting_user=site_admin_a, reason="Duplicate entry"
        )
        assert voided.voided and voided.void_reason == "Duplicate entry"
        assert not Interaction.objects.countable().exists()
        assert voided.history.first().history_change_reason == "Voided: Duplicate entry"

    def test_submitted_is_never_deleted(self, submitted):
        with pytest.raises(ValidationError):
            submitted.delete()
        assert Interaction.objects.filter(pk=submitted.pk).exists()
