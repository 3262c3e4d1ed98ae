"""Sign-in throttling behind a real reverse proxy: nginx (Debian package) in front of gunicorn,
both started here. Behind the proxy every request comes from the proxy's address, so the app
must take the client's address from X-Forwarded-For, and only because the proxy is trusted.

An attacker (from 127.0.0.2) hammers the superintendent's account through nginx, forging
X-Forwarded-For as the real user's address; the real user (from 127.0.0.3) signs in through
the same nginx in the middle of it and at the end. A client talking to gunicorn directly
cannot choose its address with the header either. Many attacking addresses together reach the
per-username ceiling: a short pause that their attempts cannot renew, after which the real
user signs in.

PostgreSQL only, like the scale-out test: gunicorn and the test share one real database.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from sro_program import roles
from sro_program.models import SignInThrottle
from tests.factories import UserFactory
from tests.processes import stop
from tests.test_scale_out import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-for-tests-1"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ATTACKER, REAL_USER, DIRECT = "127.0.0.2", "127.0.0.3", "127.0.0.4"
PAUSE_SECONDS = 4

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: gunicorn must share the test's database "
        "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)",
    ),
    pytest.mark.skipif(not os.path.exists(NGINX) and not os.environ.get("CI"),
                       reason="nginx not installed (`apt-get install nginx`; CI installs it)"),
]


def wait_for(port: int, proc: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited early:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not answer within 30 s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running(cmd, env, log: Path, port: int, what: str):
    out = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(port, proc, log, what)
        yield proc
    finally:
        stop(proc)
        out.close()


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    """gunicorn on one loopback port, nginx in front of it on another."""
    logs = tmp_path_factory.mktemp("proxy")
    app_port, proxy_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        # gunicorn listens on every loopback address, so a client can also reach it directly.
        "BIND": f"0.0.0.0:{app_port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "TRUSTED_PROXIES": "127.0.0.1",
        "SIGNIN_USERNAME_CEILING": "10",
        "SIGNIN_PAUSE_SECONDS": str(PAUSE_SECONDS),
    })
    conf = logs / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=logs, port=proxy_port, upstream=app_port))
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py",
                "--no-control-socket"]
    nginx = [NGINX, "-p", str(logs), "-c", str(conf), "-e", str(logs / "error.log")]
    with running(gunicorn, env, logs / "gunicorn.log", app_port, "gunicorn"), \
            running(nginx, env, logs / "nginx.log", proxy_port, "nginx"):
        yield proxy_port, app_port


def sign_in(port: int, source: str, username: str, password: str, forged: str | None = None):
    """GET the form and POST it from the given source address; (status, body, location)."""

    def call(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20,
                                          source_address=(source, 0))
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        result = resp.status, resp.read().decode(errors="replace"), resp.headers
        conn.close()
        return result

    extra = {"X-Forwarded-For": forged} if forged else {}
    status, page, headers = call("GET", "/accounts/login/", headers=extra)
    assert status == 200, page[:500]
    token = html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"])[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": password})
    status, page, headers = call("POST", "/accounts/login/", body, {
        **extra, "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    })
    return status, page, headers.get("Location")


def signed_in(result) -> bool:
    status, _, location = result
    return status == 302 and location == "/"


@pytest.mark.django_db(transaction=True)
def test_real_user_signs_in_while_an_attacker_hammers_the_account(stack):
    proxy, app = stack
    UserFactory(username="supt", role=roles.SUPERINTENDENT)

    results = []
    for attempt in range(30):
        # Forging the real user's address: nginx appends the attacker's own after it.
        results.append(sign_in(proxy, ATTACKER, "supt", "wrong", forged=REAL_USER)[0])
        if attempt == 15:
            assert signed_in(sign_in(proxy, REAL_USER, "supt", PASSWORD))
    assert results[:4] == [200] * 4  # wrong password, form shown again
    assert set(results[4:]) == {429}  # the fifth locks this client, and only it, out
    assert sign_in(proxy, ATTACKER, "supt", PASSWORD, forged=REAL_USER)[0] == 429
    assert signed_in(sign_in(proxy, REAL_USER, "supt", PASSWORD))

    # Straight to gunicorn, the forged header is not believed either: this client is counted
    # as itself, so its own five failures lock out itself and not the real user.
    direct = [sign_in(app, DIRECT, "supt", "wrong", forged=REAL_USER)[0] for _ in range(6)]
    assert direct == [200] * 4 + [429] * 2
    assert signed_in(sign_in(proxy, REAL_USER, "supt", PASSWORD))
    assert not SignInThrottle.objects.filter(username="supt").exists()


@pytest.mark.django_db(transaction=True)
def test_many_addresses_get_only_a_short_pause_they_cannot_renew(stack):
    proxy, _app = stack
    UserFactory(username="supt2", role=roles.SUPERINTENDENT)
    attackers = [f"127.0.1.{n}" for n in range(1, 11)]
    for address in attackers:  # ten addresses, one failure each: the username's ceiling
        assert sign_in(proxy, address, "supt2", "wrong")[0] == 200
    paused = sign_in(proxy, REAL_USER, "supt2", PASSWORD)
    assert not signed_in(paused) and "paused for" in paused[1]
    pause_end = SignInThrottle.objects.get(username="supt2").paused_until

    # They keep going during the pause: nothing is counted and the pause does not move.
    started = time.monotonic()
    while time.monotonic() - started < PAUSE_SECONDS + 1:
        for address in attackers[:3]:
            sign_in(proxy, address, "supt2", "wrong")
    assert SignInThrottle.objects.get(username="supt2").paused_until == pause_end
    assert signed_in(sign_in(proxy, REAL_USER, "supt2", PASSWORD))
