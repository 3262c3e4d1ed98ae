"""The role dashboard at `/`. It gathers from every app, so it lives in the top layer.

Each app contributes panels through a plain function here; a panel is a dict with a title,
a template and its context, shown only to the roles it concerns.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sro_program.models import School
from sro_program.roles import role_names

PANEL_PROVIDERS: list = []


def panel(fn):
    """Register a dashboard panel provider: fn(request) -> dict | None."""
    PANEL_PROVIDERS.append(fn)
    return fn


@panel
def schools_panel(request: HttpRequest) -> dict | None:
    schools = list(School.objects.for_user(request.user).filter(active=True))
    return {
        "title": "Your schools",
        "template": "reports/panels/schools.html",
        "schools": schools,
        "order": 100,
    }


def _load_panel_modules() -> None:
    import importlib
    import pkgutil

    from . import panels

    for info in pkgutil.iter_modules(panels.__path__):
        importlib.import_module(f"{panels.__name__}.{info.name}")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _load_panel_modules()
    panels = [p for p in (provider(request) for provider in PANEL_PROVIDERS) if p]
    panels.sort(key=lambda p: p.get("order", 50))
    return render(
        request, "reports/dashboard.html", {"panels": panels, "roles": role_names(request.user)}
    )
