import pytest

from sro_program import roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_sees_dashboard(page, live_server, sign_in, school_a, csp_violations):
    UserFactory(username="staff", role=roles.STAFF, schools=[school_a], first_name="Kevin",
                last_name="Tran")
    sign_in(page, "staff")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "Alpha High School" in page.content()
    assert page.get_by_test_id("current-user").inner_text().startswith("Kevin Tran")
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert csp_violations == []


def test_wrong_password_shows_error_summary(page, live_server, sign_in, school_a):
    UserFactory(username="staff", role=roles.STAFF, schools=[school_a])
    sign_in(page, "staff", "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").inner_text().startswith("The username or password")


def test_the_csp_blocks_inline_script_without_nonce(page, live_server, csp_violations, db):
    """The CSP check of every browser test can fail: an inline script without the nonce is
    refused and reported."""
    page.goto(f"{live_server.url}/accounts/login/")
    header = page.request.get(f"{live_server.url}/accounts/login/").headers[
        "content-security-policy"]
    assert "'nonce-" in header and "'unsafe-inline'" not in header
    try:
        page.add_script_tag(content="window.__ran = true;")
    except Exception:  # Playwright reports the refused script as an error
        pass
    assert page.evaluate("window.__ran === undefined")
    assert any("Content Security Policy" in v for v in csp_violations)
    csp_violations.clear()  # seen and expected; the autouse check must not fail this test
