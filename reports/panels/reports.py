"""Dashboard panel: the latest published board reports, and for builders a link to build."""

from django.http import HttpRequest

from reports.dashboard import panel
from reports.models import PublishedReport


@panel
def reports_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.has_perm("reports.view_publishedreport"):
        return None
    return {
        "title": "Board reports",
        "template": "reports/panels/reports.html",
        "latest": list(PublishedReport.objects.only("pk", "title", "published_at")[:5]),
        "can_build": user.has_perm("reports.build_report"),
        "order": 60,
    }
