from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin whose rows come from the model's `for_user` scope, like every other page."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if hasattr(qs, "for_user"):
            return qs.for_user(request.user)
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        manager_qs = related._default_manager.all()
        if hasattr(manager_qs, "for_user"):
            kwargs.setdefault("queryset", manager_qs.for_user(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


__all__ = ["ScopedAdmin", "admin"]
