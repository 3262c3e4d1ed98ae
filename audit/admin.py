from django.contrib import admin

from authz.admin import ScopedModelAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    """Read-only: the audit trail is written by the application, never by hand."""

    list_display = ["at", "username", "action", "model_verbose", "object_repr"]
    list_filter = ["action", "model", "at"]
    search_fields = ["username", "object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
