"""Each role's main task first on the front page. Counts come from the same selectors as the
pages the panels link to (interactions.selectors, sro_program.selectors), so the number on
the front page is the number on the page."""

from django.http import HttpRequest
from django.utils import timezone

from interactions.selectors import drafts_for, pending_requests_for, review_queue_for
from reports.dashboard import panel
from sro_program.roles import RECORDS_CUSTODIAN, SITE_ADMIN, SRO, STAFF, SUPERINTENDENT, has_role

SHOWN = 5


@panel
def staff_panel(request: HttpRequest) -> dict | None:
    """Staff: log an interaction; their drafts."""
    user = request.user
    if not has_role(user, STAFF) or not user.has_perm("interactions.add_interaction"):
        return None
    drafts = drafts_for(user).select_related("student", "school")
    return {
        "title": "Your interactions",
        "template": "reports/panels/staff.html",
        "drafts": list(drafts[:SHOWN]),
        "draft_count": drafts.count(),
        "order": 1,
    }


@panel
def review_panel(request: HttpRequest) -> dict | None:
    """Site administrators: the review queue with its count."""
    user = request.user
    if not has_role(user, SITE_ADMIN) or not user.has_perm("interactions.review_interaction"):
        return None
    queue = review_queue_for(user).select_related("student", "school")
    return {
        "title": "Review queue",
        "template": "reports/panels/review.html",
        "count": queue.count(),
        "oldest": list(queue[:SHOWN]),
        "order": 1,
    }


@panel
def sro_panel(request: HttpRequest) -> dict | None:
    """SROs: their assignment and hours, training status with expiry dates, their
    interactions."""
    from interactions.models import Interaction
    from sro_program.models import Assignment, OfficerTraining
    from sro_program.selectors import duty_summary, officer_training_status

    user = request.user
    officer = getattr(user, "officer", None) if has_role(user, SRO) else None
    if officer is None:
        return None
    today = timezone.localdate()
    assignments = list(
        Assignment.objects.filter(officer=officer, start_date__lte=today)
        .exclude(end_date__lt=today).select_related("school").prefetch_related("duty_hours")
    )
    status = officer_training_status(officer, today)
    expiries = {}
    for record in OfficerTraining.objects.filter(officer=officer, completed_on__lte=today,
                                                 expires_on__isnull=False):
        if record.current_on(today):
            held = expiries.get(record.topic_id)
            if held is None or record.expires_on > held:
                expiries[record.topic_id] = record.expires_on
    interactions = (Interaction.objects.for_user(user).filter(officer=officer, voided=False)
                    .select_related("student", "school").order_by("-occurred_at"))
    return {
        "title": "Your assignment",
        "template": "reports/panels/sro.html",
        "officer": officer,
        "assignments": [
            {"assignment": a, "hours": duty_summary(a.duty_hours.all())} for a in assignments
        ],
        "missing": status.missing,
        "training": [(t, expiries.get(t.pk)) for t in status.current],
        "expiring": status.expiring_soon,
        "interactions": list(interactions[:SHOWN]),
        "interaction_count": interactions.count(),
        "order": 1,
    }


@panel
def custodian_panel(request: HttpRequest) -> dict | None:
    """Records custodian: pending requests; a student look-up to record a request that
    arrives directly."""
    user = request.user
    if not has_role(user, RECORDS_CUSTODIAN):
        return None
    pending = pending_requests_for(user)
    return {
        "title": "Record requests waiting for a decision",
        "template": "reports/panels/custodian.html",
        "count": pending.count(),
        "pending": list(pending.order_by("created_at")[:SHOWN]),
        "can_look_up": user.has_perm("interactions.view_disclosurelogentry"),
        "order": 1,
    }


@panel
def superintendent_panel(request: HttpRequest) -> dict | None:
    """Superintendent: what waits for approval, and the latest board report."""
    from mous.models import MOU
    from reports.models import PublishedReport
    from sro_program.selectors import pending_presentations_for
    from sro_program.services import APPROVE_PRESENTATION

    user = request.user
    if not has_role(user, SUPERINTENDENT):
        return None
    presentations = (pending_presentations_for(user)
                     if user.has_perm(APPROVE_PRESENTATION) else [])
    # The same MOUs as the MOU panel's "Awaiting Board approval".
    mous = list(MOU.objects.filter(status__in=[MOU.Status.DRAFT, MOU.Status.UNDER_REVIEW])
                .select_related("agency")) if user.has_perm("mous.view_mou") else []
    return {
        "title": "Waiting for your approval",
        "template": "reports/panels/superintendent.html",
        "presentation_count": len(presentations),
        "mous": mous,
        "latest": PublishedReport.objects.only(
            "pk", "title", "published_at", "withdrawn_at").first(),
        "order": 1,
    }
