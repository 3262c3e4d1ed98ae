from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class BoardApprovalForm(forms.Form):
    board_date = forms.DateField(
        label=_("Board meeting date"), widget=DateInput,
        help_text=_("The date of the meeting at which the Board approved the MOU."),
    )
    board_item = forms.CharField(
        label=_("Agenda item or resolution no."), max_length=100,
        help_text=_("As in the minutes, e.g. Item 9.2 or Resolution 2024-25/07."),
    )

    def clean_board_date(self):
        day = self.cleaned_data["board_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("This date is in the future. Record the approval after the Board meeting.")
            )
        return day


class TerminateForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the MOU ends, e.g. the Board's decision, or notice given by the agency."),
    )
    ended_on = forms.DateField(
        label=_("Last day in force"), required=False, widget=DateInput,
        help_text=_("Approved MOUs only. Empty: today."),
    )
