"""The records custodian's pages for families' requests: the list, one request with its
identity check, and the answer (the disclosure log as a PDF in the family's language)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sro_program.scoping import require_perm

from .family_requests import (
    HANDLE_PERMISSION,
    family_request_close,
    family_request_fulfil,
    family_request_verify,
)
from .models import FamilyRecordRequest, Student

VIEW_PERMISSION = "interactions.view_familyrecordrequest"


class VerifyForm(forms.Form):
    student_id = forms.CharField(label=gettext_lazy("District student ID"), max_length=20)
    identity_method = forms.ChoiceField(
        label=gettext_lazy("How the requester's identity was verified"),
        choices=FamilyRecordRequest.IdentityMethod.choices,
    )
    identity_verified_on = forms.DateField(
        label=gettext_lazy("Date of verification"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_student_id(self):
        value = self.cleaned_data["student_id"].strip().replace("\x00", "")
        student = Student.objects.filter(student_id=value).first()
        if student is None:
            raise forms.ValidationError(_("No student has this ID. Check the ID in the "
                                          "student information system."))
        self.student = student
        return value


class CloseForm(forms.Form):
    closed_reason = forms.CharField(
        label=gettext_lazy("Why the request is closed without disclosure"),
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
    )


@login_required
def family_request_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW_PERMISSION)
    status = request.GET.get("status", "")
    requests = FamilyRecordRequest.objects.select_related("school")
    if status in FamilyRecordRequest.Status.values:
        requests = requests.filter(status=status)
    return render(request, "interactions/records/family_request_list.html", {
        "requests": requests[:200], "status": status,
        "statuses": FamilyRecordRequest.Status.choices,
    })


@login_required
def family_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW_PERMISSION)
    family_request = get_object_or_404(
        FamilyRecordRequest.objects.select_related("school", "student"), pk=pk)
    can_handle = request.user.has_perm(HANDLE_PERMISSION)
    verify_form = VerifyForm(initial={"identity_verified_on": timezone.localdate()})
    close_form = CloseForm()
    if request.method == "POST":
        require_perm(request.user, HANDLE_PERMISSION)
        action = request.POST.get("action")
        try:
            if action == "verify":
                verify_form = VerifyForm(request.POST)
                if verify_form.is_valid():
                    family_request_verify(
                        family_request=family_request, student=verify_form.student,
                        method=verify_form.cleaned_data["identity_method"],
                        verified_on=verify_form.cleaned_data["identity_verified_on"],
                        acting_user=request.user,
                    )
                    messages.success(request, _("Identity verification recorded."))
                    return redirect("interactions:family_request_detail", pk=pk)
            elif action == "close":
                close_form = CloseForm(request.POST)
                if close_form.is_valid():
                    family_request_close(family_request=family_request,
                                         reason=close_form.cleaned_data["closed_reason"],
                                         acting_user=request.user)
                    messages.success(request, _("Request closed."))
                    return redirect("interactions:family_request_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("interactions:family_request_detail", pk=pk)
    return render(request, "interactions/records/family_request_detail.html", {
        "req": family_request, "can_handle": can_handle,
        "verify_form": verify_form, "close_form": close_form,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def family_request_fulfil_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Produce the PDF for the family (in their language) and log the fulfilment."""
    require_perm(request.user, HANDLE_PERMISSION)
    family_request = get_object_or_404(FamilyRecordRequest, pk=pk)
    try:
        pdf = family_request_fulfil(family_request=family_request, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("interactions:family_request_detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-record-request-{pk}-{family_request.language}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
