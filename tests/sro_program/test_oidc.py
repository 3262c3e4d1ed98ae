"""Sign-in with the district's accounts, through a real OpenID Connect provider
(django-oauth-toolkit, tests/oidc_provider) started in a second process on loopback."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from sro_program import roles
from sro_program.models import SchoolMembership
from sro_program.oidc import DistrictOIDCBackend
from tests.factories import SchoolFactory, UserFactory
from tests.oidc_provider.harness import ACCOUNTS, DOMAIN, start_provider

BACKEND = "sro_program.oidc.DistrictOIDCBackend"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = start_provider(tmp_path_factory.mktemp("oidc"), ["http://testserver/oidc/callback/"])
    yield running
    running.stop()


@pytest.fixture
def oidc(db, provider, settings):
    provider.configure(settings)
    return provider


def sign_in(client, provider, username, password=None):
    """The browser's round trip: this app -> provider sign-in -> back to the callback."""
    start = client.get("/oidc/authenticate/?next=/interactions/")
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer)
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False)
    login_url = provider.url + to_login.headers["Location"]
    browser.get(login_url)
    signed_in = browser.post(login_url, allow_redirects=False, data={
        "username": username, "password": password or ACCOUNTS[username][0],
        "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
    })
    assert signed_in.status_code == 302, signed_in.text[:500]
    back = browser.get(provider.url + signed_in.headers["Location"], allow_redirects=False)
    callback = back.headers["Location"]
    assert callback.startswith("http://testserver/oidc/callback/?")
    assert "code" in parse_qs(urlsplit(callback).query)
    return client.get(callback.removeprefix("http://testserver"))


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def site_admin(site_admin_a):
    site_admin_a.email = f"Site.Admin@{DOMAIN}"  # matched without regard to case
    site_admin_a.save()
    return site_admin_a


def test_existing_account_signs_in_by_email_and_keeps_its_roles(client, oidc, site_admin):
    response = sign_in(client, oidc, "site.admin")
    assert response.status_code == 302 and response["Location"] == "/interactions/"
    assert client.session["_auth_user_id"] == str(site_admin.pk)
    assert client.session["_auth_user_backend"] == BACKEND
    assert client.get("/interactions/").status_code == 200
    site_admin.refresh_from_db()
    assert roles.role_names(site_admin) == [roles.SITE_ADMIN]
    assert SchoolMembership.objects.filter(user=site_admin).count() == 1


def test_unknown_user_is_refused_and_counted_by_axes(client, oidc, site_admin):
    count = get_user_model().objects.count()
    response = sign_in(client, oidc, "stranger")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert f"No account here for stranger@{DOMAIN}" in " ".join(texts(response))
    assert get_user_model().objects.count() == count
    attempt = AccessAttempt.objects.get(username=f"stranger@{DOMAIN}")
    assert attempt.failures_since_start == 1
    # Counted under the email only: strangers cannot lock out a shared address for everyone.
    assert AccessAttempt.objects.count() == 1


def test_refused_strangers_do_not_lock_out_others_at_the_same_address(
    client, oidc, site_admin, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        sign_in(client, oidc, "stranger")
    assert "Too many failed sign-ins" in " ".join(texts(sign_in(client, oidc, "stranger")))
    sign_in(client, oidc, "site.admin")
    assert client.session["_auth_user_id"] == str(site_admin.pk)


def test_unknown_user_gets_an_inactive_account_when_allowed(client, oidc, settings):
    settings.OIDC_CREATE_INACTIVE_USERS = True
    response = sign_in(client, oidc, "stranger")
    assert "_auth_user_id" not in client.session
    assert "must approve it" in " ".join(texts(response))
    user = get_user_model().objects.get(email=f"stranger@{DOMAIN}")
    assert not user.is_active and not user.has_usable_password()
    assert not user.groups.exists() and not SchoolMembership.objects.filter(user=user).exists()
    again = sign_in(client, oidc, "stranger")
    assert "not active yet" in " ".join(texts(again))
    assert get_user_model().objects.filter(email=f"stranger@{DOMAIN}").count() == 1


def test_email_outside_the_district_domain_is_refused(client, oidc):
    UserFactory(username="outsider", email="outsider@elsewhere.example.com")
    response = sign_in(client, oidc, "outsider")
    assert "_auth_user_id" not in client.session
    assert "is not an account of the district" in " ".join(texts(response))


def test_axes_lockout_applies_to_oidc(client, oidc, site_admin, settings):
    AccessAttempt.objects.create(
        username=f"site.admin@{DOMAIN}", ip_address="127.0.0.1", user_agent="",
        failures_since_start=settings.AXES_FAILURE_LIMIT, get_data="", post_data="",
        http_accept="", path_info="/oidc/callback/",
    )
    response = sign_in(client, oidc, "site.admin")
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in " ".join(texts(response))


def test_idle_timeout_signs_out_an_oidc_session(client, oidc, site_admin, settings):
    sign_in(client, oidc, "site.admin")
    assert client.get("/interactions/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/interactions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivated_account_loses_its_oidc_session(client, oidc, site_admin):
    sign_in(client, oidc, "site.admin")
    site_admin.is_active = False
    site_admin.save()
    assert client.get("/interactions/").status_code == 302


def test_oidc_is_off_until_configured(db, client, settings):
    settings.OIDC_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "oidc-sign-in" not in client.get("/accounts/login/").content.decode()


def test_sign_in_page_offers_the_district_account(client, oidc):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your Valle Verde account" in page


def test_passwords_can_be_turned_off_except_for_superusers(db, client, settings):
    settings.LOCAL_PASSWORDS = "superusers"
    UserFactory(username="staffer", password="a-long-password-1")
    boss = UserFactory(username="breakglass", password="a-long-password-2")
    boss.is_superuser = True
    boss.save()
    client.post("/accounts/login/", {"username": "staffer", "password": "a-long-password-1"})
    assert "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"username": "breakglass", "password": "a-long-password-2"})
    assert client.session["_auth_user_id"] == str(boss.pk)
    settings.LOCAL_PASSWORDS = "all"
    client.logout()
    client.post("/accounts/login/", {"username": "staffer", "password": "a-long-password-1"})
    assert "_auth_user_id" in client.session


def test_claim_mapping_sets_roles_and_schools_only_when_configured(db, settings):
    school = SchoolFactory(cds_code="43694274330001")
    user = UserFactory(username="mapped", role=roles.STAFF)
    claims = {"email": "mapped@x", "groups": ["sro-admins"], "schools": ["43694274330001"]}
    backend = DistrictOIDCBackend()
    backend.update_user(user, claims)
    assert roles.role_names(get_user_model().objects.get(pk=user.pk)) == [roles.STAFF]
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"sro-admins": roles.DISTRICT_ADMIN}
    settings.OIDC_SCHOOL_CLAIM = "schools"
    backend.update_user(user, claims)
    assert roles.role_names(get_user_model().objects.get(pk=user.pk)) == [roles.DISTRICT_ADMIN]
    assert list(SchoolMembership.objects.filter(user=user).values_list("school", flat=True)) == [
        school.pk]
