"""Browser pages of the program: presentation requests and decisions, and the compliance view.
Outsiders (another school's request) get 404; a role that may see but not act gets 403."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .authz import get_for_action, require_perm
from .dates import parse_query_date
from .forms import PresentationDecisionForm, PresentationRequestForm
from .models import PresentationRequest


def _form_errors(form, exc: ValidationError) -> None:
    """Show a service's field errors at the form's fields (or at the top)."""
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def presentation_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "sro_program.view_presentationrequest")
    presentations = (
        PresentationRequest.objects.restrict(request.user, "view")
        .select_related("school", "officer", "requested_by")
        .prefetch_related("decisions__decided_by")
        .order_by("status", "date")
    )
    status = request.GET.get("status")
    if status in PresentationRequest.Status.values:
        presentations = presentations.filter(status=status)
    return render(
        request,
        "sro_program/presentation_list.html",
        {
            "presentations": presentations,
            "status": status,
            "statuses": PresentationRequest.Status.choices,
            "may_request": request.user.has_perm("sro_program.add_presentationrequest"),
            "may_decide": request.user.has_perm(services.APPROVE_PRESENTATION),
        },
    )


@login_required
def presentation_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "sro_program.add_presentationrequest")
    form = PresentationRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_request_create(
                **{k: form.cleaned_data[k] for k in form.Meta.fields}, acting_user=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Presentation requested. The Superintendent or a designee will decide.")
            )
            return redirect("sro_program:presentation_list")
    return render(request, "sro_program/presentation_form.html", {"form": form})


@login_required
def presentation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    presentation = get_for_action(
        request.user,
        PresentationRequest.objects.select_related("school", "officer", "requested_by"),
        services.APPROVE_PRESENTATION,
        pk=pk,
    )
    form = PresentationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_decide(
                request=presentation, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"“{presentation.topic}” {presentation.get_status_display().lower()}."
            )
            return redirect("sro_program:presentation_list")
    return render(
        request,
        "sro_program/presentation_decide.html",
        {
            "presentation": presentation,
            "form": form,
            "decisions": presentation.decisions.select_related("decided_by"),
        },
    )


RULES = [
    # (rule, what the software does, policy clause)
    (
        "Sworn officers only",
        "An officer not marked sworn, or inactive, cannot be assigned.",
        "“SROs are duly sworn peace officers who are authorized to carry out their duties "
        "pursuant to state law.” (BP 3515.31, Duties)",
    ),
    (
        "Under a Board-approved MOU",
        "An assignment needs an MOU of the officer's agency that is Board-approved and in "
        "force for the whole assignment period. Officers assigned without one are listed.",
        "“If the District contracts for a School Resource Officer, the Board shall approve a "
        "memorandum of understanding (MOU) with the local law enforcement agency …” "
        "(BP 3515.31)",
    ),
    (
        "Defined duty hours",
        "Each assignment has weekly duty hours; one officer cannot be on duty at two schools "
        "at the same time. Weekly hours and FTE (hours / full-time week) are shown per school.",
        "“The Board or its designee may define the number, duties, and expectations of SROs at "
        "district sites.” MOU element 5: “Assigned hours of SRO duty in and around schools.” "
        "(BP 3515.31)",
    ),
    (
        "Training before assignment",
        "School policing, diverse populations and the agency's use-of-force policy must be "
        "completed and current on the start date. Otherwise the assignment is refused, unless "
        "a district administrator records an override reason, shown here.",
        "“Prior to beginning their assignment when possible, SROs shall complete specialized "
        "training in school policing, the unique experiences of the diverse populations within "
        "the school community, and the law enforcement agency's use of force policy.” "
        "(BP 3515.31, Qualifications of Officers)",
    ),
    (
        "Staff trained on the SRO role",
        "Share of the school's staff and site administrators with current training on the SRO "
        "role and when to contact an SRO.",
        "“The Superintendent or designee shall provide training to school staff regarding the "
        "role of SROs and the appropriate circumstances for contacting such officers.” "
        "(BP 3515.31)",
    ),
    (
        "Presentations approved",
        "Classroom and parent presentations by an SRO wait for a decision by the "
        "Superintendent or a designee.",
        "“When approved by the Superintendent or designee, an SRO may provide classroom "
        "presentations and/or parent/guardian education pertaining to safety issues …” "
        "(BP 3515.31, Duties)",
    ),
]


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "sro_program.view_assignment")
    on = timezone.localdate()
    if request.GET.get("on"):
        day, problem = parse_query_date(request.GET["on"])
        if day is None:
            messages.error(request, _("%(problem)s; showing today.") % {"problem": problem})
        else:
            on = day
    return render(
        request,
        "sro_program/compliance.html",
        {
            "on": on,
            "schools": selectors.school_compliance(user=request.user, on=on),
            "rules": RULES,
            "expiring_days": selectors.EXPIRING_WITHIN_DAYS,
            "full_time_hours": settings.FULL_TIME_WEEK_HOURS,
        },
    )
