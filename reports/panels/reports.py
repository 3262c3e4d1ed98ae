"""Dashboard panel: the latest published board reports, and for builders a link to build."""

from django.http import HttpRequest

from reports.dashboard import panel
from reports.models import PublishedReport
from sro_program.roles import BOARD_MEMBER, has_role


@panel
def reports_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.has_perm("reports.view_publishedreport"):
        return None
    return {
        "title": "Board reports",
        "template": "reports/panels/reports.html",
        "latest": list(PublishedReport.objects.only("pk", "title", "published_at",
                                                   "withdrawn_at")[:5]),
        "can_build": user.has_perm("reports.build_report"),
        # Published reports are what a board member comes for: their dashboard leads with them.
        "order": 1 if has_role(user, BOARD_MEMBER) else 60,
    }
