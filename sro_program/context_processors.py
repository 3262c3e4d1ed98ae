from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles
from .scoping import sees_all_schools


def navigation(request) -> dict:
    """Navigation entries for the signed-in user's role; nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[tuple[str, str]] = []

    def add(label: str, url_name: str) -> None:
        try:
            items.append((label, reverse(url_name)))
        except NoReverseMatch:  # a page not installed in this deployment
            pass

    add(_("Dashboard"), "dashboard")
    if user.has_perm("interactions.view_interaction"):
        add(_("Interactions"), "interactions:list")
        if user.has_perm("interactions.add_interaction"):
            add(_("Log interaction"), "interactions:create")
    if user.has_perm("interactions.review_interaction"):
        add(_("Review queue"), "interactions:review_queue")
    if user.has_perm("interactions.view_recordaccessrequest"):
        add(_("Record access"), "interactions:record_access_list")
    if user.has_perm("interactions.view_familyrecordrequest"):
        add(_("Family requests"), "interactions:family_request_list")
    if user.has_perm("sro_program.view_assignment"):
        add(_("Compliance"), "sro_program:compliance")
    if user.has_perm("sro_program.view_presentationrequest"):
        add(_("Presentations"), "sro_program:presentation_list")
    if user.has_perm("reports.view_publishedreport"):
        add(_("Board reports"), "reports:index")
    if user.has_perm("audit.view_auditevent"):
        add(_("Audit"), "audit:log")
    if user.is_superuser or roles.has_role(user, roles.DISTRICT_ADMIN):
        add(_("Roster import"), "interactions:oneroster")
    if user.is_staff:
        add(_("Admin"), "admin:index")
    return {
        "nav_items": items,
        "user_roles": roles.role_names(user),
        "user_sees_all_schools": sees_all_schools(user),
    }
