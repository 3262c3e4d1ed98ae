"""Scaling out: two gunicorn instances sharing one PostgreSQL database are interchangeable.

A user signs in through instance one with a real POST to the sign-in form and continues on
instance two with the same cookies: sessions (and login throttling) live in the database, so
any instance behind the proxy can serve any request. Signing out on instance two ends the
session on instance one as well.

PostgreSQL only: SQLite's test database is in memory (or a file two servers would fight over),
so it cannot stand in for a shared production database.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection

from sro_program import roles
from tests.factories import SchoolFactory, UserFactory
from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-for-tests-1"

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two server processes must share one real database "
        "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)",
    ),
]


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name> database)."""
    s = connection.settings_dict
    user = urllib.parse.quote(s.get("USER") or "")
    password = urllib.parse.quote(s.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{s['NAME']}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            # The test settings' password hasher matches the one that stored the password here.
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
        }
    )
    return env


@contextmanager
def gunicorn_instance(port: int, log_path: Path):
    """One gunicorn instance on 127.0.0.1:port, stopped (and waited for) on exit."""
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-c",
            "config/gunicorn.conf.py",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=server_env(port),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(
                    f"gunicorn on port {port} exited early:\n{log_path.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"gunicorn on port {port} did not answer within 30 s:\n"
                        f"{log_path.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.2)
        yield proc
    finally:
        stop(proc)
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and an opener that does not follow redirects, so each hop is visible."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        return self.request_prepared(urllib.request.Request(url, data=body))

    def request_prepared(self, req: urllib.request.Request) -> tuple[int, dict, str]:
        try:
            with self.opener.open(req, timeout=15) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:  # 3xx (not followed) and 4xx/5xx
            return err.code, dict(err.headers), err.read().decode(errors="replace")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return html.unescape(match.group(1))


@pytest.fixture(scope="module")
def instances(django_db_setup, tmp_path_factory):
    """Two gunicorn instances on two free loopback ports, both on the test database."""
    logs = tmp_path_factory.mktemp("gunicorn")
    port_one = free_port()
    port_two = free_port()
    while port_two == port_one:
        port_two = free_port()
    with ExitStack() as stack:
        proc_one = stack.enter_context(gunicorn_instance(port_one, logs / "one.log"))
        proc_two = stack.enter_context(gunicorn_instance(port_two, logs / "two.log"))
        assert proc_one.pid != proc_two.pid
        yield f"http://127.0.0.1:{port_one}", f"http://127.0.0.1:{port_two}"


def sign_in_post(browser: Browser, base: str, username: str, password: str):
    status, _, page = browser.request(f"{base}/accounts/login/")
    assert status == 200
    return browser.request(
        f"{base}/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": password},
    )


@pytest.mark.django_db(transaction=True)
def test_sign_in_on_one_instance_continue_on_the_other(instances):
    one, two = instances
    school = SchoolFactory(name="Scale Out High School")
    UserFactory(
        username="scale.staff",
        first_name="Imani",
        last_name="Okafor",
        role=roles.STAFF,
        schools=[school],
    )

    browser = Browser()
    status, headers, _ = sign_in_post(browser, one, "scale.staff", PASSWORD)
    assert status == 302, "sign-in on instance one did not redirect"
    assert headers["Location"] == "/"
    session_id = browser.cookie("sessionid")
    assert session_id, "instance one set no session cookie"

    # The same cookies on instance two: the session is in the shared database.
    status, _, page = browser.request(f"{two}/")
    assert status == 200, f"instance two answered {status} for a session made on one"
    assert "Imani Okafor" in page
    assert "Scale Out High School" in page

    # Sign out on instance two; instance one no longer accepts the old session cookie.
    status, _, _ = browser.request(
        f"{two}/accounts/logout/", {"csrfmiddlewaretoken": csrf_token(page)}
    )
    assert status == 302
    replay = urllib.request.Request(f"{one}/", headers={"Cookie": f"sessionid={session_id}"})
    status, headers, _ = Browser().request_prepared(replay)
    assert status == 302 and "/accounts/login/" in headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_count_across_instances(instances):
    """django-axes counts failures in the database: 5 failures spread over both instances
    pause sign-in on either."""
    one, two = instances
    UserFactory(username="scale.locked", role=roles.STAFF, schools=[SchoolFactory()])
    browser = Browser()
    for base in (one, two, one, two, one):
        status, _, _ = sign_in_post(browser, base, "scale.locked", "wrong-password")
        assert status in (200, 429)
    status, _, page = sign_in_post(browser, two, "scale.locked", PASSWORD)
    assert status == 429
    assert "Sign-in paused" in page
