"""Review fixes: the review action's redirect stays on this site; admin list filters list
only the schools in the user's scope."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interactions import services
from interactions.models import Interaction
from sro_program import roles
from tests.factories import UserFactory


@pytest.fixture
def interaction(staff_a, model_data):
    return services.interaction_create(data=model_data, acting_user=staff_a, submit=True)


class TestReviewRedirect:
    @pytest.mark.parametrize(
        "target", ["https://evil.example/phish", "//evil.example/phish", "http:evil.example"]
    )
    def test_next_to_another_site_is_ignored(self, as_user, site_admin_a, interaction, target):
        response = as_user(site_admin_a).post(
            reverse("interactions:review", args=[interaction.pk]), {"next": target}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
        assert response["Location"] == reverse("interactions:review_queue")

    def test_next_on_this_site_is_followed(self, as_user, site_admin_a, interaction):
        detail = reverse("interactions:detail", args=[interaction.pk])
        response = as_user(site_admin_a).post(
            reverse("interactions:review", args=[interaction.pk]), {"next": detail}
        )
        assert response["Location"] == detail


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:interactions_interaction_changelist",
        "admin:interactions_enrollment_changelist",
        "admin:interactions_recordaccessrequest_changelist",
    ],
)
def test_admin_school_filter_lists_only_own_schools(
    as_user, school_a, school_b, interaction, changelist
):
    """A school-bound admin user (staff flag at one school) never sees another school's name
    in the changelist's school filter."""
    user = UserFactory(
        username="siteadmin_staff", role=roles.SITE_ADMIN, schools=[school_a], is_staff=True
    )
    response = as_user(user).get(reverse(changelist))
    if response.status_code == 403:
        pytest.skip("this role has no admin view of the model")
    body = response.content.decode()
    assert school_b.name not in body


class TestNulInQueryStrings:
    """A NUL byte in a query string or URL is refused by PostgreSQL even in a lookup: the
    autocomplete endpoints and the log pages answer normally instead of a 500. (The 500
    shows on PostgreSQL; run with DATABASE_URL=postgres://... .)"""

    def test_student_search(self, as_user, staff_a, student_a):
        response = as_user(staff_a).get(
            reverse("interactions:student_search"), {"q": "Gar\x00cia"}
        )
        assert response.status_code == 200
        assert response.json() == {"results": []}

    def test_officer_options(self, as_user, staff_a, officer_a):
        response = as_user(staff_a).get(
            reverse("interactions:officer_options"), {"school_cds": "0\x00", "date": "2025-10-14"}
        )
        assert response.status_code == 200
        assert response.json() == {"options": []}

    @pytest.mark.parametrize(
        "name", ["interactions:disclosure_log", "interactions:disclosure_log_csv"]
    )
    def test_disclosure_log_student_id(self, as_user, custodian, student_a, name):
        url = reverse(name, args=["S2\x00"])
        assert as_user(custodian).get(url).status_code == 404


@pytest.mark.parametrize("name", ["interactions:list", "interactions:export_csv"])
def test_list_filter_to_the_last_representable_day(as_user, staff_a, interaction, name):
    """date_to=9999-12-31 means "no end": it used to overflow computing the next midnight."""
    response = as_user(staff_a).get(reverse(name), {"date_to": "9999-12-31"})
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert interaction.student.student_id in body


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2025, 10, 1, 0, 30),  # just after local midnight
        dt.datetime(2025, 9, 30, 23, 30),  # local September, UTC October
        dt.datetime(2025, 10, 31, 20, 0),
    ],
)
def test_occurred_month_backfill_matches_the_model(staff_a, model_data, when):
    """Migration 0005 fills occurred_month of existing rows with the local month, the same
    value Interaction.save stores (it was a day early on SQLite: 2025-09-30)."""
    model_data["occurred_at"] = timezone.make_aware(when)
    interaction = services.interaction_create(data=model_data, acting_user=staff_a, submit=True)
    expected = Interaction.objects.get(pk=interaction.pk).occurred_month
    Interaction.objects.update(occurred_month=None)
    migration = importlib.import_module("interactions.migrations.0005_interaction_occurred_month")
    migration.backfill(django_apps, None)
    assert Interaction.objects.get(pk=interaction.pk).occurred_month == expected


class TestLongReasons:
    """The history's change reason holds 100 characters (varchar(100): PostgreSQL refused a
    longer one with a 500)."""

    def test_void_with_a_long_reason(self, as_user, site_admin_a, interaction):
        reason = "Entered twice; " + "x" * 500
        response = as_user(site_admin_a).post(
            reverse("interactions:void", args=[interaction.pk]), {"reason": reason}
        )
        assert response.status_code == 302
        interaction.refresh_from_db()
        assert interaction.voided and interaction.void_reason == reason  # kept in full
        latest = interaction.history.order_by("-history_id").first()
        assert len(latest.history_change_reason) <= 100

    def test_edit_with_a_too_long_change_reason_is_refused(
        self, as_user, staff_a, interaction, form_data
    ):
        response = as_user(staff_a).post(
            reverse("interactions:edit", args=[interaction.pk]),
            {**form_data, "version": interaction.version, "change_reason": "y" * 101},
        )
        assert response.status_code == 200
        assert "at most 100 characters" in response.content.decode().lower()
        assert Interaction.objects.get(pk=interaction.pk).version == interaction.version

    def test_service_refuses_a_too_long_change_reason(self, staff_a, interaction, model_data):
        with pytest.raises(ValidationError) as error:
            services.interaction_update(
                interaction=interaction, data=model_data, acting_user=staff_a,
                expected_version=interaction.version, reason="z" * 101,
            )
        assert "change_reason" in error.value.message_dict


def test_request_for_a_student_without_enrollment_is_refused_not_a_500(client, db):
    """A district-wide user can name a student with no enrollment; the form says why."""
    from django.contrib.auth import get_user_model

    from interactions.models import RecordAccessRequest
    from tests.factories import AgencyFactory, StudentFactory

    superuser = get_user_model().objects.create_superuser("root.rv", "r@example.org", "pw-x-1")
    client.force_login(superuser)
    student = StudentFactory()
    agency = AgencyFactory()
    response = client.post("/interactions/records/new/", {
        "student_id": student.student_id, "agency": agency.pk, "records_requested": "Attendance",
        "legitimate_interest": "Follow-up", "basis": "school_official",
    })
    assert response.status_code == 200
    assert "no enrollment on record" in response.content.decode()
    assert not RecordAccessRequest.objects.exists()
