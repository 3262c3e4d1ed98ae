"""Admin for the reports app: imported enrollment counts (editable by district
administrators) and published reports (read-only: a snapshot is immutable)."""

from django.contrib import admin

from authz.admin import ScopedModelAdmin

from .models import EnrollmentCount, PublishedReport


@admin.register(EnrollmentCount)
class EnrollmentCountAdmin(ScopedModelAdmin):
    list_display = ["school_year", "school", "dimension", "group", "count"]
    list_filter = ["school_year", "dimension", ("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["school__name", "school__cds_code", "group"]
    list_select_related = ["school"]


@admin.register(PublishedReport)
class PublishedReportAdmin(ScopedModelAdmin):
    list_display = ["title", "published_at", "published_by_username", "sha256"]
    search_fields = ["title", "sha256", "published_by_username"]
    list_filter = ["published_at"]
    exclude = ["content", "content_bytes"]
    readonly_fields = ["title", "parameters", "sha256", "published_by", "published_by_username",
                       "published_at"]

    def has_add_permission(self, request):
        return False  # published through the report page, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
