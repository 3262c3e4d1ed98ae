"""Reads for students and record access. Every selector starts from the model's `for_user`
scope, so a page or an export built on one cannot show another school's students."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, Value, When

from .models import DisclosureLogEntry, RecordAccessRequest, Student


def students_for_user(user, query: str, limit: int = 10) -> list[Student]:
    """Students in the user's scope whose district ID contains `query`, or whose first or last
    names start with every word of it ("gar an" finds Ana Garcia). Part of an ID is enough.
    At most `limit` students: exact ID first, then ID prefixes, then the rest by name."""
    query = (query or "").strip()
    words = query.replace(",", " ").split()
    if not words or "\x00" in query:  # PostgreSQL refuses NUL even in a lookup
        return []
    by_name = Q()
    for word in words:
        by_name &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
    rank = Case(
        When(student_id__iexact=query, then=Value(0)),
        When(student_id__istartswith=query, then=Value(1)),
        default=Value(2),
    )
    return list(
        Student.objects.for_user(user)
        .filter(Q(student_id__icontains=query) | by_name)
        .order_by(rank, "last_name", "first_name", "id")[:limit]
    )


def student_for_user(user, student_id: str) -> Student | None:
    """The student with this district ID, when the user may see them; else None."""
    student_id = (student_id or "").strip()
    if "\x00" in student_id:  # PostgreSQL refuses NUL even in a lookup
        return None
    return Student.objects.for_user(user).filter(student_id=student_id).first()


def access_requests_for_user(user) -> QuerySet[RecordAccessRequest]:
    """Requests the user may see: their schools' requests; district-wide roles (the records
    custodian) see all."""
    return RecordAccessRequest.objects.restrict(user, "view").select_related(
        "student", "school", "agency", "officer", "requested_by"
    )


def disclosure_log(student: Student, user) -> QuerySet[DisclosureLogEntry]:
    """The student's log entries the user may see: those of requests made at the user's
    schools (a student who changed schools keeps each school's entries with that school);
    district-wide roles see every entry."""
    return (
        DisclosureLogEntry.objects.restrict(user, "view").filter(student=student)
        .select_related("corrects", "request")
    )


# The queues the dashboard counts: the same querysets as the pages they link to, so the count
# on the front page is the count on the page.


def review_queue_for(user) -> QuerySet:
    """Submitted interactions waiting for review at the user's schools, oldest first."""
    from .models import Interaction

    return (Interaction.objects.restrict(user, "review")
            .filter(status=Interaction.Status.SUBMITTED, voided=False)
            .order_by("occurred_at", "id"))


def drafts_for(user) -> QuerySet:
    """The user's own drafts (not voided), newest first."""
    from .models import Interaction

    return (Interaction.objects.for_user(user)
            .filter(status=Interaction.Status.DRAFT, voided=False, logged_by=user)
            .order_by("-occurred_at", "-id"))


def pending_requests_for(user) -> QuerySet[RecordAccessRequest]:
    """Record-access requests waiting for a decision that the user may see."""
    return access_requests_for_user(user).filter(status=RecordAccessRequest.Status.PENDING)
