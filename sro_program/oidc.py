"""Sign-in with the district's accounts (OpenID Connect, mozilla-django-oidc), and the rule for
local passwords. Configured from the environment (config/settings/oidc.py, docs/sign-in.md).

- A district account is matched by its email to an existing account here; roles and schools
  stay as the District administrator set them, unless a claim mapping is configured.
- An unknown email is refused, or (OIDC_CREATE_INACTIVE_USERS) gets an inactive account with
  no role for the District administrator to approve; either way the sign-in fails.
- Every refusal counts as a failed sign-in for django-axes (username = the email), and a
  locked-out email or address cannot sign in through the provider either.
- LOCAL_PASSWORDS = "superusers" turns passwords off for everyone but superusers (break glass).
"""

from __future__ import annotations

import logging

import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import roles
from .models import School, SchoolMembership

logger = logging.getLogger(__name__)


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


class PasswordBackend(ModelBackend):
    """Django's password sign-in; with LOCAL_PASSWORDS = "superusers" only superusers may use
    it (the break-glass account), everyone else signs in with the district account."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(settings, "LOCAL_PASSWORDS", "all") == "superusers" and not user.is_superuser:
            return False
        return super().user_can_authenticate(user)


# Endpoints left empty are read from the issuer's discovery document, once per process.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovered: dict[str, dict] = {}


def discovery(issuer: str) -> dict:
    if issuer not in _discovered:
        response = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration",
                                timeout=getattr(settings, "OIDC_TIMEOUT", None) or 10)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise ImproperlyConfigured(
                f"The provider at {issuer} calls itself {document.get('issuer')!r}; set "
                "OIDC_OP_ISSUER to exactly that.")
        _discovered[issuer] = document
    return _discovered[issuer]


def oidc_setting(attr, *default):
    value = getattr(settings, attr, None)
    issuer = getattr(settings, "OIDC_OP_ISSUER", "")
    if not value and attr in ENDPOINTS and issuer:
        return discovery(issuer)[ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


class DistrictOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss", "").rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("The ID token was issued by another provider.")
        return payload

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or "nonce" not in kwargs:
            return None  # a password sign-in, or OIDC is off
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip()
        credentials = {"username": email.lower() or "(no email)"}
        self.request.oidc_email = credentials["username"]  # for axes_username
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            return self._refuse(credentials, "Too many failed sign-ins: wait and try again.")
        problem = self._claims_problem(claims, email)
        if problem:
            return self._refuse(credentials, problem)
        users = list(get_user_model().objects.filter(email__iexact=email))
        if len(users) > 1:
            return self._refuse(credentials, f"Several accounts here have the email {email}; "
                                             "ask the District administrator to fix them.")
        if not users:
            if getattr(settings, "OIDC_CREATE_INACTIVE_USERS", False):
                self.create_user(claims)
                return self._refuse(credentials, f"An account for {email} was created; the "
                                                 "District administrator must approve it "
                                                 "before you can sign in.")
            return self._refuse(credentials, f"No account here for {email}; ask the District "
                                             "administrator for access.")
        user = users[0]
        if not user.is_active:
            return self._refuse(credentials, f"The account for {email} is not active yet; "
                                             "the District administrator must approve it.")
        return self.update_user(user, claims)

    def _claims_problem(self, claims: dict, email: str) -> str | None:
        if not email or "@" not in email:
            return "The district account has no email address."
        if claims.get("email_verified") is False:
            return f"The district account's email {email} is not verified."
        domains = [d.lower() for d in getattr(settings, "OIDC_ALLOWED_EMAIL_DOMAINS", [])]
        if domains and email.rsplit("@", 1)[1].lower() not in domains:
            return f"{email} is not an account of the district ({', '.join(domains)})."
        return None

    def _refuse(self, credentials: dict, message: str):
        """Returning None makes Django send `user_login_failed`, which axes records under the
        email (`axes_username`), once."""
        logger.info("OIDC sign-in refused for %s", credentials["username"])
        messages.error(self.request, message, fail_silently=True)
        return None

    def create_user(self, claims):
        """An inactive account without role or school, for the District administrator."""
        User = get_user_model()
        email = claims["email"].strip()
        base = email.lower()[:150]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base[:145]}-{n}"
        user = User(username=username, email=email, is_active=False,
                    first_name=(claims.get("given_name") or "")[:150],
                    last_name=(claims.get("family_name") or "")[:150])
        user.set_unusable_password()
        user.save()
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        """Roles and schools from claims only where a mapping is configured (docs/sign-in.md)."""
        role_claim = getattr(settings, "OIDC_ROLE_CLAIM", "")
        role_map = getattr(settings, "OIDC_ROLE_MAP", {})
        if role_claim and role_map:
            values = claims.get(role_claim) or []
            values = [values] if isinstance(values, str) else list(values)
            wanted = {role_map[v] for v in values if v in role_map} & set(roles.ALL_ROLES)
            user.groups.remove(*Group.objects.filter(name__in=roles.ALL_ROLES)
                               .exclude(name__in=wanted))
            user.groups.add(*Group.objects.filter(name__in=wanted))
        school_claim = getattr(settings, "OIDC_SCHOOL_CLAIM", "")
        if school_claim:
            codes = claims.get(school_claim) or []
            codes = [codes] if isinstance(codes, str) else list(codes)
            schools = set(School.objects.filter(cds_code__in=codes).values_list("pk", flat=True))
            SchoolMembership.objects.filter(user=user).exclude(school_id__in=schools).delete()
            have = set(SchoolMembership.objects.filter(user=user)
                       .values_list("school_id", flat=True))
            for pk in schools - have:
                SchoolMembership.objects.create(user=user, school_id=pk)
        return user


def axes_username(request, credentials=None):
    """AXES_USERNAME_CALLABLE: axes' own rule, except that an OIDC callback counts under the
    email the provider vouched for, not under "no username" (which would lock out every
    district account behind one school's shared address)."""
    email = getattr(request, "oidc_email", None)
    if email:
        return email
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        return credentials.get(field)
    return getattr(request, "data", request.POST).get(field)


class _Enabled:
    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("Sign-in with the district's accounts is not configured.")
        return super().dispatch(request, *args, **kwargs)


class StartView(_Enabled, OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self):
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "login"))

    def login_failure(self):
        if self.request.GET.get("error"):
            messages.error(self.request, "The district sign-in was cancelled or failed.")
        return super().login_failure()


def context(request) -> dict:
    """For the sign-in page: whether to offer the district account, and under what name."""
    return {
        "oidc_enabled": oidc_enabled(),
        "oidc_provider_name": getattr(settings, "OIDC_PROVIDER_NAME", "district account"),
        "local_passwords": getattr(settings, "LOCAL_PASSWORDS", "all"),
    }
