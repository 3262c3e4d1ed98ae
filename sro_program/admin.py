from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from core.admin_inlines import LabelledTabularInline

from . import services
from .admin_utils import ScopedAdmin
from .models import (
    Assignment,
    DutyHours,
    Officer,
    OfficerTraining,
    PresentationDecision,
    PresentationRequest,
    School,
    SchoolMembership,
    StaffTraining,
    TrainingTopic,
)


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ["name", "cds_code", "grade_low", "grade_high", "active"]
    list_filter = ["active", "grade_low"]
    search_fields = ["name", "cds_code"]


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(ScopedAdmin):
    list_display = ["user", "school"]
    list_filter = [("school", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__last_name", "school__name"]
    autocomplete_fields = ["user", "school"]


@admin.register(Officer)
class OfficerAdmin(ScopedAdmin):
    list_display = ["last_name", "first_name", "badge_number", "agency", "sworn", "active"]
    list_filter = ["agency", "sworn", "active"]
    search_fields = ["last_name", "first_name", "badge_number"]
    raw_id_fields = ["user"]


# Assignments, training and presentations ------------------------------------------------------
# Admin goes through sro_program.services: the form and the duty-hours inline run the same
# checks as the service, and saving calls the service, so no rule can be bypassed here.


def _add_errors(form, errors: dict) -> None:
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [*services.ASSIGNMENT_FIELDS, "override_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        override = cleaned.get("override_reason", self.instance.override_reason or "")
        stored = self.instance if self.instance.pk else None  # not yet changed by the form
        _add_errors(
            self,
            services.assignment_errors(
                officer=cleaned.get("officer"), school=cleaned.get("school"),
                mou=cleaned.get("mou"), start_date=cleaned.get("start_date"),
                end_date=cleaned.get("end_date"), kind=cleaned.get("kind"),
                covers=cleaned.get("covers"), duty_hours=None, override_reason=override,
                acting_user=self.acting_user, instance=stored,
            ),
        )
        return cleaned


class DutyHoursFormSet(forms.BaseInlineFormSet):
    def periods(self) -> list[tuple]:
        return [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        parent = self.instance
        if parent.officer_id is None or parent.start_date is None:
            return  # the assignment form has errors of its own
        messages = services.duty_hours_errors(
            officer=parent.officer, start_date=parent.start_date, end_date=parent.end_date,
            duty_hours=self.periods(), exclude_pk=parent.pk,
        )
        if messages:
            raise forms.ValidationError(messages)


class DutyHoursInline(LabelledTabularInline):
    model = DutyHours
    formset = DutyHoursFormSet
    extra = 0
    min_num = 1


class OverrideListFilter(admin.SimpleListFilter):
    title = "training override"
    parameter_name = "override"

    def lookups(self, request, model_admin):
        return [("yes", "With an override"), ("no", "Without")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(override_reason="")
        if self.value() == "no":
            return queryset.filter(override_reason="")
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    form = AssignmentAdminForm
    inlines = [DutyHoursInline]
    list_display = [
        "officer", "school", "kind", "start_date", "end_date", "weekly_hours_display",
        "fte_display", "mou", "override_display",
    ]
    list_filter = [
        ("school", admin.RelatedOnlyFieldListFilter), "kind", OverrideListFilter,
        "officer__agency", "start_date",
    ]
    search_fields = [
        "officer__last_name", "officer__first_name", "officer__badge_number", "school__name",
        "override_reason",
    ]
    autocomplete_fields = ["officer", "school"]
    raw_id_fields = ["covers"]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("officer", "school", "mou", "override_by")
            .prefetch_related("duty_hours")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = ["override_by", "created_at"]
        if not request.user.has_perm(services.OVERRIDE_PERMISSION):
            readonly.append("override_reason")
        return readonly

    @admin.display(description="weekly hours")
    def weekly_hours_display(self, obj):
        return f"{obj.weekly_hours:g}"

    @admin.display(description="FTE")
    def fte_display(self, obj):
        return f"{obj.fte:.2f}"

    @admin.display(description="training override")
    def override_display(self, obj):
        if not obj.override_reason:
            return "—"
        who = obj.override_by.get_username() if obj.override_by else "?"
        return f"{obj.override_reason} ({who})"

    def save_model(self, request, obj, form, change):
        """Deferred to save_related, where the duty hours are known: the service saves both."""

    def save_related(self, request, form, formsets, change):
        duty_formset = next(fs for fs in formsets if isinstance(fs, DutyHoursFormSet))
        hours = duty_formset.periods()
        # The service replaces the hours; the change message lists the form's fields only.
        duty_formset.new_objects, duty_formset.changed_objects = [], []
        duty_formset.deleted_objects = []
        data = {name: form.cleaned_data.get(name) for name in services.ASSIGNMENT_FIELDS}
        override = form.cleaned_data.get("override_reason")  # None: not editable here
        if change:
            services.assignment_update(
                assignment=form.instance, acting_user=request.user, duty_hours=hours,
                override_reason=override, **data,
            )
        else:
            saved = services.assignment_create(
                **data, duty_hours=hours, override_reason=override or "",
                acting_user=request.user,
            )
            form.instance.pk, form.instance._state.adding = saved.pk, False
            form.instance.override_by = saved.override_by


@admin.register(TrainingTopic)
class TrainingTopicAdmin(ScopedAdmin):
    list_display = [
        "name", "code", "audience", "required_before_assignment", "renewal_months",
        "policy_reference",
    ]
    list_filter = ["audience", "required_before_assignment"]
    search_fields = ["name", "code", "policy_reference"]


class CurrentTrainingFilter(admin.SimpleListFilter):
    title = "current today"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
        if self.value() == "expired":
            return queryset.filter(expires_on__lte=today)
        return queryset


@admin.register(OfficerTraining)
class OfficerTrainingAdmin(ScopedAdmin):
    list_display = ["officer", "topic", "completed_on", "expires_on", "hours", "provider"]
    list_filter = ["topic", CurrentTrainingFilter, "officer__agency", "completed_on"]
    search_fields = ["officer__last_name", "officer__first_name", "officer__badge_number",
                     "provider", "topic__name"]
    autocomplete_fields = ["officer"]
    readonly_fields = ["expires_on"]
    date_hierarchy = "completed_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "topic":
            kwargs["queryset"] = TrainingTopic.objects.filter(
                audience=TrainingTopic.Audience.OFFICER
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StaffTraining)
class StaffTrainingAdmin(ScopedAdmin):
    list_display = ["__str__", "school", "topic", "completed_on"]
    list_filter = [("school", admin.RelatedOnlyFieldListFilter), "topic", "completed_on"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "person_name",
                     "school__name"]
    raw_id_fields = ["user"]
    date_hierarchy = "completed_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "topic":
            kwargs["queryset"] = TrainingTopic.objects.filter(audience=TrainingTopic.Audience.STAFF)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PresentationDecisionInline(LabelledTabularInline):
    model = PresentationDecision
    extra = 0
    can_delete = False
    fields = ["decision", "note", "decided_by", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PresentationRequest)
class PresentationRequestAdmin(ScopedAdmin):
    """Read-only here: requests are made and decided on the Presentations pages, through the
    services that check the officer's assignment and the deciding permission."""

    list_display = ["topic", "school", "officer", "audience", "date", "status", "requested_by"]
    list_filter = ["status", "audience", ("school", admin.RelatedOnlyFieldListFilter), "date"]
    search_fields = ["topic", "officer__last_name", "school__name"]
    inlines = [PresentationDecisionInline]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school", "officer", "requested_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
from . import admin_accounts  # noqa: E402,F401  (accounts, restricted for district administrators)
