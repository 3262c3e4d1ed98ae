from django.contrib import admin

from .admin_utils import ScopedAdmin
from .models import Officer, School, SchoolMembership


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ["name", "cds_code", "grade_low", "grade_high", "active"]
    list_filter = ["active", "grade_low"]
    search_fields = ["name", "cds_code"]


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(ScopedAdmin):
    list_display = ["user", "school"]
    list_filter = ["school"]
    search_fields = ["user__username", "user__last_name", "school__name"]
    autocomplete_fields = ["user", "school"]


@admin.register(Officer)
class OfficerAdmin(ScopedAdmin):
    list_display = ["last_name", "first_name", "badge_number", "agency", "sworn", "active"]
    list_filter = ["agency", "sworn", "active"]
    search_fields = ["last_name", "first_name", "badge_number"]
    raw_id_fields = ["user"]
