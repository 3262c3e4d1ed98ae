"""Record access (FERPA) pages: requests, the custodian's decision, and each student's
disclosure log with its PDF and CSV exports for a parent's inspection.

Outsiders (the request or student is not in the user's scope) get 404; users who may see but
not act get 403. Rules live in interactions.record_access.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sro_program.authz import get_for_action, require_perm

from .disclosure_pdf import LOG_COLUMNS, disclosure_log_pdf_bytes, log_rows
from .exports import safe_row
from .models import DisclosureLogEntry, Enrollment, RecordAccessRequest, Student
from .record_access import (
    CORRECT_PERMISSION,
    DECIDE_PERMISSION,
    REQUEST_PERMISSION,
    disclosure_correct,
    record_access_decide,
    record_access_request,
)
from .record_forms import CorrectionForm, DecisionForm, RecordAccessRequestForm
from .selectors import access_requests_for_user, disclosure_log

VIEW_REQUESTS = "interactions.view_recordaccessrequest"
VIEW_LOG = "interactions.view_disclosurelogentry"
PAGE_SIZE = 50


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def record_access_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW_REQUESTS)
    requests = access_requests_for_user(request.user)
    status = request.GET.get("status", "")
    if status in RecordAccessRequest.Status.values:
        requests = requests.filter(status=status)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/records/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": RecordAccessRequest.Status.choices,
            "can_request": request.user.has_perm(REQUEST_PERMISSION),
            "can_decide": request.user.has_perm(DECIDE_PERMISSION),
        },
    )


@login_required
def record_access_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, REQUEST_PERMISSION)
    form = RecordAccessRequestForm(
        request.POST or None, user=request.user,
        initial={"student_id": request.GET.get("student", "")},
    )
    school = None
    if request.method == "POST" and form.is_valid():
        school = _school_of(form.student, request.user)
        if school is None:
            form.add_error(
                "student_id",
                "This student has no enrollment on record, so no school holds the records. "
                "Import the roster for the student first.",
            )
    if request.method == "POST" and form.is_valid() and school is not None:
        data = form.cleaned_data
        try:
            access_request = record_access_request(
                student=form.student,
                school=school,
                agency=data["agency"],
                officer=data["officer"],
                records_requested=data["records_requested"],
                legitimate_interest=data["legitimate_interest"],
                basis=data["basis"],
                threat_description=data["threat_description"],
                legal_citation=data["legal_citation"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Request recorded; a records custodian will decide it."))
            return redirect("interactions:record_access_detail", pk=access_request.pk)
    return render(request, "interactions/records/request_form.html", {"form": form})


def _school_of(student: Student, user):
    """The school of the student's latest enrollment among the user's schools (None when the
    student has none, which only a district-wide user can reach)."""
    enrollment = (
        Enrollment.objects.for_user(user).filter(student=student).select_related("school")
        .order_by("-school_year").first()
    )
    return enrollment.school if enrollment else None


@login_required
def record_access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = get_for_action(request.user, access_requests_for_user(request.user),
                                    "view", pk=pk)
    return render(
        request,
        "interactions/records/request_detail.html",
        {
            "req": access_request,
            "entries": access_request.log_entries.select_related("corrects"),
            "can_decide": request.user.has_perm(DECIDE_PERMISSION)
            and access_request.status == RecordAccessRequest.Status.PENDING,
            "can_see_log": request.user.has_perm(VIEW_LOG),
        },
    )


@login_required
def record_access_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = get_for_action(
        request.user, RecordAccessRequest.objects.select_related("student", "school", "agency"),
        DECIDE_PERMISSION, pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_access_decide(
                request=access_request, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded in the student's disclosure log."))
            return redirect("interactions:record_access_detail", pk=access_request.pk)
    return render(
        request, "interactions/records/decide.html", {"req": access_request, "form": form}
    )


def _student_for_log(request: HttpRequest, student_id: str) -> Student:
    if "\x00" in student_id:  # PostgreSQL refuses NUL even in a lookup
        raise Http404
    return get_for_action(request.user, Student, VIEW_LOG, student_id=student_id)


@login_required
def disclosure_log_view(request: HttpRequest, student_id: str) -> HttpResponse:
    student = _student_for_log(request, student_id)
    return render(
        request,
        "interactions/records/disclosure_log.html",
        {
            "student": student,
            "entries": disclosure_log(student, request.user),
            "can_correct": request.user.has_perm(CORRECT_PERMISSION),
            "correction_form": CorrectionForm(),
        },
    )


@login_required
@require_POST
def disclosure_correct_view(request: HttpRequest, student_id: str, entry_pk: int) -> HttpResponse:
    student = _student_for_log(request, student_id)
    entry = get_for_action(request.user, DisclosureLogEntry.objects.filter(student=student),
                           CORRECT_PERMISSION, pk=entry_pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            disclosure_correct(
                entry=entry, note=form.cleaned_data["note"], acting_user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Correction added to the log."))
    else:
        messages.error(request, _("Write what is corrected and why."))
    return redirect("interactions:disclosure_log", student_id=student.student_id)


# Exports -------------------------------------------------------------------------------------

@login_required
def disclosure_log_csv(request: HttpRequest, student_id: str) -> HttpResponse:
    student = _student_for_log(request, student_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-log-{student.student_id}.csv"'
    )
    response.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Entry ID", "Student ID", *LOG_COLUMNS])
    entries = list(disclosure_log(student, request.user))
    for entry, row in zip(entries, log_rows(entries), strict=True):
        writer.writerow(safe_row([str(entry.pk), student.student_id, *row]))
    return response


@login_required
def disclosure_log_pdf(request: HttpRequest, student_id: str) -> HttpResponse:
    student = _student_for_log(request, student_id)
    user = request.user
    pdf = disclosure_log_pdf_bytes(student, user=user,
                                   produced_by=user.get_full_name() or user.username)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-log-{student.student_id}.pdf"'
    )
    return response
