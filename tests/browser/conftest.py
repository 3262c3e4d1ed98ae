"""Browser harness: Playwright drives Debian's Chromium against the live server.

Reusable by every app's browser tests: request `page`, `live_server` and call `sign_in`.
Tests skip, saying why, when Chromium is absent; in CI (.ci/run installs it) they fail instead.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEST_PASSWORD = "pw-for-tests-1"


def pytest_collection_modifyitems(config, items):
    have_chromium = os.path.exists(CHROMIUM) or shutil.which("chromium")
    if have_chromium or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (CI installs it)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, username, password=TEST_PASSWORD): through the real login form."""

    def _sign_in(page, username: str, password: str = TEST_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        return page

    return _sign_in


@pytest.fixture
def csp_violations(page):
    """CSP violations the page reported so far (every browser test also fails on any at the
    end, through `_pages_satisfy_the_csp`)."""
    return page._csp_violations


@pytest.fixture(autouse=True)
def _pages_satisfy_the_csp(request):
    """Every browser test runs under the real Content Security Policy and fails if a page
    breaks it (an inline script or style without the nonce, a foreign source)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page._csp_violations = violations
    page.on(
        "console",
        lambda msg: violations.append(msg.text)
        if "Content Security Policy" in msg.text
        else None,
    )
    yield
    assert violations == [], f"CSP violations: {violations}"


@pytest.fixture(autouse=True)
def _media_through_the_app(monkeypatch):
    """Django's live server serves MEDIA_ROOT itself, raw, before any view; production has no
    such handler. Send /media/ to the app's protected view, as gunicorn would."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
