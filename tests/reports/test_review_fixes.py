"""Review fixes: the enrollment-count admin's school filter lists only the user's schools."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from reports.models import EnrollmentCount
from tests.factories import UserFactory


def test_enrollment_count_admin_school_filter_lists_only_own_schools(
    as_user, school_a, school_b
):
    user = UserFactory(username="scoped_staff", schools=[school_a], is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_enrollmentcount"))
    values = {"school_year": "2025-26", "dimension": "all", "group": "all", "count": 100}
    EnrollmentCount.objects.create(school=school_a, **values)
    EnrollmentCount.objects.create(school=school_b, **values)
    response = as_user(user).get(reverse("admin:reports_enrollmentcount_changelist"))
    assert response.status_code == 200
    assert school_b.name not in response.content.decode()
