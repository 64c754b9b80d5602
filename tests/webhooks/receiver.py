"""A real HTTP receiver for the webhook tests: a stdlib http.server in a thread on 127.0.0.1 that
records what it is sent and verifies each signature with the `standardwebhooks` library, as an
integrator's receiver would. `fail_next` makes it answer 503 a number of times (a receiver that is
down, then recovers); `hang` holds a request open until `release` is set."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class State:
    secret: str = ""
    received: list[Received] = field(default_factory=list)
    refused: int = 0
    fail_next: int = 0
    garble_next: int = 0  # answers that are not HTTP
    redirect_to: str = ""
    hang: bool = False
    hanging: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Receiver:
    def __init__(self) -> None:
        self.state = State()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {key.lower(): value for key, value in self.headers.items()}
                if state.hang:
                    state.hanging.set()
                    state.release.wait(timeout=60)
                with state.lock:
                    if state.garble_next > 0:
                        state.garble_next -= 1
                        state.refused += 1
                        self.wfile.write(b"SSH-2.0-not-a-web-server\r\n\r\n")
                        return
                    if state.redirect_to:
                        state.refused += 1
                        self.send_response(307)
                        self.send_header("Location", state.redirect_to)
                        self.end_headers()
                        return
                    if state.fail_next > 0:
                        state.fail_next -= 1
                        state.refused += 1
                        self.send_response(503)
                        self.end_headers()
                        self.wfile.write(b"down for maintenance")
                        return
                    try:
                        Webhook(state.secret).verify(body, headers)
                        verified = True
                    except WebhookVerificationError:
                        verified = False
                    state.received.append(Received(headers=headers, body=body, verified=verified))
                self.send_response(204 if verified else 400)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.state.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)
