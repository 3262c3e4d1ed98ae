"""The public form on which a family asks for a student's record of disclosures. Protected
without third-party services: a honeypot field people never see, and a signed time stamp
(the form must be sent no sooner than a few seconds and no later than two hours after it was
shown)."""

from __future__ import annotations

import datetime as dt
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.models import FamilyRecordRequest
from sro_program.models import School

SIGNER_SALT = "public.family-request.time"
HONEYPOT = "website"


def issue_stamp() -> str:
    return signing.dumps({"t": time.time()}, salt=SIGNER_SALT)


class FamilyRequestForm(forms.Form):
    requester_name = forms.CharField(label=_("Your full name"), max_length=200)
    relationship = forms.ChoiceField(
        label=_("Your relationship to the student"),
        choices=FamilyRecordRequest.Relationship.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose your relationship to the student."),
                        "invalid_choice": _("Choose your relationship to the student.")},
    )
    student_name = forms.CharField(label=_("Student's full name"), max_length=200)
    student_birth_date = forms.DateField(
        label=_("Student's date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date of birth as year-month-day, "
                                     "for example 2010-09-30.")},
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.order_by("name"),
        empty_label=_("Choose the school"),
        error_messages={"invalid_choice": _("Choose the school from the list.")},
    )
    contact = forms.CharField(
        label=_("How can we reach you?"), max_length=254,
        help_text=_("A telephone number, an email address or a postal address."),
    )
    # People never see this field (hidden by CSS and from assistive technology); robots fill it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    stamp = forms.CharField(widget=forms.HiddenInput)

    def clean_student_birth_date(self):
        value = self.cleaned_data["student_birth_date"]
        today = timezone.localdate()
        if value > today or value < today - dt.timedelta(days=366 * 30):
            raise forms.ValidationError(_("Check the date of birth: it must be a past date "
                                          "within the last 30 years."))
        return value

    def clean_stamp(self):
        try:
            sent = signing.loads(self.cleaned_data["stamp"], salt=SIGNER_SALT,
                                 max_age=settings.PUBLIC_FORM_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise forms.ValidationError(_("The form was open too long. Please check your "
                                          "answers and send it again.")) from None
        except signing.BadSignature:
            raise forms.ValidationError(_("The form could not be read. Please reload the "
                                          "page and fill it in again.")) from None
        if time.time() - float(sent.get("t", 0)) < settings.PUBLIC_FORM_MIN_SECONDS:
            raise forms.ValidationError(_("The form was sent too quickly. Please check your "
                                          "answers and send it again."))
        return self.cleaned_data["stamp"]

    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))
