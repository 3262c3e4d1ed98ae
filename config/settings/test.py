"""Test settings: fast hashing, plain static storage (whitenoise's manifest 404s in tests)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media"))
AXES_FAILURE_LIMIT = 5
ALLOWED_HOSTS = ["*"]
