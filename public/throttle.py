"""Per-client rate limits for the public pages, counted in the Django cache (shared by every
instance when CACHE_URL points at a shared cache)."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The client's address as the app sees it: REMOTE_ADDR (behind the proxy, the proxy sets
    it from X-Forwarded-For; the app never trusts the header itself)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, request: HttpRequest, limit: int, window: int) -> bool:
    """Count one request of this client in the current window; False when over the limit."""
    bucket = int(time.time() // window)
    key = f"throttle:{scope}:{client_ip(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def throttled(scope: str, setting: str):
    """Decorator: at most settings.<setting> = (requests, seconds) per client, else 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit, window = getattr(settings, setting)
            if not hit(scope, request, limit, window):
                response = render(request, "public/throttled.html", {
                    "message": _("Too many requests from your connection. Please wait a "
                                 "minute and try again."),
                }, status=429)
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
