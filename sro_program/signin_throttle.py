"""A ceiling on failed sign-ins per username, whatever address they come from.

django-axes pauses a (username, address) pair after AXES_FAILURE_LIMIT failures, so one client
can never lock a user out: it only locks itself out. Many addresses together could still guess
at one account; so after SIGNIN_USERNAME_CEILING failures for a username from all addresses,
sign-in for that username pauses briefly: SIGNIN_PAUSE_SECONDS the first time, doubling each
time after (progressive back-off) up to SIGNIN_PAUSE_MAX_SECONDS. A pause is never renewed
or lengthened by attempts made during it (they are refused without counting), and it ends on
its own. A successful sign-in, or the district administrator's unlock, clears the count.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SignInThrottle

# Failures older than this no longer count toward the ceiling or the back-off.
FORGET_AFTER = timedelta(hours=24)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def paused_for(username: str) -> int:
    """Seconds left in the username's pause (0: not paused)."""
    row = SignInThrottle.objects.filter(username=_key(username)).only("paused_until").first()
    if row is None or row.paused_until is None:
        return 0
    left = (row.paused_until - timezone.now()).total_seconds()
    return max(0, int(left + 0.999))


def pause_length(pauses_before: int) -> int:
    seconds = settings.SIGNIN_PAUSE_SECONDS * 2 ** min(pauses_before, 20)
    return int(min(seconds, settings.SIGNIN_PAUSE_MAX_SECONDS))


@transaction.atomic
def record_failure(username: str) -> None:
    key = _key(username)
    if not key:
        return
    now = timezone.now()
    SignInThrottle.objects.get_or_create(username=key)
    row = SignInThrottle.objects.select_for_update().get(username=key)
    if row.paused_until and row.paused_until > now:
        return  # during a pause nothing counts, so the pause cannot be renewed
    if row.last_failure_at and now - row.last_failure_at > FORGET_AFTER:
        row.failures, row.pauses = 0, 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= settings.SIGNIN_USERNAME_CEILING:
        row.paused_until = now + timedelta(seconds=pause_length(row.pauses))
        row.pauses += 1
        row.failures = 0
    row.save()


def clear(username: str) -> None:
    SignInThrottle.objects.filter(username=_key(username)).delete()


def pause_message(seconds: int) -> str:
    return (
        "Too many failed sign-ins for this account, from more than one place. Sign-in for it "
        f"is paused for {seconds} more second{'s' if seconds != 1 else ''}; try again then. "
        "If you did not cause this, tell your district administrator."
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # An attempt axes refused because its (username, address) pair is already locked does not
    # count: otherwise one client hammering on after its own lockout could pause the username.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    record_failure(credentials.get("username", ""))


def on_logged_in(sender, request, user, **kwargs) -> None:
    clear(user.get_username())
