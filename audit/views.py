from collections import defaultdict
from datetime import datetime

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from interactions.templatetags.interaction_codes import CODE_LISTS, code_labels

from .filters import AuditEventFilter
from .models import AuditEvent

EMPTY = "—"


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every create, change, void, approval and disclosure, for district administrators."""
    if not request.user.has_perm("audit.view_auditevent"):
        raise PermissionDenied
    events = AuditEvent.objects.restrict(request.user, "view")
    filterset = AuditEventFilter(request.GET, queryset=events)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    attach_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def _model(event: AuditEvent):
    try:
        return apps.get_model(event.app_label, event.model)
    except LookupError:  # a model since removed: show what was stored
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def attach_rows(events) -> None:
    """Give each event `rows`: (label, before, after) as people read them (field labels, choice
    labels, Yes/No, names of related records, district time), not stored codes and ids. One
    query per related model on the page."""
    events = list(events)
    wanted: dict = defaultdict(set)
    for event in events:
        model = _model(event)
        for name, pair in event.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one:
                wanted[field.related_model].update(v for v in pair if v not in (None, ""))
    names = {
        related: {obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }
    for event in events:
        model = _model(event)
        rows = []
        for name, (before, after) in event.changes.items():
            field = _field(model, name)
            label = str(field.verbose_name).capitalize() if field is not None else name
            rows.append(
                (
                    label,
                    None if before is None else _shown(field, name, before, names),
                    _shown(field, name, after, names),
                )
            )
        event.rows = rows


def _shown(field, name: str, value, names: dict):
    if value is None or value == "" or value == []:
        return EMPTY
    if name in CODE_LISTS and isinstance(value, (list, str)):
        return ", ".join(code_labels(value, name))
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else value
    if field.is_relation and field.many_to_one:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if isinstance(moment, datetime):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value
