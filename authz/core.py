"""One fail-closed authorization core for every model of the project.

Every model declares how its rows are scoped, as the class attribute `authz_scope`:

- `SchoolScope("school")`: a path from the model to a school. A user sees the rows of the
  schools they are a member of; a district-wide role (see `configure`) sees every row.
- `DISTRICT_WIDE`: not bound to a school; every holder of the permission sees every row.
- `NEVER_LISTED`: never listed on its own (reached only through another object).
- `CustomScope(fn)`: `fn(queryset, school_ids)` filters the rows for a school-bound user.

`restrict(queryset, user, action)` checks the permission for the action AND filters the rows,
in one call; a model with no declaration raises `ImproperlyConfigured` (and the system check
`authz.E001` refuses to start). `get_for_action` fetches one object for an action: 404
outside the scope, 403 for a role that may see the object but not act on it.

This module knows nothing of schools beyond what the app that owns them registers through
`configure` (sro_program does it in its AppConfig.ready), so the lowest app (mous) can use it
without importing a higher one. Until configured, a school-bound user sees nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

STANDARD_ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class SchoolScope:
    path: str

    def describe(self) -> str:
        return f"school via {self.path!r}"


@dataclass(frozen=True)
class CustomScope:
    filter_for_schools: Callable
    label: str = "custom"

    def describe(self) -> str:
        return f"school ({self.label})"


@dataclass(frozen=True)
class _Named:
    name: str

    def describe(self) -> str:
        return self.name


DISTRICT_WIDE = _Named("district-wide")
NEVER_LISTED = _Named("never listed")
SCOPE_TYPES = (SchoolScope, CustomScope, _Named)


@dataclass
class _Config:
    school_ids_for: Callable | None = None  # user -> subquery of school ids
    district_wide_perm: str | None = None  # a permission that lifts the school filter


_config = _Config()


def configure(*, school_ids_for: Callable, district_wide_perm: str) -> None:
    _config.school_ids_for = school_ids_for
    _config.district_wide_perm = district_wide_perm


def is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def sees_all_schools(user) -> bool:
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return bool(_config.district_wide_perm) and user.has_perm(_config.district_wide_perm)


def is_history_model(model) -> bool:
    """django-simple-history's Historical* models: read only through their object's admin."""
    return hasattr(model, "instance_type") and hasattr(model, "history_object")


def scope_of(model):
    """The model's declared scope, or ImproperlyConfigured (fail-closed)."""
    if is_history_model(model):
        return NEVER_LISTED
    scope = model.__dict__.get("authz_scope")
    if scope is None:  # inherited from a concrete parent only, never from an abstract mixin
        for parent in model._meta.get_parent_list():
            scope = parent.__dict__.get("authz_scope")
            if scope is not None:
                break
    if not isinstance(scope, SCOPE_TYPES):
        raise ImproperlyConfigured(
            f"{model._meta.label} declares no authorization scope: give it authz_scope = "
            "SchoolScope('<path to school>'), DISTRICT_WIDE or NEVER_LISTED (authz.core)."
        )
    return scope


def permission_for(model, action: str) -> str:
    """'view' -> 'app.view_model'; 'review' -> 'app.review_model'; 'app.codename' as is."""
    if "." in action:
        return action
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def may(user, model, action: str) -> bool:
    """The permission half: may this user do `action` on some row of `model`? Viewing is
    allowed by the view or the change permission, as in Django's admin."""
    if not is_active_user(user):
        return False
    if user.has_perm(permission_for(model, action)):
        return True
    return action == "view" and user.has_perm(permission_for(model, "change"))


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    """The row half: the rows within the user's scope, whatever the permission."""
    model = queryset.model
    scope = scope_of(model)
    if not is_active_user(user):
        return queryset.none()
    if scope is NEVER_LISTED:
        return queryset.none()
    if scope is DISTRICT_WIDE or sees_all_schools(user):
        return queryset
    if _config.school_ids_for is None:
        return queryset.none()
    school_ids = _config.school_ids_for(user)
    if isinstance(scope, CustomScope):
        return scope.filter_for_schools(queryset, school_ids)
    return queryset.filter(**{f"{scope.path}__in": school_ids})


def restrict(queryset: models.QuerySet, user, action: str = "view") -> models.QuerySet:
    """Permission and scope in one call: no permission, no rows; otherwise the user's rows."""
    scope_of(queryset.model)  # fail closed before anything else
    if not may(user, queryset.model, action):
        return queryset.none()
    return scoped(queryset, user)


def school_of(instance):
    """The school id an object belongs to (by its declared SchoolScope path), or None."""
    scope = scope_of(type(instance))
    if not isinstance(scope, SchoolScope):
        return None
    parts = scope.path.split("__")
    value = instance
    for index, part in enumerate(parts):
        if value is None:
            return None
        if part == "pk" and index == len(parts) - 1:
            return value.pk
        field = value._meta.get_field(part)
        if index == len(parts) - 1 and field.many_to_one:
            return getattr(value, field.attname)
        if not field.is_relation or not (field.many_to_one or field.one_to_one):
            return None
        value = getattr(value, part)
    return getattr(value, "pk", value)


def get_for_action(user, queryset, action: str = "view", **lookup):
    """Fetch one object for an action.

    - a role that may neither view nor do the action on this kind of object: 403 (no lookup,
      so nothing about the object is revealed);
    - the object is outside the user's scope, or does not exist: 404;
    - the user may see it but not do the action: 403.
    """
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    model = queryset.model
    can_act = may(user, model, action)
    if not can_act and not may(user, model, "view"):
        raise PermissionDenied
    try:
        obj = scoped(queryset, user).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from exc
    if not can_act:
        raise PermissionDenied
    return obj


def require(user, instance, action: str) -> None:
    """For services: the acting user may do `action` on this object, re-checked in the database
    (permission and scope), so a caller cannot skip the view's check."""
    model = type(instance)
    if not may(user, model, action):
        raise PermissionDenied(f"Your role may not {action} this {model._meta.verbose_name}.")
    if instance.pk is None:
        return
    if not scoped(model._default_manager.filter(pk=instance.pk), user).exists():
        raise PermissionDenied(f"This {model._meta.verbose_name} is outside your schools.")


class RestrictedQuerySet(models.QuerySet):
    """`Model.objects.restrict(user, action)`; `for_user(user)` is the scope alone."""

    def restrict(self, user, action: str = "view"):
        return restrict(self, user, action)

    def for_user(self, user):
        return scoped(self, user)
