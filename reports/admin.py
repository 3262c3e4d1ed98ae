"""Admin for the reports app: imported enrollment counts (editable by district
administrators) and published reports (read-only: a snapshot is immutable)."""

from django.contrib import admin

from sro_program.models import School

from .models import EnrollmentCount, PublishedReport


@admin.register(EnrollmentCount)
class EnrollmentCountAdmin(admin.ModelAdmin):
    list_display = ["school_year", "school", "dimension", "group", "count"]
    list_filter = ["school_year", "dimension", ("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["school__name", "school__cds_code", "group"]
    list_select_related = ["school"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(school__in=School.objects.for_user(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school":
            kwargs["queryset"] = School.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PublishedReport)
class PublishedReportAdmin(admin.ModelAdmin):
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
