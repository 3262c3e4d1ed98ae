"""Admin for students, enrollment, record-access requests and the disclosure log.

Record-access requests are read here and decided through the service (an admin action, or the
decide page); the disclosure log is read-only in admin: no add, change or delete, for anyone.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from authz.admin import ScopedInlineMixin, ScopedModelAdmin
from core.admin_inlines import LabelledTabularInline
from sro_program.admin_utils import ScopedAdmin

from .models import DisclosureLogEntry, Enrollment, RecordAccessRequest, Student
from .record_access import DECIDE_PERMISSION, record_access_decide


class EnrollmentInline(ScopedInlineMixin, LabelledTabularInline):
    model = Enrollment
    extra = 0
    fields = ["school_year", "school", *Enrollment.DEMOGRAPHIC_FIELDS]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = db_field.related_model.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Student)
class StudentAdmin(ScopedAdmin):
    list_display = ["student_id", "last_name", "first_name", "birth_date"]
    search_fields = ["student_id", "last_name", "first_name"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ["student", "school_year", "school", "grade", "race_ethnicity", "disability"]
    list_filter = [
        "school_year", ("school", admin.RelatedOnlyFieldListFilter), "grade",
        "race_ethnicity", "disability",
    ]
    search_fields = ["student__student_id", "student__last_name"]
    list_select_related = ["student", "school"]
    autocomplete_fields = ["student"]


class ReadOnlyAdmin(ScopedModelAdmin):
    """Rows written only by services; admin shows them, scoped like every other page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecordAccessRequest)
class RecordAccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "student", "school", "agency", "basis", "status", "decide_link"]
    list_filter = ["status", "basis", ("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["student__student_id", "student__last_name"]
    list_select_related = ["student", "school", "agency"]
    actions = ["grant_today"]

    @admin.display(description="Decision")
    def decide_link(self, obj):
        if obj.status != RecordAccessRequest.Status.PENDING:
            return obj.get_status_display()
        url = reverse("interactions:record_access_decide", args=[obj.pk])
        return format_html('<a href="{}">Decide</a>', url)

    @admin.action(description="Grant selected pending requests (access given today)")
    def grant_today(self, request, queryset):
        done = 0
        for access_request in queryset.filter(status=RecordAccessRequest.Status.PENDING):
            try:
                record_access_decide(
                    request=access_request, decision=RecordAccessRequest.Status.GRANTED,
                    acting_user=request.user,
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{access_request}: {exc}", messages.ERROR)
                return
            done += 1
        self.message_user(request, f"{done} request(s) granted and logged.", messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(DECIDE_PERMISSION):
            actions.pop("grant_today", None)
        return actions


@admin.register(DisclosureLogEntry)
class DisclosureLogEntryAdmin(ReadOnlyAdmin):
    """Append-only (34 CFR 99.32): corrections are new entries, made on the log page."""

    list_display = ["recorded_at", "student", "kind", "basis", "requester", "decided_by",
                    "access_date", "corrects"]
    list_filter = ["kind", "basis"]
    search_fields = ["student__student_id", "student__last_name", "requester"]
    list_select_related = ["student", "corrects"]

    def get_actions(self, request):
        return {}
