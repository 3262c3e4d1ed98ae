"""The address a request really comes from, for sign-in throttling (django-axes).

Behind a reverse proxy every request arrives from the proxy, so counting by `REMOTE_ADDR`
would let anyone lock out anyone. The proxy's `X-Forwarded-For` header is believed only when
the request comes from a configured trusted proxy (`TRUSTED_PROXIES`, addresses or networks);
then the header is read from the right, skipping further trusted proxies, and the first other
address is the client. A client cannot choose its address by sending the header itself: the
proxy appends the address it saw, and anything to the left of it is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(value: str) -> bool:
    address = _address(value)
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        if _address(hop) is None:
            break  # a malformed entry: nothing to its left can be trusted
        if not is_trusted_proxy(hop):
            return str(_address(hop))
    return remote


def check_trusted_proxies(app_configs=None, **kwargs):
    """System check: every TRUSTED_PROXIES entry must be an address or a network."""
    from django.core.checks import Error

    errors = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(Error(
                f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network.",
                hint="List the reverse proxies' addresses, e.g. TRUSTED_PROXIES=10.0.5.2,"
                "10.0.6.0/24.",
                id="sro_program.E101",
            ))
    return errors
