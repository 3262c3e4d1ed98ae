import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from .dates import EARLIEST, LATEST


class IdleSessionTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_SECONDS without a request (shared terminals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
            else:
                # Write at most once a minute so a busy page does not write the session each hit.
                if last is None or now - last > 60:
                    request.session["last_seen"] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and files served to a signed-in user can carry student data (interaction details,
    lists, exports, disclosure logs, uploads, reports): no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class AdminDateRangeMiddleware:
    """Admin lists drill down by date (`?completed_on__year=…&…__month=…&…__day=…`). Django's
    own check lets a year such as 9999 or 1 through to date arithmetic that overflows (a 500).
    Out-of-range or non-numeric parts are dropped here, with a message, before any admin view
    runs; every admin list, the third-party ones included, is covered."""

    PARTS = {"__year": (EARLIEST.year, LATEST.year), "__month": (1, 12), "__day": (1, 31)}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [key for key, value in request.GET.items() if not self.in_range(key, value)]
        if bad and request.method == "GET" and self.in_admin(request.path):
            query = request.GET.copy()
            for key in bad:
                query.pop(key)
            messages.warning(
                request,
                f"The date in the address was not understood or out of range (years "
                f"{EARLIEST.year} to {LATEST.year}); it was left out of the filter.",
            )
            return redirect(f"{request.path}?{query.urlencode()}")
        return self.get_response(request)

    @staticmethod
    def in_admin(path: str) -> bool:
        try:
            return path.startswith(reverse("admin:index"))
        except NoReverseMatch:  # a URLconf without the admin (some tests)
            return False

    @classmethod
    def in_range(cls, key: str, value: str) -> bool:
        for suffix, (low, high) in cls.PARTS.items():
            if key.endswith(suffix):
                return value.isdigit() and low <= int(value) <= high
        return True
