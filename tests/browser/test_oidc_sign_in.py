"""Sign-in with the district's account in Chromium, through a real OpenID Connect provider
(tests/oidc_provider, django-oauth-toolkit) running in a second process on loopback."""

import pytest

from sro_program import roles
from tests.factories import UserFactory
from tests.oidc_provider.harness import ACCOUNTS, DOMAIN, start_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, settings, tmp_path):
    running = start_provider(tmp_path, [f"{live_server.url}/oidc/callback/"])
    running.configure(settings)
    yield running
    running.stop()


def through_provider(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your Valle Verde account").click()
    page.get_by_role("heading", name="Test identity provider").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(ACCOUNTS[username][0])
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_load_state("domcontentloaded")


def test_site_admin_signs_in_through_the_provider_and_a_stranger_is_refused(
    page, live_server, provider, school_a, csp_violations
):
    UserFactory(username="siteadmin", role=roles.SITE_ADMIN, schools=[school_a],
                email=f"site.admin@{DOMAIN}", first_name="Grace", last_name="Okafor")
    through_provider(page, live_server, "site.admin")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_test_id("current-user").inner_text().startswith("Grace Okafor")
    assert "Alpha High School" in page.content()

    page.context.clear_cookies()
    through_provider(page, live_server, "stranger")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert f"No account here for stranger@{DOMAIN}" in page.get_by_role("alert").inner_text()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # not signed in
    assert csp_violations == []
