"""The report builder's parameters: a school year, or a period within one, and the schools."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.codes import MEASURES, school_year_of
from sro_program.models import School

from .labels import MEASURE_LABELS
from .selectors import PeriodError, resolve_period


def school_year_choices(today: dt.date | None = None, years: int = 5) -> list[tuple[str, str]]:
    current = school_year_of(today or timezone.localdate())
    start = int(current[:4])
    out = []
    for year in range(start, start - years, -1):
        label = f"{year}-{(year + 1) % 100:02d}"
        out.append((label, label))
    return out


class ReportForm(forms.Form):
    school_year = forms.ChoiceField(label=_("School year"), choices=())
    date_from = forms.DateField(
        label=_("From (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave both dates empty for the whole school year (July 1 to June 30)."),
    )
    date_to = forms.DateField(
        label=_("To (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(), to_field_name="cds_code", required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every school."),
    )
    unsuppressed = forms.BooleanField(
        label=_("Show unsuppressed figures (confidential)"), required=False,
    )
    measure = forms.ChoiceField(
        label=_("Measure shown in the group tables"), required=False,
        choices=[(m, MEASURE_LABELS[m]) for m in MEASURES],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from interactions.models import Interaction

        choices = school_year_choices()
        latest = (Interaction.objects.for_user(user).countable().order_by("-school_year")
                  .values_list("school_year", flat=True).first())
        if latest and latest not in dict(choices):
            choices.append((latest, latest))
        self.fields["school_year"].choices = choices
        # Open on the latest year with data rather than an empty current year.
        self.fields["school_year"].initial = latest or choices[0][0]
        self.fields["schools"].queryset = School.objects.for_user(user).order_by("name")
        if not user.has_perm("reports.view_unsuppressed"):
            del self.fields["unsuppressed"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            year, start, end = resolve_period(
                school_year=data.get("school_year"), date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        data["school_year"], data["date_from"], data["date_to"] = year, start, end
        return data

    def report_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "school_year": data["school_year"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "schools": [s.cds_code for s in data["schools"]] or None,
            "unsuppressed": bool(data.get("unsuppressed")),
        }
