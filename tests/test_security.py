"""Production security headers and cookies, the CSP nonce, and logs without student data.

Session expiry after inactivity is tested in tests/test_foundation.py (test_idle_session_expires)
and the django-axes lockout there too (test_login_throttled_after_repeated_failures).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import Resolver404, path, resolve
from django.utils import timezone

from interactions.codes import school_year_of
from sro_program import roles
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent

# Run under config.settings.production in a fresh process, on a throw-away SQLite database:
# print the security settings, then the headers and cookies of real requests over HTTPS.
PRODUCTION_PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_user("probe", password="probe-password-2026")
out = {name: getattr(settings, name) for name in (
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
)}
client = Client(HTTP_HOST="sro.example.org")
plain = client.get("/")
out["plain_status"] = plain.status_code
out["plain_location"] = plain.get("Location", "")
anon = client.get("/", secure=True)
out["headers"] = dict(anon.headers)
login = client.post(
    "/accounts/login/", {"username": "probe", "password": "probe-password-2026"}, secure=True
)
out["login_status"] = login.status_code
out["cookies"] = {
    name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])}
    for name, m in login.cookies.items()
}
print("PROBE " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("production")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "DEBUG",
        )
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "probe-" + "k" * 60,
            "ALLOWED_HOSTS": "sro.example.org",
            "DATABASE_URL": f"sqlite:///{tmp / 'probe.sqlite3'}",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line, result.stdout[-2000:] + result.stderr[-4000:]
    return json.loads(line.removeprefix("PROBE "))


def test_production_security_settings(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_production_redirects_plain_http_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://sro.example.org/")


def test_production_response_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_production_session_and_csrf_cookies_are_secure(production):
    assert production["login_status"] == 302
    session = production["cookies"]["sessionid"]
    assert session == {"secure": True, "httponly": True}
    assert production["cookies"]["csrftoken"]["secure"] is True


# --- Content Security Policy nonces ---------------------------------------------------------

NONCE_PAGE = engines["django"].from_string(
    '<!doctype html><script nonce="{{ request.csp_nonce }}">window.ok = 1;</script>'
    '<style nonce="{{ request.csp_nonce }}">body { margin: 0 }</style>'
)


def nonce_page(request):
    return HttpResponse(NONCE_PAGE.render({}, request))


urlpatterns = [path("csp-probe/", nonce_page)]


def header_nonce(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


def assert_page_satisfies_csp(response):
    """Every inline script and style carries the nonce of this response's header; no inline
    event handlers or style attributes, which the policy blocks. Returns how many nonces."""
    page = response.content.decode()
    header = header_nonce(response)
    inline = re.findall(r"<(script|style)\b([^>]*)>", page)
    nonces = 0
    for tag, attrs in inline:
        match = re.search(r'\bnonce="([^"]*)"', attrs)
        if match is None:
            external = tag == "script" and re.search(r"\bsrc=", attrs)
            assert external, f"inline <{tag}> without a nonce: <{tag}{attrs}>"
            continue
        nonces += 1
        assert header and match.group(1) == header, (
            f"<{tag}> nonce {match.group(1)!r} is not the header's {header!r}"
        )
    for attr in re.findall(r"\son[a-z]+=\"", page):
        raise AssertionError(f"inline event handler {attr!r} would be blocked by the CSP")
    for attr in re.findall(r"<[a-z]+\s[^>]*\sstyle=\"[^\"]*\"", page):
        raise AssertionError(f"inline style attribute would be blocked by the CSP: {attr[:120]}")
    return nonces


@pytest.mark.urls(__name__)
def test_csp_header_carries_the_nonce_the_page_uses(client):
    first = client.get("/csp-probe/")
    second = client.get("/csp-probe/")
    nonce = header_nonce(first)
    assert nonce, first["Content-Security-Policy"]
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert_page_satisfies_csp(first)
    assert header_nonce(second) != nonce, "a nonce is fresh for every response"


def _exists(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def test_real_pages_satisfy_the_csp(client, as_user, staff_a, superintendent, school_a):
    """Every page the personas reach carries a CSP, and every nonce in it is the header's."""
    this_year = school_year_of(timezone.localdate())
    pages = [
        (client, "/accounts/login/"),
        (as_user(staff_a), "/"),
        (as_user(staff_a), "/interactions/"),
        (as_user(staff_a), "/interactions/new/"),
        (as_user(superintendent), "/reports/"),
        (as_user(superintendent), f"/reports/build/?school_year={this_year}"),
    ]
    nonces = {}
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response, url
        nonces[url] = assert_page_satisfies_csp(response)
    # The form loads its script with the response's nonce: the header must carry it.
    assert nonces["/interactions/new/"] >= 1


# --- Logs carry no student names or narratives ----------------------------------------------

STUDENT_FIRST, STUDENT_LAST = "Quillon", "Vantablackwood"
NARRATIVE = "Marmalade-Xylophone-7731 student was upset in the quad; talked it through."


@pytest.fixture
def capture_every_logger_at_debug():
    """caplog listens on the root logger; loggers that do not propagate (django.request in
    our LOGGING) get its handler too, and every logger is opened to DEBUG."""
    attached = []

    def _capture(caplog):
        caplog.set_level(logging.DEBUG)
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                attached.append((logger, caplog.handler))

    yield _capture
    for logger, handler in attached:
        logger.removeHandler(handler)


@pytest.mark.skipif(
    not _exists("/interactions/new/"),
    reason="the interaction form /interactions/new/ has not landed yet",
)
def test_logging_an_interaction_writes_no_student_name_or_narrative_to_logs(
    as_user, school_a, caplog, capture_every_logger_at_debug
):
    from interactions.models import Interaction

    site_admin = UserFactory(username="log.siteadmin", role=roles.SITE_ADMIN, schools=[school_a])
    student = StudentFactory(first_name=STUDENT_FIRST, last_name=STUDENT_LAST)
    EnrollmentFactory(student=student, school=school_a, school_year="2025-26")
    officer = AssignmentFactory(school=school_a).officer
    client = as_user(site_admin)
    data = {
        "occurred_at": "2025-10-14T10:30",
        "school_cds": school_a.cds_code,
        "school": school_a.pk,
        "student_id": student.student_id,
        "officer_badge": officer.badge_number,
        "location": "campus",
        "initiated_by": "sro_observed",
        "requested_by_role": "",
        "reason": "welfare_check",
        "justification": "",
        "outcomes": ["no_action"],
        "force_types": [],
        "injury": "",
        "narrative": NARRATIVE,
    }
    capture_every_logger_at_debug(caplog)
    # A valid record, then an invalid one (errors are a second path that must not log either).
    client.get("/interactions/new/")
    ok = client.post("/interactions/new/", data)
    bad = client.post("/interactions/new/", {**data, "location": "", "reason": "not-a-code"})
    assert ok.status_code in (200, 302) and bad.status_code == 200
    assert Interaction.objects.filter(narrative=NARRATIVE, student=student).exists(), (
        "the valid POST did not create the interaction; see the form errors: "
        + (ok.content.decode()[:2000] if ok.status_code == 200 else "")
    )
    # An outsider's POST (another school) is refused; the refusal is not logged with data either.
    outsider = UserFactory(
        username="log.outsider", role=roles.STAFF, schools=[SchoolFactory(name="Far Away HS")]
    )
    as_user(outsider).post("/interactions/new/", data)

    logged = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
    )
    for secret in (STUDENT_FIRST, STUDENT_LAST, "Marmalade-Xylophone-7731"):
        assert secret not in logged, f"{secret!r} appears in the logs:\n{logged[:3000]}"
