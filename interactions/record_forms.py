"""Forms of the record-access pages. Rules live in interactions.record_access; these forms only
collect input, limit choices to the user's scope, and show the service's errors per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mous.models import Agency
from sro_program.models import Officer

from .models import RecordAccessRequest
from .record_access import basis_errors
from .selectors import student_for_user

Status = RecordAccessRequest.Status


class RecordAccessRequestForm(forms.Form):
    student_id = forms.CharField(
        label=_("District student ID"),
        max_length=20,
        help_text=_("Only students enrolled at your schools can be chosen."),
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True), empty_label=_("Choose…")
    )
    officer = forms.ModelChoiceField(
        queryset=Officer.objects.filter(active=True).select_related("agency"),
        required=False,
        empty_label=_("No officer (the agency asks)"),
        help_text=_("The officer who asks; leave empty when the agency asks without one."),
    )
    basis = forms.ChoiceField(
        label=_("Legal basis (FERPA)"),
        choices=[("", _("Choose…"))] + RecordAccessRequest.Basis.choices,
    )
    records_requested = forms.CharField(
        label=_("Records requested"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    legitimate_interest = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    threat_description = forms.CharField(
        label=_("Articulable and significant threat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a health or safety emergency (34 CFR 99.36)."),
    )
    legal_citation = forms.CharField(
        max_length=200, required=False, help_text=_("Required when the basis is another law.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        officer = getattr(user, "officer", None)
        if officer is not None:
            self.fields["officer"].initial = officer.pk
            self.fields["agency"].initial = officer.agency_id
        self.fields["officer"].label_from_instance = lambda o: f"{o} · {o.agency.name}"

    def clean_student_id(self):
        student = student_for_user(self.user, self.cleaned_data["student_id"])
        if student is None:
            raise forms.ValidationError(_("No student with this ID is enrolled at your schools."))
        self.student = student
        return student.student_id

    def clean(self):
        data = super().clean()
        errors = basis_errors(
            data.get("basis", ""), data.get("threat_description", ""),
            data.get("legal_citation", ""),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        officer, agency = data.get("officer"), data.get("agency")
        if officer and agency and officer.agency_id != agency.pk:
            self.add_error("officer", "The officer does not belong to this agency.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Status.GRANTED, "Grant access"), (Status.DENIED, "Deny access")],
        widget=forms.RadioSelect,
    )
    access_date = forms.DateField(
        label=_("Date access was given"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When granting; today if left empty."),
    )
    further_parties = forms.CharField(
        label=_("Further parties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anyone else the records may be disclosed to (34 CFR 99.32(b))."),
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when denying: say why."),
    )


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("Correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What is corrected and why. The original entry stays as it is."),
    )
