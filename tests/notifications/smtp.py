"""A real SMTP server for the tests (aiosmtpd), whose replies the test chooses: accept, a
temporary 451 or a permanent 550 at RCPT, or hang at DATA (to kill a sweep mid-send)."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Handler:
    mode: str = "accept"  # accept | temporary | permanent | hang
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    hanging: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "temporary":
            return "451 4.3.0 Mailbox temporarily unavailable"
        if self.mode == "permanent":
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "hang":
            # Hold the sender at DATA until released, then refuse: the message never arrives.
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.2 Closing"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def received(self):
        return self.handler.received

    def use(self, settings) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
