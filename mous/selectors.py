"""Reads about MOUs: which one is in force, and which need attention soon.

"In force" on a day: the Board approved the MOU and the day lies between its effective date
and its expiry date. A superseded or terminated MOU stays in force for the days before it
ended (`ended_on`), so past assignments and reports keep their cover.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import MOU, Agency

ATTENTION_DAYS = 90


def mou_in_force_on(agency: Agency, day: dt.date) -> MOU | None:
    """The agency's MOU in force on `day` (the latest version when two overlap), or None."""
    return MOU.objects.filter(agency=agency).in_force_on(day).order_by("-version").first()


def mou_in_force_for_period(
    agency: Agency, start: dt.date, end: dt.date | None
) -> MOU | None:
    """One MOU of the agency in force on every day from `start` to `end`, or None.

    `end=None` is an open-ended period (an assignment with no end date). It is covered by the
    MOU in force on `start`; coverage then runs to that MOU's expiry, and the compliance view
    shows any assignment that outlives it. Requiring an MOU without an expiry instead would
    refuse every open-ended assignment, since real MOUs expire.
    """
    return (
        MOU.objects.filter(agency=agency)
        .in_force_between(start, end or start)
        .order_by("-version")
        .first()
    )


def mous_needing_attention(
    within_days: int = ATTENTION_DAYS, today: dt.date | None = None
) -> QuerySet[MOU]:
    """Approved MOUs that expire, or are due for review, within `within_days`. Overdue
    reviews and expired MOUs still marked approved are included: they need attention most.
    `attention_notes` says what each needs, soonest first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    return (
        MOU.objects.filter(status=MOU.Status.APPROVED)
        .filter(Q(expiry_date__lte=horizon) | Q(next_review_date__lte=horizon))
        .select_related("agency")
        .order_by("agency__name", "-version")
    )


@dataclass(frozen=True)
class AttentionNote:
    mou: MOU
    notes: list[str]
    soonest: dt.date


def attention_notes(mous, within_days: int = ATTENTION_DAYS, today: dt.date | None = None):
    """What each MOU needs, in words: "Expires 2027-06-30 (in 45 days)", "Review overdue
    since ...". Soonest first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    rows = []
    for mou in mous:
        notes, dates = [], []
        if mou.expiry_date and mou.expiry_date <= horizon:
            notes.append(_when("Expired", "Expires", mou.expiry_date, today))
            dates.append(mou.expiry_date)
        if mou.next_review_date and mou.next_review_date <= horizon:
            notes.append(_when("Review overdue since", "Review due", mou.next_review_date, today))
            dates.append(mou.next_review_date)
        if notes:
            rows.append(AttentionNote(mou, notes, min(dates)))
    return sorted(rows, key=lambda r: r.soonest)


def _when(past: str, future: str, day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    if days < 0:
        return f"{past} {day:%Y-%m-%d} ({-days} days ago)"
    if days == 0:
        return f"{future} today"
    return f"{future} {day:%Y-%m-%d} (in {days} days)"
