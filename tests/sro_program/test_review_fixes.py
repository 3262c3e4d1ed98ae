"""Review fixes: the membership admin's school filter lists only the user's schools."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory


def test_membership_admin_school_filter_lists_only_own_schools(as_user, school_a, school_b):
    user = UserFactory(username="scoped_staff", schools=[school_a], is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_schoolmembership"))
    UserFactory(username="other_member", schools=[school_b])
    response = as_user(user).get(reverse("admin:sro_program_schoolmembership_changelist"))
    assert response.status_code == 200
    assert school_b.name not in response.content.decode()
