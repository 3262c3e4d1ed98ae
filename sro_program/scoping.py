"""One scoping rule for every school-bound model.

A user sees a school's records when they hold a membership at that school, or when their role
has the district-wide permission `sro_program.view_all_schools`. Views, admin, exports and report
selectors all start from `Model.objects.for_user(user)`.
"""

from django.core.exceptions import PermissionDenied
from django.db import models

VIEW_ALL_SCHOOLS = "sro_program.view_all_schools"


def sees_all_schools(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(VIEW_ALL_SCHOOLS)


def school_ids_for(user) -> models.QuerySet:
    """The ids of the schools the user belongs to, as a subquery."""
    from .models import SchoolMembership

    return SchoolMembership.objects.filter(user_id=user.pk).values("school_id")


class SchoolScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a school reached by `school_path`."""

    school_path = "school"

    def for_user(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_schools(user):
            return self
        return self.filter(**{f"{self.school_path}__in": school_ids_for(user)})


def require_perm(user, perm: str, doing: str = "") -> None:
    """403 unless the user holds the permission; views call it before any work and services
    again before they write. `doing` completes "Your role may not …" for the message."""
    if not user.has_perm(perm):
        raise PermissionDenied(f"Your role may not {doing}." if doing else "")
