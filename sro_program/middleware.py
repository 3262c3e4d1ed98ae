import time

from django.conf import settings
from django.contrib.auth import logout


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
