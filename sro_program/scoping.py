"""The school side of the authorization core (authz/core.py).

A user sees a school's records when they hold a membership at that school, or when their role
has the district-wide permission `sro_program.view_all_schools`. This module tells the core
how to find a user's schools (`configure_core`, called from the app's ready()); the models
declare their path to a school (`authz_scope`), and views, admin, exports, reports and
services go through `Model.objects.restrict(user, action)` / `get_for_action` / `require`.
"""

from django.core.exceptions import PermissionDenied
from django.db import models

from authz import core
from authz.core import RestrictedQuerySet

VIEW_ALL_SCHOOLS = "sro_program.view_all_schools"


def sees_all_schools(user) -> bool:
    return core.sees_all_schools(user)


def school_ids_for(user) -> models.QuerySet:
    """The ids of the schools the user belongs to, as a subquery."""
    from .models import SchoolMembership

    return SchoolMembership.objects.filter(user_id=user.pk).values("school_id")


def configure_core() -> None:
    core.configure(school_ids_for=school_ids_for, district_wide_perm=VIEW_ALL_SCHOOLS)


class SchoolScopedQuerySet(RestrictedQuerySet):
    """Kept for the models' custom querysets; the scope itself is the model's declaration."""


def require_perm(user, perm: str, doing: str = "") -> None:
    """403 unless the user holds the permission (a page-level check, for pages that are not
    about one object: lists, forms to create). `doing` completes "Your role may not …"."""
    if not user.has_perm(perm):
        raise PermissionDenied(f"Your role may not {doing}." if doing else "")
