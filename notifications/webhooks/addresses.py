"""Where a webhook may go: no server-side request forgery. A URL is checked when it is registered
and again at every delivery, on the addresses its host resolves to then; the delivery connects to
the address checked (no second lookup that DNS rebinding could answer differently).

Refused: loopback, private, link-local (cloud metadata at 169.254.169.254 among them), shared,
reserved, multicast and unspecified addresses, in IPv4 and IPv6 (IPv4-mapped too). HTTPS only;
with WEBHOOK_ALLOW_LOOPBACK (tests, local integrations) 127.0.0.1 alone is allowed, over HTTP too.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.errors import DomainError

LOOPBACK_ALLOWED = ipaddress.ip_address("127.0.0.1")
# Metadata services outside the link-local range (AWS's IPv6 one, Alibaba's).
METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


class UnsafeUrl(DomainError):
    code = "webhook_url_refused"
    status = 400
    default_message = gettext_lazy("This URL cannot receive webhooks.")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written, for the Host header and TLS
    port: int
    path: str  # with the query string
    address: str  # the resolved address the request connects to


def allow_loopback() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # A 6to4 address reaches the IPv4 one it carries: refused unless that one is public.
        if address.sixtofour is not None and not address.sixtofour.is_global:
            return True
        if address.ipv4_mapped:
            address = address.ipv4_mapped
    if allow_loopback() and address == LOOPBACK_ALLOWED:
        return False
    return (
        address in METADATA
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of a URL a webhook may use, or UnsafeUrl."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl(_("Enter an https:// URL."), field="url")
    if parts.username or parts.password:
        raise UnsafeUrl(_("A webhook URL cannot carry a user name or password."), field="url")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl(_("Enter an https:// URL."), field="url") from exc
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def resolve(url: str) -> Target:
    """Check the URL and resolve its host now; UnsafeUrl names the reason. The first safe
    address is the one to connect to; one unsafe address refuses the host altogether."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(_("The host name could not be resolved."), field="url") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses or any(_refused(address) for address in addresses):
        raise UnsafeUrl(
            _("This URL points inside a private network; webhooks go to public addresses only."),
            field="url",
        )
    loopback = all(address == LOOPBACK_ALLOWED for address in addresses)
    if scheme != "https" and not loopback:
        raise UnsafeUrl(_("Enter an https:// URL."), field="url")
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
