"""The interaction form. Its field names are the CSV columns of `import_csv interactions`, so
a message about `officer_badge` means the same on screen and in an import report.

The form only parses and resolves (school by CDS code, student by ID or name within the user's
schools, officer by badge among those assigned there that day) and runs the pure field rules;
every rule that needs the database lives in `services.validate_interaction_data`.
"""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sro_program.models import Assignment, Officer, School

from .codes import (
    OUTSIDE_SRO_ROLE_REASONS,
    DeEscalationTechnique,
    ForceType,
    InitiatedBy,
    Injury,
    Location,
    Outcome,
    Reason,
    RequestedByRole,
)
from .models import Interaction
from .selectors import students_for_user
from .services import CHANGE_REASON_MAX, FIELDS, NARRATIVE_MAX, validate_interaction_fields

STUDENT_MATCH_LIMIT = 10

OUTSIDE_ROLE_HELP = (
    "Required for “Code of conduct” and “Mental health crisis”. BP 3515.31 keeps SROs out of "
    "routine discipline and code-of-conduct matters, and out of matters better handled by "
    "mental-health professionals; record why the SRO had to be involved (for a crisis, the "
    "imminent danger)."
)
NO_STATUS_HELP = (
    "Describe what happened. Never record citizenship or immigration status (Ed Code 234.7)."
)

# Model field -> form field, for errors raised by the services.
ERROR_FIELD = {"school": "school_cds", "student": "student_id", "officer": "officer_badge"}


def blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


def officers_assigned(school: School | None, day: date | None) -> list[Officer]:
    """Officers assigned to `school` on `day`, one query."""
    if school is None or day is None:
        return []
    assignments = (
        Assignment.objects.active_on(day)
        .filter(school=school)
        .select_related("officer__agency")
        .order_by("officer__last_name", "officer__first_name")
    )
    return list(dict.fromkeys(a.officer for a in assignments))


def officer_choice(officer: Officer) -> tuple[str, str]:
    return (
        officer.badge_number,
        f"{officer.last_name}, {officer.first_name} (#{officer.badge_number})",
    )


