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
    """Collects CSP violations reported by the page; browser tests assert it stays empty."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text)
        if "Content Security Policy" in msg.text
        else None,
    )
    return violations
