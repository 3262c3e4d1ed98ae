"""Interaction pages: log, list (filters, CSV export), detail with history, edit, void, review.

Every object view fetches through the authorization core (`get_for_action`): an outsider gets
404; a role that may see but not change (SRO, superintendent, district administrator) 403.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from sro_program.authz import get_for_action, require_perm
from sro_program.models import School

from . import services
from .exports import csv_lines
from .filters import InteractionFilter
from .forms import (
    STUDENT_MATCH_LIMIT,
    InteractionForm,
    VoidForm,
    officer_choice,
    officers_assigned,
)
from .models import Enrollment, Interaction
from .selectors import review_queue_for, students_for_user
from .templatetags.interaction_codes import CODE_LISTS, code_labels

PAGE_SIZE = 25
HISTORY_HIDDEN_FIELDS = {"version"}


def _scoped(request: HttpRequest, action: str = "view"):
    return Interaction.objects.restrict(request.user, action)


def _get(request: HttpRequest, pk: int, action: str = "view") -> Interaction:
    """The interaction for an action (authz.core.get_for_action): 404 outside the user's
    schools (outsiders learn nothing), 403 for a role that may see it but not do this."""
    _require_any_view(request.user)
    return get_for_action(
        request.user,
        Interaction.objects.select_related(
            "school", "student", "officer__agency", "logged_by", "reviewed_by", "voided_by"
        ),
        action,
        pk=pk,
    )


def _require_any_view(user) -> None:
    require_perm(user, "interactions.view_interaction")


@login_required
def interaction_list(request: HttpRequest) -> HttpResponse:
    _require_any_view(request.user)
    queryset = _scoped(request).select_related("school", "student", "officer")
    filterset = InteractionFilter(request.GET or None, queryset=queryset, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interactions/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV: same scope, same filters, every cell formula-safe."""
    _require_any_view(request.user)
    filterset = InteractionFilter(request.GET or None, queryset=_scoped(request), user=request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(csv_lines(filterset.qs), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="interactions-{stamp}.csv"'
    return response


@login_required
def interaction_create(request: HttpRequest) -> HttpResponse:
    _require_any_view(request.user)
    require_perm(request.user, "interactions.add_interaction")
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = InteractionForm(request.POST or None, user=request.user, initial={"occurred_at": now})
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            interaction = services.interaction_create(
                data=form.model_data(), acting_user=request.user, submit=submit
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Interaction {interaction.pk} "
                + ("submitted." if submit else "saved as a draft."),
            )
            return redirect("interactions:detail", pk=interaction.pk)
    return render(request, "interactions/form.html", {"form": form, "interaction": None})


@login_required
def interaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get(request, pk)
    return render(
        request,
        "interactions/detail.html",
        {
            "interaction": interaction,
            "history": history_entries(interaction),
            "can_edit": _can_edit(request.user, interaction),
            "can_void": request.user.has_perm("interactions.void_interaction")
            and not interaction.voided,
            "can_review": request.user.has_perm("interactions.review_interaction")
            and interaction.status == Interaction.Status.SUBMITTED
            and not interaction.voided,
        },
    )


def _can_edit(user, interaction: Interaction) -> bool:
    return user.has_perm("interactions.change_interaction") and not interaction.voided


@login_required
def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get(request, pk, "change")
    if interaction.voided:
        messages.error(request, _("A voided interaction cannot be edited."))
        return redirect("interactions:detail", pk=pk)
    form = InteractionForm(request.POST or None, user=request.user, instance=interaction)
    conflict = None
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data["version"]
        try:
            updated = services.interaction_update(
                interaction=interaction,
                data=form.model_data(),
                acting_user=request.user,
                expected_version=expected,
                reason=form.cleaned_data.get("change_reason", ""),
                submit=request.POST.get("action") == "submit",
            )
        except services.InteractionConflict as error:
            conflict = {
                "message": str(error),
                "changes": changes_since(error.current, expected),
            }
            # Keep everything the editor typed; the next save knowingly builds on the
            # current version.
            data = request.POST.copy()
            data["version"] = str(error.current.version)
            form = InteractionForm(data, user=request.user, instance=error.current)
            form.is_valid()
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Interaction {updated.pk} saved.")
            return redirect("interactions:detail", pk=pk)
    return render(
        request,
        "interactions/form.html",
        {"form": form, "interaction": interaction, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def interaction_submit(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get(request, pk, "change")
    try:
        services.interaction_submit(interaction=interaction, acting_user=request.user)
    except (ValidationError, services.InteractionConflict) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Interaction {pk} submitted.")
    return redirect("interactions:detail", pk=pk)


@login_required
def interaction_void(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get(request, pk, "void")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_void(
                interaction=interaction,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.InteractionConflict as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Interaction {pk} voided. It stays on record.")
            return redirect("interactions:detail", pk=pk)
    return render(request, "interactions/void.html", {"form": form, "interaction": interaction})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "interactions.review_interaction")
    pending = review_queue_for(request.user).select_related(
        "school", "student", "officer", "logged_by"
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "interactions/review_queue.html", {"page": page})


@login_required
@require_POST
def interaction_review(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get(request, pk, "review")
    try:
        services.interaction_review(interaction=interaction, acting_user=request.user)
    except (ValidationError, services.InteractionConflict) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Interaction {pk} reviewed.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "interactions:review_queue"  # never off-site (open redirect)
    return redirect(target)


@login_required
@require_GET
def student_search(request: HttpRequest) -> JsonResponse:
    """Up to 10 students of the user's schools matching part of an ID or name."""
    require_perm(request.user, "interactions.add_interaction")
    students = students_for_user(request.user, request.GET.get("q", ""), STUDENT_MATCH_LIMIT)
    # Grade and school tell apart students with the same name: their latest enrollment at
    # one of the user's schools (one query for all of them).
    latest: dict[int, Enrollment] = {}
    for enrollment in (Enrollment.objects.for_user(request.user)
                       .filter(student__in=students).select_related("school")
                       .order_by("student_id", "-school_year")):
        latest.setdefault(enrollment.student_id, enrollment)

    def result(s) -> dict:
        e = latest.get(s.pk)
        where = f" · grade {e.get_grade_display()}, {e.school.name}" if e else ""
        return {"id": s.student_id, "grade": e.grade if e else "",
                "school": e.school.name if e else "",
                "label": f"{s.last_name}, {s.first_name} ({s.student_id}){where}"}

    return JsonResponse({"results": [result(s) for s in students]})


@login_required
@require_GET
def officer_options(request: HttpRequest) -> JsonResponse:
    """The officers assigned to one of the user's schools on a date, for the form's select."""
    require_perm(request.user, "interactions.add_interaction")
    cds = request.GET.get("school_cds", "")
    school = (
        School.objects.for_user(request.user).filter(cds_code=cds).first()
        if "\x00" not in cds  # PostgreSQL refuses NUL even in a lookup
        else None
    )
    try:
        day = date.fromisoformat(request.GET.get("date", "")[:10])
    except ValueError:
        day = timezone.localdate()
    options = [officer_choice(o) for o in officers_assigned(school, day)]
    return JsonResponse({"options": [{"value": v, "label": label} for v, label in options]})


# --- History -------------------------------------------------------------------------------


def _label(field: str) -> str:
    try:
        return str(Interaction._meta.get_field(field).verbose_name).capitalize()
    except FieldDoesNotExist:  # a field since removed from the model
        return field


def _shown(field_name: str, value):
    """A stored history value as people read it: labels, not codes, ids or Python reprs."""
    if value is None or value == "" or value == []:
        return "—"
    if field_name in CODE_LISTS:
        return ", ".join(code_labels(value, field_name))
    try:
        field = Interaction._meta.get_field(field_name)
    except FieldDoesNotExist:
        return value
    if field.is_relation:
        # The user already sees this interaction; its earlier school, student or officer
        # is part of its history. Users are shown by username, as everywhere in history.
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def _changes(new, old) -> list[dict]:
    delta = new.diff_against(old)
    return [
        {"field": _label(c.field), "old": _shown(c.field, c.old), "new": _shown(c.field, c.new)}
        for c in delta.changes
        if c.field not in HISTORY_HIDDEN_FIELDS
    ]


def history_entries(interaction: Interaction) -> list[dict]:
    """Who did what when, and why, oldest first; one query."""
    records = list(interaction.history.select_related("history_user").order_by("history_id"))
    entries = []
    previous = None
    for record in records:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": record.get_history_type_display(),
                "reason": record.history_change_reason or "",
                "changes": _changes(record, previous) if previous is not None else [],
            }
        )
        previous = record
    return entries


def changes_since(current: Interaction, version: int) -> list[dict]:
    """What others changed after `version`, for the conflict message."""
    records = list(current.history.select_related("history_user").order_by("history_id"))
    base = next((r for r in reversed(records) if r.version == version), None)
    later = [r for r in records if base is not None and r.history_id > base.history_id]
    if base is None or not later:
        return []
    who = ", ".join(dict.fromkeys(str(r.history_user or "someone") for r in later))
    return [dict(change, who=who) for change in _changes(later[-1], base)]
