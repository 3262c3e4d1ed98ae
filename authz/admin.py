"""The admin base class every admin of the project uses: rows, related choices and the
django-simple-history views all go through the authorization core."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .checks import is_project_model
from .core import scoped


class ScopedAdminMixin:
    """Rows come from the model's declared scope (a model without one fails, it is never
    silently unscoped); choices of the project's models likewise (user accounts, from
    django.contrib.auth, are listed as Django lists them). Admin permissions stay Django's."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if "queryset" not in kwargs and is_project_model(related):
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if "queryset" not in kwargs and is_project_model(related):
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """History views answer only for objects inside `get_queryset` (the object's scope): the
    library falls back to the historical row otherwise, which would show other schools'
    records and reveal which ids exist. Reverting from a history page is refused: changes go
    through the change form (or the services), never by restoring an old row."""

    def _in_scope_or_404(self, request, object_id):
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            raise Http404(f"No {self.model._meta.verbose_name} with this id.")

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied("Reverting to an earlier version is not allowed.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """For models without history."""


class ScopedInlineMixin:
    """Inline rows limited to the declared scope of the inline's model."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)
