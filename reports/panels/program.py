"""Dashboard panels of the SRO program: presentations waiting for a decision (for those who
decide), and training and coverage gaps at the user's schools (for those who see assignments)."""

from django.http import HttpRequest
from django.utils import timezone

from sro_program.roles import SITE_ADMIN, has_role
from sro_program.selectors import pending_presentations_for, school_compliance
from sro_program.services import APPROVE_PRESENTATION

from ..dashboard import panel


@panel
def presentations_panel(request: HttpRequest) -> dict | None:
    if not request.user.has_perm(APPROVE_PRESENTATION):
        return None
    return {
        "title": "Presentations waiting for your decision",
        "template": "reports/panels/program_presentations.html",
        "pending": pending_presentations_for(request.user),
        "order": 30,
    }


@panel
def program_gaps_panel(request: HttpRequest) -> dict | None:
    if not request.user.has_perm("sro_program.view_assignment"):
        return None
    rows = school_compliance(user=request.user, on=timezone.localdate())
    return {
        "title": "SRO training and coverage",
        "template": "reports/panels/program_gaps.html",
        "gaps": [o for r in rows for o in r.officers_with_gaps],
        "expiring": [
            (o, t, d) for r in rows for o in r.officers for t, d in o.training.expiring_soon
        ],
        "without_mou": [o for r in rows for o in r.officers_without_mou],
        "unstaffed": [r.school for r in rows if not r.officers],
        "coverage": [r for r in rows if r.staff_total],
        # A site administrator's second task, after the review queue.
        "order": 2 if has_role(request.user, SITE_ADMIN) else 40,
    }
