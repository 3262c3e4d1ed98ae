"""Review fixes: the review action's redirect stays on this site; admin list filters list
only the schools in the user's scope."""

import pytest
from django.urls import reverse

from interactions import services
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
