"""Filters of the interaction list; the CSV export uses the same filterset, so an export is
exactly the list the user is looking at."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sro_program.models import School

from .codes import Outcome, Reason
from .models import Interaction

FLAGS = [
    ("outside_role", "Outside the SRO role"),
    ("use_of_force", "Use of force"),
    ("gc12525", "GC 12525.2 reportable"),
    ("voided", "Voided"),
]
FLAG_FILTERS = {
    "outside_role": {"outside_sro_role": True},
    "use_of_force": {"use_of_force": True},
    "gc12525": {"gc12525_reportable": True},
    "voided": {"voided": True},
}


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class InteractionFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), empty_label=_("All my schools")
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = django_filters.ChoiceFilter(choices=Reason.choices, empty_label=_("Any reason"))
    # A method filter has no model field to take its label from ("[invalid name]").
    outcome = django_filters.ChoiceFilter(
        choices=Outcome.choices,
        method="filter_outcome",
        label=_("Outcome"),
        empty_label=_("Any outcome"),
    )
    status = django_filters.ChoiceFilter(
        choices=Interaction.Status.choices, empty_label=_("Any status")
    )
    flag = django_filters.ChoiceFilter(
        choices=FLAGS, method="filter_flag", label=_("Flagged"), empty_label=_("Any")
    )

    class Meta:
        model = Interaction
        fields = ["school", "date_from", "date_to", "reason", "outcome", "status", "flag"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = School.objects.for_user(user)

    # Dates are whole district-time days, compared as a datetime range so that the
    # (school, -occurred_at) index serves them.
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=start_of(value))

    def filter_date_to(self, queryset, name, value):
        if value >= date.max:  # the last representable day: no next midnight, no end
            return queryset
        return queryset.filter(occurred_at__lt=start_of(value + timedelta(days=1)))

    def filter_outcome(self, queryset, name, value):
        if connection.features.supports_json_field_contains:
            return queryset.filter(outcomes__contains=[value])
        # SQLite has no JSON containment; the stored list is text with quoted codes, and
        # no code is a quoted substring of another.
        return queryset.filter(outcomes__icontains=f'"{value}"')

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**FLAG_FILTERS[value])
