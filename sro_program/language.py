"""The interface language: English or Spanish.

Order of precedence: a signed-in person's saved choice (copied into the session at sign-in),
then the language cookie the switcher sets, then the browser's Accept-Language; anything else
falls back to English (settings.LANGUAGE_CODE). LocaleMiddleware handles the last three; the
middleware here applies the saved choice of a signed-in person."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

SESSION_KEY = "ui_language"


def supported(code: str | None) -> str | None:
    """The supported language for `code` ('es-MX' -> 'es'), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class UserLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in person's saved
    language wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        chosen = supported(session.get(SESSION_KEY)) if session is not None else None
        user = getattr(request, "user", None)
        if chosen and user is not None and user.is_authenticated:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@receiver(user_logged_in)
def restore_language(sender, request, user, **kwargs) -> None:
    """At sign-in, the person's saved language goes into the new session."""
    from .models import LanguagePreference

    if request is None or not hasattr(request, "session"):
        return
    saved = (LanguagePreference.objects.filter(user=user)
             .values_list("language", flat=True).first())
    if supported(saved):
        request.session[SESSION_KEY] = saved
        translation.activate(saved)


def save_preference(*, user, language: str) -> None:
    from .models import LanguagePreference

    LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembers the choice in a cookie (everyone), the session and,
    for a signed-in person, their saved preference. An unknown language changes nothing."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    language = supported(request.POST.get("language"))
    if language is None:
        return response
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = language
    if request.user.is_authenticated:
        save_preference(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax", secure=request.is_secure(), httponly=False,
    )
    return response
