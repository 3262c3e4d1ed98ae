"""Dashboard panel: MOUs that expire, or are due for review, within 90 days."""

from django.http import HttpRequest
from django.utils import timezone

from mous.models import MOU
from mous.selectors import ATTENTION_DAYS, attention_notes, mous_needing_attention

from ..dashboard import panel


@panel
def mous_panel(request: HttpRequest) -> dict | None:
    if not request.user.has_perm("mous.view_mou"):
        return None
    today = timezone.localdate()
    return {
        "title": "MOUs needing attention",
        "template": "reports/panels/mous.html",
        "days": ATTENTION_DAYS,
        "rows": attention_notes(mous_needing_attention(ATTENTION_DAYS, today), today=today),
        "in_force": MOU.objects.in_force_on(today).select_related("agency"),
        "pending": MOU.objects.filter(
            status__in=[MOU.Status.DRAFT, MOU.Status.UNDER_REVIEW]
        ).select_related("agency"),
        "order": 20,
    }
