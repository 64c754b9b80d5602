"""The virus-scanner hook: every upload passes `scanner_from_settings().scan(data)` before it is stored.

`VIRUS_SCANNER` chooses the scanner:
- "" (default): no scanning (the embedded run has no ClamAV);
- "clamd": ClamAV's daemon over its socket protocol (INSTREAM), at `CLAMD_URL`
  (`unix:///run/clamav/clamd.ctl` or `tcp://host:3310`);
- "test": a test double that reports the EICAR test string as malware, so tests and demos can
  exercise the refusal without a virus database.

The clamd client is hand-written (about forty lines) rather than a dependency: the protocol is a
documented length-prefixed stream, and the maintained Python clients add nothing we would use.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

# The EICAR anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/), in two
# halves so that this source file itself does not trip a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (down, timed out, refused the size)."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """Scanning switched off: every file is clean."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True)


class EicarTestScanner:
    """The test double: finds the EICAR test string anywhere in the file, like a real engine."""

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(clean=False, signature="Eicar-Test-Signature")
        return ScanResult(clean=True)


class ClamdScanner:
    """ClamAV's clamd, INSTREAM command: the file goes in length-prefixed chunks, then a zero length.

    clamd refuses streams longer than its StreamMaxLength (25 MB by default): set it at least to
    UPLOAD_MAX_BYTES in clamd.conf, or large uploads are refused as unscannable.
    """

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        parts = urlsplit(self.url)
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: str | tuple[str, int] = parts.path
        elif parts.scheme == "tcp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parts.hostname or "127.0.0.1", parts.port or 3310)
        else:
            raise ScannerUnavailable(f"CLAMD_URL must start with unix:// or tcp://, not {self.url}")
        sock.settimeout(self.timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            raise ScannerUnavailable(f"cannot reach clamd at {self.url}: {exc}") from exc
        return sock

    def _command(self, command: bytes, payload: bytes | None = None) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                if payload is not None:
                    for start in range(0, len(payload), CHUNK):
                        chunk = payload[start : start + CHUNK]
                        sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                    sock.sendall(struct.pack(">I", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
            except OSError as exc:
                raise ScannerUnavailable(f"clamd at {self.url} failed: {exc}") from exc
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        return self._command(b"PING") == "PONG"

    def scan(self, data: bytes) -> ScanResult:
        reply = self._command(b"INSTREAM", data)
        # "stream: OK", "stream: <signature> FOUND" or "<message> ERROR".
        if reply.endswith("FOUND"):
            signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
            return ScanResult(clean=False, signature=signature)
        if reply.endswith("OK"):
            return ScanResult(clean=True)
        raise ScannerUnavailable(f"clamd answered: {reply or 'nothing'}")


def scanner_from_settings() -> Scanner:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    choice = getattr(settings, "VIRUS_SCANNER", "")
    if choice in ("", "none"):
        return NoScanner()
    if choice == "clamd":
        return ClamdScanner(
            settings.CLAMD_URL, timeout=getattr(settings, "VIRUS_SCAN_TIMEOUT", 30.0)
        )
    if choice == "test":
        return EicarTestScanner()
    raise ImproperlyConfigured(f"VIRUS_SCANNER must be '', 'clamd' or 'test', not {choice!r}")
