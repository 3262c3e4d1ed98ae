from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ori", "active"]
    list_filter = ["active"]
    search_fields = ["name", "ori"]
