import json

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Officer, PresentationRequest, School


class UsernamePauseMixin:
    """Refuses, before any password is checked, a username whose sign-in is paused by the
    per-username ceiling (sro_program.signin_throttle); the refusal is not counted."""

    def clean(self):
        from . import signin_throttle

        seconds = signin_throttle.paused_for(self.data.get("username", ""))
        if seconds:
            raise forms.ValidationError(signin_throttle.pause_message(seconds), code="paused")
        return super().clean()


class LoginForm(UsernamePauseMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The username or password is not right. Check both and try again; "
        "after several failed attempts sign-in is paused for 15 minutes.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PresentationRequestForm(forms.ModelForm):
    """A site administrator's request; the choices are their schools and the officers assigned
    there from today on. The service checks the officer is assigned on the chosen date."""

    class Meta:
        model = PresentationRequest
        fields = ["school", "officer", "audience", "topic", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "topic": "What the officer will talk about, e.g. 'Online safety for 9th graders'.",
            "officer": "Officers assigned at the school. Choose one assigned on that date.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.for_user(user).filter(active=True)
        self.fields["school"].queryset = schools
        today = timezone.localdate()
        assignments = (
            Assignment.objects.filter(school__in=schools)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("officer", "school")
            .order_by("officer__last_name", "school__name")
        )
        self.officer_schools: dict[int, set[int]] = {}
        for a in assignments:
            self.officer_schools.setdefault(a.officer_id, set()).add(a.school_id)
        self.fields["officer"].queryset = Officer.objects.filter(pk__in=self.officer_schools)
        # The page's script shows only the officers of the chosen school.
        self.fields["officer"].widget.attrs["data-officer-schools"] = json.dumps(
            {str(k): sorted(v) for k, v in self.officer_schools.items()}
        )
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        self.fields["school"].empty_label = "Choose…"
        self.fields["officer"].empty_label = "Choose…"
        self.fields["audience"].choices = [
            ("", "Choose…"),
            *(c for c in self.fields["audience"].choices if c[0]),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False


class PresentationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (PresentationRequest.Status.APPROVED, "Approve"),
            (PresentationRequest.Status.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Required when declining: say why, so the school can adjust the request."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AdminLoginForm(UsernamePauseMixin, AdminAuthenticationForm):
    """The admin site's sign-in, under the same per-username ceiling."""
