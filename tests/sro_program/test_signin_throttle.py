"""Sign-in throttling: the client address comes from the proxy header only when a trusted
proxy sent it; one client locks out only itself; a per-username ceiling over all addresses
gives a short pause that attempts during it cannot renew, doubling next time."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from sro_program.client_ip import client_ip
from sro_program.models import SignInThrottle
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-1"


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_header_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    # Through the proxy: the address the proxy appended, whatever the client put before it.
    assert client_ip(request_from("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(request_from("127.0.0.1", "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    # Two proxies deep: trusted hops are skipped from the right.
    assert client_ip(request_from("127.0.0.1", "203.0.113.9, 10.1.2.3")) == "203.0.113.9"
    # Straight to the app: a forged header changes nothing.
    assert client_ip(request_from("203.0.113.50", "198.51.100.1")) == "203.0.113.50"
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "not-an-ip, 203.0.113.9")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def sign_in(username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboard")


@pytest.fixture
def supt(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SIGNIN_USERNAME_CEILING = 10
    return UserFactory(username="supt")


def test_one_client_behind_the_proxy_locks_out_only_itself(supt):
    for _ in range(12):  # the attacker, through the proxy, even forging the header
        sign_in("supt", "wrong", "127.0.0.1", forwarded="198.51.100.7, 203.0.113.66")
    assert sign_in("supt", PASSWORD, "127.0.0.1", "203.0.113.66").status_code == 429
    assert signed_in(sign_in("supt", PASSWORD, "127.0.0.1", "198.51.100.7"))
    assert not SignInThrottle.objects.filter(username="supt", paused_until__isnull=False).exists()


def test_many_addresses_reach_the_username_ceiling_for_a_short_unrenewable_pause(supt):
    for n in range(10):  # ten addresses, one failure each: the ceiling
        sign_in("supt", "wrong", f"203.0.113.{n}")
    row = SignInThrottle.objects.get(username="supt")
    first_pause_end = row.paused_until
    assert 29 <= (first_pause_end - timezone.now()).total_seconds() <= 30
    response = sign_in("supt", PASSWORD, "198.51.100.7")
    assert not signed_in(response)
    assert "paused for" in response.content.decode()
    for n in range(10, 40):  # attempts during the pause neither count nor extend it
        sign_in("SUPT", "wrong", f"203.0.113.{n}")
    row.refresh_from_db()
    assert row.paused_until == first_pause_end and row.failures == 0
    # The pause ends on its own; the next one, if earned, is twice as long.
    SignInThrottle.objects.filter(pk=row.pk).update(paused_until=timezone.now())
    for n in range(40, 50):
        sign_in("supt", "wrong", f"203.0.113.{n}")
    row.refresh_from_db()
    assert 59 <= (row.paused_until - timezone.now()).total_seconds() <= 60
    SignInThrottle.objects.filter(pk=row.pk).update(paused_until=timezone.now())
    assert signed_in(sign_in("supt", PASSWORD, "198.51.100.7"))
    assert not SignInThrottle.objects.filter(username="supt").exists()


def test_pause_is_capped(supt, settings):
    from sro_program.signin_throttle import pause_length

    assert [pause_length(n) for n in range(6)] == [30, 60, 120, 240, 300, 300]


def test_admin_sign_in_respects_the_pause(supt):
    supt.is_staff = True
    supt.save()
    for n in range(10):
        sign_in("supt", "wrong", f"203.0.113.{n}")
    response = Client().post(reverse("admin:login"), {"username": "supt", "password": PASSWORD},
                             REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200 and "paused for" in response.content.decode()


def test_a_bad_trusted_proxies_entry_stops_the_start(settings):
    from sro_program.client_ip import check_trusted_proxies

    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.6.0/24"]
    assert check_trusted_proxies() == []
    settings.TRUSTED_PROXIES = ["nginx.internal"]
    [error] = check_trusted_proxies()
    assert "nginx.internal" in error.msg and error.id == "sro_program.E101"
