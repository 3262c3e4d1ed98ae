"""The role dashboard at `/`. It gathers from every app, so it lives in the top layer.

Each app contributes panels through a plain function here; a panel is a dict with a title,
a template and its context, shown only to the roles it concerns.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sro_program.models import School, SchoolMembership
from sro_program.roles import SITE_ADMIN, SRO, STAFF, has_role, role_names
from sro_program.scoping import sees_all_schools

PANEL_PROVIDERS: list = []


def panel(fn):
    """Register a dashboard panel provider: fn(request) -> dict | None."""
    PANEL_PROVIDERS.append(fn)
    return fn


# Roles whose work is at particular schools: without a membership they are told to ask for
# one. District-wide roles (board, custodian, superintendent...) are not school-bound.
SCHOOL_BOUND_ROLES = (SITE_ADMIN, STAFF, SRO)


@panel
def schools_panel(request: HttpRequest) -> dict | None:
    """The user's schools: for members of schools and for those who see every school. A
    school-bound role without a membership is told to ask for one; a district-wide role
    without memberships (a board member) gets no panel at all."""
    user = request.user
    all_schools = sees_all_schools(user)
    is_member = SchoolMembership.objects.filter(user_id=user.pk).exists()
    if not (all_schools or is_member or has_role(user, *SCHOOL_BOUND_ROLES)):
        return None
    schools = list(School.objects.for_user(user).filter(active=True))
    return {
        "title": "Schools" if all_schools else "Your schools",
        "template": "reports/panels/schools.html",
        "schools": schools,
        "all_schools": all_schools,
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


@login_required
def student_lookup(request: HttpRequest) -> HttpResponse:
    """The custodian's look-up: a district student ID to that student's disclosure log, where
    a request that arrived directly is recorded; an unknown ID comes back with a message."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from interactions.selectors import student_for_user
    from sro_program.scoping import require_perm

    require_perm(request.user, "interactions.view_disclosurelogentry")
    student_id = (request.GET.get("student") or "").strip()
    student = student_for_user(request.user, student_id) if student_id else None
    if student is None:
        messages.error(request, "Student ID: no student with that district ID is on the rolls "
                                "you can see. Check the ID and try again." if student_id else
                                "Student ID: enter a district student ID.")
        return redirect("dashboard")
    return redirect("interactions:disclosure_log", student_id=student.student_id)
