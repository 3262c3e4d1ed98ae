"""Reads of the SRO program: FTE per school, officers' training status, and the compliance view
of each school. Each selector runs a fixed number of queries, whatever the number of schools,
officers or records; the arithmetic is done by plain functions on the fetched rows."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from mous.models import MOU

from . import roles
from .models import (
    Assignment,
    DutyHours,
    OfficerTraining,
    PresentationRequest,
    School,
    SchoolMembership,
    StaffTraining,
    TrainingTopic,
    training_current_on,
    training_expires_on,
)

EXPIRING_WITHIN_DAYS = 60
STAFF_TRAINING_TOPIC = "sro_role_and_contact"
STAFF_ROLES = (roles.STAFF, roles.SITE_ADMIN)


# FTE -----------------------------------------------------------------------------------------


def _ids(schools: Iterable) -> list[int]:
    return [s.pk if isinstance(s, School) else s for s in schools]


@dataclass
class _AssignmentSpan:
    pk: int
    school_id: int
    start: dt.date
    end: dt.date | None
    covers_id: int | None
    kind: str
    weekly_hours: float = 0.0

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


def _sworn_spans(schools, start: dt.date, end: dt.date) -> list[_AssignmentSpan]:
    """Sworn officers' assignments at the schools active at some time in [start, end], with
    their weekly hours: two queries."""
    rows = (
        Assignment.objects.filter(
            school_id__in=_ids(schools), officer__sworn=True, start_date__lte=end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values_list("pk", "school_id", "start_date", "end_date", "covers_id", "kind")
    )
    spans = {row[0]: _AssignmentSpan(*row) for row in rows}
    for duty in DutyHours.objects.filter(assignment_id__in=spans).only(
        "assignment_id", "start", "end"
    ):
        spans[duty.assignment_id].weekly_hours += duty.hours
    return list(spans.values())


def _weekly_hours_on(spans: list[_AssignmentSpan], day: dt.date) -> dict[int, float]:
    """Hours per school on one day. An assignment whose officer is on leave, covered by an
    active leave-coverage assignment, does not count that day: the coverage stands in for it."""
    active = [s for s in spans if s.active_on(day)]
    on_leave = {
        s.covers_id for s in active if s.kind == Assignment.Kind.LEAVE_COVERAGE and s.covers_id
    }
    hours: dict[int, float] = defaultdict(float)
    for span in active:
        if span.pk not in on_leave:
            hours[span.school_id] += span.weekly_hours
    return hours


def school_sworn_fte(schools: Iterable, on: dt.date) -> dict[int, float]:
    """FTE of sworn officers per school on a day: weekly duty hours / FULL_TIME_WEEK_HOURS.
    Unrounded; every school asked about is in the answer (0.0 without an officer)."""
    ids = _ids(schools)
    hours = _weekly_hours_on(_sworn_spans(ids, on, on), on)
    full = settings.FULL_TIME_WEEK_HOURS
    return {school_id: hours.get(school_id, 0) / full for school_id in ids}


def school_sworn_fte_for_period(
    schools: Iterable, start: dt.date, end: dt.date
) -> dict[int, float]:
    """FTE of sworn officers per school over a period (e.g. a school year, for CRDC).

    The choice: the largest daily FTE in the period. Every assignment active at any time in the
    period counts, but two that never run on the same day are not added together: an officer
    who replaced another mid-year is one position, not two, and leave coverage stands in for
    the assignment it covers instead of adding to it. Daily FTE changes only on the days an
    assignment starts or the day after one ends, so only those days are evaluated.
    """
    ids = _ids(schools)
    spans = _sworn_spans(ids, start, end)
    days = {start}
    for span in spans:
        if start <= span.start <= end:
            days.add(span.start)
        if span.end is not None and start <= span.end + dt.timedelta(days=1) <= end:
            days.add(span.end + dt.timedelta(days=1))
    best: dict[int, float] = defaultdict(float)
    for day in days:
        for school_id, hours in _weekly_hours_on(spans, day).items():
            best[school_id] = max(best[school_id], hours)
    full = settings.FULL_TIME_WEEK_HOURS
    return {school_id: best.get(school_id, 0) / full for school_id in ids}


# Training ------------------------------------------------------------------------------------


@dataclass
class TrainingStatus:
    """An officer's training on a day. `missing`: topics required before assignment with no
    current record; `expiring_soon`: current records that lapse within 60 days, with the date;
    `current`: every topic with a current record."""

    missing: list[TrainingTopic] = field(default_factory=list)
    expiring_soon: list[tuple[TrainingTopic, dt.date]] = field(default_factory=list)
    current: list[TrainingTopic] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def training_status_from(
    records: Iterable[OfficerTraining], topics: Iterable[TrainingTopic], on: dt.date
) -> TrainingStatus:
    """The status of one officer from their records (any order) and the officer topics."""
    best: dict[int, OfficerTraining] = {}
    for record in records:
        if record.current_on(on):
            held = best.get(record.topic_id)
            # The record that lasts longest decides (None: never expires).
            if held is None or (
                held.expires_on is not None
                and (record.expires_on is None or record.expires_on > held.expires_on)
            ):
                best[record.topic_id] = record
    status = TrainingStatus()
    horizon = on + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    for topic in topics:
        record = best.get(topic.pk)
        if record is None:
            if topic.required_before_assignment:
                status.missing.append(topic)
            continue
        status.current.append(topic)
        if record.expires_on is not None and record.expires_on <= horizon:
            status.expiring_soon.append((topic, record.expires_on))
    return status


def _officer_topics() -> list[TrainingTopic]:
    return list(TrainingTopic.objects.filter(audience=TrainingTopic.Audience.OFFICER))


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after `day` in district time: "as of" a day means at its end."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def rows_as_of(model, day: dt.date, *conditions: Q, **filters) -> list:
    """The rows of `model` matching `filters` as they stood at the end of `day`.

    Today or later: the current rows. A past day: the history rows (django-simple-history)
    give each row's last version before the end of the day, so a membership or a training
    record deleted or changed since then still counts as it was, and one added since does
    not. Rows with no history at all (written in bulk, without it) count as they are now."""
    if day >= timezone.localdate():
        return list(model.objects.filter(*conditions, **filters))
    historical = model.history.model
    latest: dict = {}
    for row in historical.objects.filter(
        *conditions, **filters, history_date__lt=end_of_day(day)
    ).order_by(
        "history_date", "history_id"
    ):
        latest[row.pk] = row
    rows = [row.instance for row in latest.values() if row.history_type != "-"]
    rows += list(
        model.objects.filter(*conditions, **filters).exclude(
            pk__in=historical.objects.values("id")
        )
    )
    return rows


def officer_training_statuses(officer_ids: Iterable[int], on: dt.date) -> dict[int, TrainingStatus]:
    """Every officer's training status on a day (two queries): the one rule the compliance
    page, the dashboard and the board report use."""
    ids = set(officer_ids)
    records: dict[int, list[OfficerTraining]] = defaultdict(list)
    if ids:
        for record in OfficerTraining.objects.filter(officer_id__in=ids, completed_on__lte=on):
            records[record.officer_id].append(record)
    topics = _officer_topics()
    return {pk: training_status_from(records[pk], topics, on) for pk in ids}


def officer_training_status(officer, on: dt.date) -> TrainingStatus:
    return officer_training_statuses([officer.pk], on)[officer.pk]


@dataclass
class StaffCoverage:
    """Staff training at one school on a day (policy: staff trained on the SRO role and when
    to contact an SRO, renewed every `renewal_months`).

    `members`: the school's staff and site administrators with an active account (user id ->
    name); `trained`: those of them with a current record, wherever it was recorded;
    `named`: people without an account with a current record at the school; `other_trained`:
    account holders with a current record at the school who are not its members."""

    members: dict[int, str] = field(default_factory=dict)
    trained: set[int] = field(default_factory=set)
    named: set[str] = field(default_factory=set)
    other_trained: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.members)

    @property
    def trained_count(self) -> int:
        return len(self.trained)

    @property
    def coverage(self) -> float | None:
        return len(self.trained) / len(self.members) if self.members else None

    @property
    def untrained(self) -> list[str]:
        return sorted(name for uid, name in self.members.items() if uid not in self.trained)


def staff_training_coverage(school_ids: Iterable[int], on: dt.date) -> dict[int, StaffCoverage]:
    """Staff training coverage per school on a day, with the topic's renewal rule (four
    queries). Every school asked about is in the answer."""
    from django.contrib.auth import get_user_model

    ids = list(school_ids)
    result = {pk: StaffCoverage() for pk in ids}
    memberships = rows_as_of(
        SchoolMembership, on, school_id__in=ids, user__is_active=True,
        user__groups__name__in=STAFF_ROLES,
    )
    user_ids = {m.user_id for m in memberships}
    names = {
        pk: f"{first} {last}".strip() or username
        for pk, username, first, last in get_user_model().objects.filter(
            pk__in=user_ids
        ).values_list("pk", "username", "first_name", "last_name")
    }
    for m in memberships:
        result[m.school_id].members[m.user_id] = names[m.user_id]
    topic = TrainingTopic.objects.filter(code=STAFF_TRAINING_TOPIC).first()
    if topic is None:
        return result
    trained_users: set[int] = set()
    # Training records carry their own dates (a course completed in 2024 and entered later
    # still counts for 2024); who was on a school's staff comes from the history.
    for record in StaffTraining.objects.filter(
        Q(user_id__in=user_ids) | Q(school_id__in=ids), topic_id=topic.pk, completed_on__lte=on
    ).only("user_id", "school_id", "person_name", "completed_on"):
        expires = training_expires_on(record.completed_on, topic.renewal_months)
        if not training_current_on(record.completed_on, expires, on):
            continue
        if record.user_id is None:
            if record.school_id in result and record.person_name.strip():
                result[record.school_id].named.add(record.person_name.strip().lower())
        else:
            trained_users.add(record.user_id)
            if record.school_id in result:
                result[record.school_id].other_trained.add(record.user_id)
    for coverage in result.values():
        coverage.trained = {uid for uid in coverage.members if uid in trained_users}
        coverage.other_trained -= set(coverage.members)
    return result


# Compliance ----------------------------------------------------------------------------------

DAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def duty_summary(duty_hours: Iterable[DutyHours]) -> str:
    """ "Mon–Fri 07:30–15:30; Sat 08:00–12:00": runs of consecutive days with the same times."""
    runs: list[list] = []  # [first day, last day, start, end]
    for d in sorted(duty_hours, key=lambda d: (d.start, d.end, d.weekday)):
        last = runs[-1] if runs else None
        if last and (last[2], last[3]) == (d.start, d.end) and last[1] == d.weekday - 1:
            last[1] = d.weekday
        else:
            runs.append([d.weekday, d.weekday, d.start, d.end])
    runs.sort(key=lambda r: (r[0], r[2]))
    return "; ".join(
        f"{DAY_ABBR[a]}{'–' + DAY_ABBR[b] if b != a else ''} {s:%H:%M}–{e:%H:%M}"
        for a, b, s, e in runs
    )


@dataclass
class AssignedOfficer:
    assignment: Assignment
    weekly_hours: float
    fte: float
    training: TrainingStatus
    mou_in_force: MOU | None  # an MOU of the officer's agency in force on the day, if any
    on_leave: bool = False

    @property
    def officer(self):
        return self.assignment.officer

    @property
    def duty_summary(self) -> str:
        return duty_summary(self.assignment.duty_hours.all())


@dataclass
class SchoolCompliance:
    school: School
    officers: list[AssignedOfficer]
    weekly_hours: float
    fte: float
    staff_total: int
    staff_trained: int
    untrained_staff: list[str]
    named_people_trained: int
    mous_in_force: list[MOU]
    pending_presentations: list[PresentationRequest]

    @property
    def staff_coverage(self) -> float | None:
        return self.staff_trained / self.staff_total if self.staff_total else None

    @property
    def officers_without_mou(self) -> list[AssignedOfficer]:
        return [o for o in self.officers if o.mou_in_force is None]

    @property
    def officers_with_gaps(self) -> list[AssignedOfficer]:
        return [o for o in self.officers if o.training.missing]

    @property
    def overrides(self) -> list[AssignedOfficer]:
        return [o for o in self.officers if o.assignment.override_reason]


def school_compliance(*, user, on: dt.date) -> list[SchoolCompliance]:
    """For each of the user's schools: officers assigned on `on` with hours, FTE, training and
    MOU; staff training coverage; pending presentation requests. A fixed number of
    queries whatever the number of schools (14 for a district administrator, counting the
    permission check)."""
    schools = list(School.objects.for_user(user).filter(active=True))
    school_ids = [s.pk for s in schools]
    full = settings.FULL_TIME_WEEK_HOURS

    assignments = list(
        Assignment.objects.active_on(on)
        .filter(school_id__in=school_ids)
        .select_related("officer__agency", "mou", "override_by", "covers__officer")
        .prefetch_related("duty_hours")
        .order_by("school_id", "officer__last_name", "start_date")
    )
    officer_ids = {a.officer_id for a in assignments}
    agency_ids = {a.officer.agency_id for a in assignments}
    training = officer_training_statuses(officer_ids, on)
    mous_by_agency: dict[int, MOU] = {}
    for mou in (
        MOU.objects.in_force_on(on)
        .filter(agency_id__in=agency_ids)
        .select_related("agency")
        .order_by("agency_id", "-version")
    ):
        mous_by_agency.setdefault(mou.agency_id, mou)

    on_leave = {
        a.covers_id for a in assignments if a.kind == Assignment.Kind.LEAVE_COVERAGE and a.covers_id
    }
    by_school: dict[int, list[AssignedOfficer]] = defaultdict(list)
    for a in assignments:
        hours = a.weekly_hours
        by_school[a.school_id].append(
            AssignedOfficer(
                assignment=a,
                weekly_hours=hours,
                fte=hours / full,
                training=training[a.officer_id],
                mou_in_force=mous_by_agency.get(a.officer.agency_id),
                on_leave=a.pk in on_leave,
            )
        )

    staff = staff_training_coverage(school_ids, on)

    pending: dict[int, list[PresentationRequest]] = defaultdict(list)
    for request in (
        PresentationRequest.objects.filter(
            school_id__in=school_ids, status=PresentationRequest.Status.PENDING
        )
        .select_related("officer", "requested_by")
        .order_by("date")
    ):
        pending[request.school_id].append(request)

    result = []
    for school in schools:
        officers = by_school[school.pk]
        weekly = sum(o.weekly_hours for o in officers if not o.on_leave)
        coverage = staff[school.pk]
        mous = {o.mou_in_force.pk: o.mou_in_force for o in officers if o.mou_in_force}
        result.append(
            SchoolCompliance(
                school=school,
                officers=officers,
                weekly_hours=weekly,
                fte=weekly / full,
                staff_total=coverage.total,
                staff_trained=coverage.trained_count,
                untrained_staff=coverage.untrained,
                named_people_trained=len(coverage.named),
                mous_in_force=list(mous.values()),
                pending_presentations=pending[school.pk],
            )
        )
    return result


def pending_presentations_for(user) -> list[PresentationRequest]:
    """Pending requests the user may see, soonest first (dashboard)."""
    return list(
        PresentationRequest.objects.for_user(user)
        .filter(status=PresentationRequest.Status.PENDING)
        .select_related("school", "officer")
        .order_by("date")
    )
