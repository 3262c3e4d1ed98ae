from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from sro_program.admin_utils import ScopedAdmin

# Student, enrollment and record-access admins live in admin_records.py (keep this import).
from . import (
    admin_records,  # noqa: F401
    services,
)
from .models import Interaction


@admin.register(Interaction)
class InteractionAdmin(ScopedAdmin):
    """Read-mostly: interactions are logged and edited through the form and its services
    (guards, version check, history reason). Here they are looked up, with their history,
    and voided; a submitted interaction is never deleted."""

    list_display = [
        "id", "occurred_at", "school", "student", "officer", "reason", "status",
        "outside_sro_role", "use_of_force", "gc12525_reportable", "voided",
    ]  # fmt: skip
    list_filter = [
        "status", "voided", "outside_sro_role", "use_of_force", "gc12525_reportable",
        "reason", "school_year", ("school", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    list_select_related = ["school", "student", "officer"]
    search_fields = ["student__student_id", "student__last_name", "officer__badge_number"]
    date_hierarchy = "occurred_at"
    actions = ["void_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Interaction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Interaction.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would bypass the never-delete rule in bulk
        return actions

    @admin.action(description="Void the selected interactions", permissions=["void"])
    def void_selected(self, request, queryset):
        reason = f"Voided in admin by {request.user.get_username()}"
        done = 0
        for interaction in queryset.filter(voided=False):
            try:
                services.interaction_void(
                    interaction=interaction, acting_user=request.user, reason=reason
                )
                done += 1
            except (ValidationError, PermissionDenied, services.InteractionConflict) as error:
                self.message_user(request, f"{interaction.pk}: {error}", messages.ERROR)
        self.message_user(request, f"{done} interaction(s) voided.")

    def has_void_permission(self, request):
        return request.user.has_perm("interactions.void_interaction")
