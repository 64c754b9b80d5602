"""The client's address, the one place it is read: rate limits (integrations.throttling), the
login lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and download records all ask `client_ip`.

`X-Forwarded-For` is anyone's to write, so it counts only when the request came from a proxy
listed in TRUSTED_PROXIES (addresses or networks). Then the header is read from the right, each
hop added by a trusted proxy skipped, and the first address no trusted proxy vouches for is the
client (what nginx's `real_ip_recursive on` does). Without TRUSTED_PROXIES the header is ignored.

Written here rather than taken from django-ipware (not a dependency): ipware's trusted proxies are
string prefixes, not networks, and a container network's proxy address changes on every start;
the rule below is a dozen lines of the standard library.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # "::ffff:203.0.113.9" is the IPv4 client of a dual-stack socket: one client, one counter.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address to rate-limit, lock out and record for this request."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        if not _trusted(client, networks):
            break
        address = _address(hop)
        if address is None:  # garbage where an address should be: the last trusted hop answers
            break
        client = address
    return str(client)