class InteractionForm(forms.Form):
    # For the page's script (data attribute): which reasons need a justification.
    outside_role_reasons = " ".join(sorted(OUTSIDE_SRO_ROLE_REASONS))

    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    school_cds = forms.ChoiceField(label=_("School"))
    student_id = forms.CharField(
        label=_("Student"),
        max_length=100,
        help_text=_("Type part of the student ID or name; only students of your schools match."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "student-options"}),
    )
    officer_badge = forms.CharField(
        label=_("Officer"), help_text=_("Officers assigned to the school on that date.")
    )
    location = forms.ChoiceField(choices=blank("Choose…", Location.choices))
    initiated_by = forms.ChoiceField(
        label=_("Initiated by"), choices=blank("Choose…", InitiatedBy.choices)
    )
    requested_by_role = forms.ChoiceField(
        label=_("Staff member who called the SRO"),
        choices=blank("Not applicable", RequestedByRole.choices),
        required=False,
        help_text=_("Only when school staff called the SRO."),
    )
    reason = forms.ChoiceField(label=_("Primary reason"), choices=blank("Choose…", Reason.choices))
    justification = forms.CharField(
        label=_("Justification (outside the SRO role)"),
        required=False,
        help_text=OUTSIDE_ROLE_HELP,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NARRATIVE_MAX}),
    )
    outcomes = forms.MultipleChoiceField(
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("“No action” only on its own."),
    )
    force_used = forms.BooleanField(label=_("Force used?"), required=False)
    force_types = forms.MultipleChoiceField(
        label=_("Force types"),
        choices=ForceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    injury = forms.ChoiceField(
        choices=blank("Not applicable (no force)", Injury.choices),
        required=False,
        help_text=_("Firearm discharge, serious injury or death is GC 12525.2 reportable."),
    )
    de_escalation = forms.BooleanField(label=_("De-escalation attempted"), required=False)
    de_escalation_techniques = forms.MultipleChoiceField(
        label=_("De-escalation techniques"),
        choices=DeEscalationTechnique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    narrative = forms.CharField(
        required=False,
        max_length=NARRATIVE_MAX,
        help_text=NO_STATUS_HELP,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": NARRATIVE_MAX}),
    )

    def __init__(self, *args, user, instance: Interaction | None = None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.schools = list(School.objects.for_user(user).filter(active=True))
        school_choices = [(s.cds_code, s.name) for s in self.schools]
        if len(self.schools) > 1:
            school_choices = blank("Choose…", school_choices)
        self.fields["school_cds"].choices = school_choices
        school, day = self._school_and_day()
        self.fields["officer_badge"].widget = forms.Select(
            choices=blank("Choose…", [officer_choice(o) for o in officers_assigned(school, day)])
        )
        urls = {
            "student-search": reverse("interactions:student_search"),
            "officer-options": reverse("interactions:officer_options"),
        }
        self.fields["student_id"].widget.attrs["data-search-url"] = urls["student-search"]
        self.fields["officer_badge"].widget.attrs["data-options-url"] = urls["officer-options"]
        if instance is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", instance.version)
            if instance.status != Interaction.Status.DRAFT:
                self.fields["change_reason"] = forms.CharField(
                    label=_("Reason for this change"),
                    max_length=CHANGE_REASON_MAX,
                    help_text=_("Kept in the history with your name."),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        self.helper = self._helper()

    @staticmethod
    def initial_from(interaction: Interaction) -> dict:
        return {
            "occurred_at": timezone.localtime(interaction.occurred_at),
            "school_cds": interaction.school.cds_code,
            "student_id": interaction.student.student_id,
            "officer_badge": interaction.officer.badge_number,
            "location": interaction.location,
            "initiated_by": interaction.initiated_by,
            "requested_by_role": interaction.requested_by_role,
            "reason": interaction.reason,
            "justification": interaction.justification,
            "outcomes": interaction.outcomes,
            "force_used": bool(interaction.force_types),
            "force_types": interaction.force_types,
            "injury": interaction.injury,
            "de_escalation": interaction.de_escalation,
            "de_escalation_techniques": interaction.de_escalation_techniques,
            "narrative": interaction.narrative,
        }

    def _school_and_day(self) -> tuple[School | None, date | None]:
        """The school and date the officer list is for: submitted, else initial, else today."""
        cds = self["school_cds"].value()
        school = next((s for s in self.schools if s.cds_code == cds), None)
        if school is None and len(self.schools) == 1:
            school = self.schools[0]
        raw = self["occurred_at"].value()
        day = None
        if hasattr(raw, "date"):
            day = timezone.localdate(raw) if timezone.is_aware(raw) else raw.date()
        elif raw:
            try:
                day = date.fromisoformat(str(raw)[:10])
            except ValueError:
                day = None
        return school, day or timezone.localdate()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                "When, where, who",
                Div(
                    Div("occurred_at", css_class="col-md-6"),
                    Div("school_cds", css_class="col-md-6"),
                    css_class="row",
                ),
                Field("student_id"),
                HTML(
                    '<datalist id="student-options"></datalist>'
                    '<p class="small text-body-secondary" id="student-match"'
                    ' aria-live="polite"></p>'
                ),
                Div(
                    Div("officer_badge", css_class="col-md-6"),
                    Div("location", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("initiated_by", css_class="col-md-6"),
                    Div("requested_by_role", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Reason and outcome",
                "reason",
                Div("justification", css_id="justification-section"),
                "outcomes",
            ),
            Fieldset(
                "Force and de-escalation",
                "force_used",
                Div("force_types", "injury", css_id="force-section"),
                "de_escalation",
                Div("de_escalation_techniques", css_id="de-escalation-section"),
            ),
            Fieldset("Narrative", "narrative"),
        )
        if "change_reason" in self.fields:
            helper.layout.append(Fieldset("Change", "change_reason"))
        if "version" in self.fields:
            helper.layout.append("version")
        return helper

    def clean_student_id(self) -> str:
        raw = self.cleaned_data["student_id"].strip()
        matches = students_for_user(self.user, raw, limit=STUDENT_MATCH_LIMIT)
        exact = [s for s in matches if s.student_id.lower() == raw.lower()]
        if exact:
            self.student = exact[0]
        elif len(matches) == 1:
            self.student = matches[0]
        elif not matches:
            raise ValidationError(_("No student with this ID or name at your schools."))
        else:
            listed = "; ".join(f"{s.last_name}, {s.first_name} ({s.student_id})" for s in matches)
            raise ValidationError(f"Several students match; give the ID. Matches: {listed}")
        return self.student.student_id

    def clean(self):
        cleaned = super().clean()
        cleaned["force_types"] = cleaned.get("force_types") or []
        # Without JavaScript the force section is always shown: ticking a force type says
        # force was used even if the toggle was missed.
        cleaned["force_used"] = bool(cleaned.get("force_used") or cleaned["force_types"])
        if not cleaned["force_used"]:
            cleaned["injury"] = ""
        if not cleaned.get("de_escalation"):
            cleaned["de_escalation_techniques"] = []
        parse_errors = set(self._errors)  # a field that did not parse has said enough
        for field, messages in validate_interaction_fields(cleaned).items():
            if field in parse_errors:
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def model_data(self) -> dict:
        """The cleaned values as the services take them (model objects, not codes)."""
        c = self.cleaned_data
        school = next((s for s in self.schools if s.cds_code == c["school_cds"]), None)
        day = timezone.localdate(c["occurred_at"])
        officers = [
            o for o in officers_assigned(school, day) if o.badge_number == c["officer_badge"]
        ]
        if not officers:  # not assigned there that day: the service says so by name
            officers = list(
                Officer.objects.filter(badge_number=c["officer_badge"]).select_related("agency")[:1]
            )
        data = {f: c.get(f) for f in FIELDS if f in c}
        data.update(school=school, student=self.student, officer=officers[0] if officers else None)
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError at the fields it names (or at the top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.message_dict.items():
            field = ERROR_FIELD.get(field, field)
            for message in errors:
                self.add_error(field if field in self.fields else None, message)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this interaction voided?"), widget=forms.Textarea(attrs={"rows": 3})
    )
