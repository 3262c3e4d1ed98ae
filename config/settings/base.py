"""Settings shared by every environment. Anything that differs between machines is read
from the environment through django-environ; a bad value fails loudly at start-up."""

from pathlib import Path

import environ
from csp.constants import NONCE

# The published method's thresholds have one home (reports.stats, pure Python); the settings
# only let a deployment override them.
from reports.stats import MIN_CELL as _METHOD_MIN_CELL
from reports.stats import MIN_N as _METHOD_MIN_N

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, True),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    TIME_ZONE=(str, "America/Los_Angeles"),
    FULL_TIME_WEEK_HOURS=(float, 40.0),
    REPORT_MIN_CELL=(int, _METHOD_MIN_CELL),
    REPORT_MIN_N=(int, _METHOD_MIN_N),
    # An interaction's time may be this many minutes ahead of the server clock (a device
    # clock a little fast); beyond it the form, the service and the importer refuse it.
    FUTURE_TOLERANCE_MINUTES=(int, 5),
    SESSION_IDLE_SECONDS=(int, 30 * 60),
    AXES_FAILURE_LIMIT=(int, 5),
    TRUSTED_PROXIES=(list, []),
    SIGNIN_USERNAME_CEILING=(int, 10),
    SIGNIN_PAUSE_SECONDS=(int, 30),
    SIGNIN_PAUSE_MAX_SECONDS=(int, 300),
    MEDIA_ROOT=(str, str(BASE_DIR / "var" / "media")),
    UPLOAD_MAX_BYTES=(int, 10 * 1024 * 1024),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env("DEBUG")
# Development only: production.py requires SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-key-not-for-production-use-0000")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    # The authorization core: every app below uses it, it imports none of them.
    "authz",
    # Apps depend one way: mous <- sro_program <- interactions <- reports.
    "mous",
    "sro_program",
    "interactions",
    "reports",
    # Public transparency pages and the families' request form: on top, nothing imports it.
    "public",
    # The audit trail listens to every app's history; nothing imports it.
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: browser (Accept-Language) or the switcher's cookie; unknown -> English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sro_program.middleware.IdleSessionTimeoutMiddleware",
    "sro_program.middleware.NoStoreForSignedInMiddleware",
    # A signed-in person's saved language wins over cookie and browser.
    "sro_program.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sro_program.middleware.AdminDateRangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "django.template.context_processors.i18n",
                "sro_program.context_processors.navigation",
                "sro_program.oidc.context",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sro_program.oidc.PasswordBackend",  # Django's, unless LOCAL_PASSWORDS = superusers
    "sro_program.oidc.DistrictOIDCBackend",  # OpenID Connect, when configured
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

from django.utils.translation import gettext_lazy as _  # noqa: E402

# English and Spanish; anything else falls back to English. Catalogues: locale/ (the .po files
# are in git; `make run`, `make test` and CI compile them to .mo).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sro_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Uploads (signed MOUs, training evidence) live outside the static root and go through the
# storage API, so S3-compatible storage can replace the file system (see README).
MEDIA_ROOT = env("MEDIA_ROOT")
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = env("UPLOAD_MAX_BYTES")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env.bool("USE_S3", default=False):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# History is read-only: a revert would bypass the services and their checks (and the scope).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions live in the database so any number of app instances can share them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_SECONDS = env("SESSION_IDLE_SECONDS")
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# django-axes: failed logins are counted in the database, shared by every instance.
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Attempts during a lockout do not extend it: it ends AXES_COOLOFF_TIME after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address: X-Forwarded-For is believed only from TRUSTED_PROXIES (addresses or
# networks of the reverse proxies in front of the app); otherwise REMOTE_ADDR.
TRUSTED_PROXIES = env("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "sro_program.client_ip.client_ip"
# Per-username ceiling over all addresses (sro_program/signin_throttle.py): after this many
# failures a short pause, doubling each time up to the maximum, never renewed while it lasts.
SIGNIN_USERNAME_CEILING = env("SIGNIN_USERNAME_CEILING")
SIGNIN_PAUSE_SECONDS = env("SIGNIN_PAUSE_SECONDS")
SIGNIN_PAUSE_MAX_SECONDS = env("SIGNIN_PAUSE_MAX_SECONDS")

# django-csp 4: nonces for our own scripts; Bootstrap's icons in CSS use data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Every PDF (board report, MOU summary, disclosure log) is tagged PDF/UA-1: a structure tree
# with headings, tables and their headers, the language, the title and the charts' alt text.
PDF_VARIANT = "pdf/ua-1"

# The cache: per process by default; CACHE_URL (e.g. redis://... or dbcache://table) shares it
# (public page cache and per-client rate limits) between instances.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Public pages: requests per client per window (requests, seconds); the family request form
# accepts a few posts per client per hour, no sooner than PUBLIC_FORM_MIN_SECONDS after it was
# shown and no later than PUBLIC_FORM_MAX_AGE_SECONDS.
PUBLIC_RATE_LIMIT = (env.int("PUBLIC_RATE_LIMIT", default=60), 60)
PUBLIC_FORM_RATE_LIMIT = (env.int("PUBLIC_FORM_RATE_LIMIT", default=5), 60 * 60)
PUBLIC_FORM_MIN_SECONDS = env.int("PUBLIC_FORM_MIN_SECONDS", default=3)
PUBLIC_FORM_MAX_AGE_SECONDS = 2 * 60 * 60
PUBLIC_FORM_MAX_BYTES = 8 * 1024
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)

# Email is optional. When RECORDS_CUSTODIAN_EMAIL and a mail server (EMAIL_HOST) or another
# backend are configured, the custodian is told of new family requests.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="sro-program@localhost")
RECORDS_CUSTODIAN_EMAIL = env("RECORDS_CUSTODIAN_EMAIL", default="")

FULL_TIME_WEEK_HOURS = env("FULL_TIME_WEEK_HOURS")
REPORT_MIN_CELL = env("REPORT_MIN_CELL")
REPORT_MIN_N = env("REPORT_MIN_N")
FUTURE_TOLERANCE_MINUTES = env("FUTURE_TOLERANCE_MINUTES")
DEMO_PASSWORD = "sro-demo-2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Request logs carry URLs and status only; never POST bodies (student names, narratives).
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Sign-in with the district's accounts (OpenID Connect) and local passwords: see that module.
from .oidc import *  # noqa: E402, F403
