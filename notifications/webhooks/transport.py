"""One HTTP POST to a webhook receiver, to the address that was checked (addresses.resolve), with
no redirect followed and a short timeout.

Hand-written on http.client rather than requests/urllib3: those resolve the host again when they
connect, which a DNS-rebinding host could answer with an internal address; here the socket goes to
the checked address while TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from notifications.webhooks.addresses import Target

USER_AGENT = "GoldCardTracker-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self.target.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.target = target

    def connect(self) -> None:
        sock = socket.create_connection((self.target.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.target.host)  # type: ignore[attr-defined]


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body`; a 3xx is answered as it came (not followed). Raises OSError on network
    failure (refused, reset, timed out, TLS)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
        return Answer(status=response.status, body=text)
    finally:
        connection.close()
