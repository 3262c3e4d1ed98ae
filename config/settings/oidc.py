"""Sign-in with the district's accounts (OpenID Connect) and the rule for local passwords,
read from the environment. docs/sign-in.md explains each variable; sign-in with the district
account is on when OIDC_RP_CLIENT_ID is set."""

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# The issuer (e.g. https://accounts.google.com); endpoints left empty come from its discovery
# document, and the ID token must name this issuer.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="district account")
# Only these email domains may sign in (e.g. vvusd.org); empty allows any the provider vouches for.
OIDC_ALLOWED_EMAIL_DOMAINS = env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])
# An unknown email is refused; with this on it also gets an inactive account, without role or
# school, for the District administrator to approve.
OIDC_CREATE_INACTIVE_USERS = env.bool("OIDC_CREATE_INACTIVE_USERS", default=False)
# Roles and schools are never taken from the provider unless mapped here (docs/sign-in.md).
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="")
OIDC_ROLE_MAP = env.json("OIDC_ROLE_MAP", default={})
OIDC_SCHOOL_CLAIM = env.str("OIDC_SCHOOL_CLAIM", default="")
LOGIN_REDIRECT_URL_FAILURE = "login"
# django-axes counts a refused district sign-in under its email (sro_program.oidc).
AXES_USERNAME_CALLABLE = "sro_program.oidc.axes_username"

# "all": everyone may sign in with a password; "superusers": only superusers (break glass).
LOCAL_PASSWORDS = env.str("LOCAL_PASSWORDS", default="all")
if LOCAL_PASSWORDS not in ("all", "superusers"):
    raise ImproperlyConfigured("LOCAL_PASSWORDS must be 'all' or 'superusers'.")
