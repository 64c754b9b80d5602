"""Fixtures of the documents tests: a real ClamAV daemon with a one-signature database."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from cases.documents.scanner import EICAR, ClamdScanner, ScannerUnavailable

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)


@pytest.fixture(scope="session")
def clamd_url():
    """ClamAV's own daemon (Debian's clamav-daemon), started with a database of one signature:
    the EICAR test string anywhere in a file. No signature download needed. Skips when clamd is
    not installed."""
    if CLAMD is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    folder = Path(tempfile.mkdtemp(prefix="clamd-"))  # short: unix socket paths are limited
    (folder / "db").mkdir()
    (folder / "db" / "tracker-test.ndb").write_text(f"Tracker.Test.EICAR:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\n"
        f"DatabaseDirectory {folder / 'db'}\n"
        f"LogFile {folder / 'clamd.log'}\n"
        "Foreground yes\n"
        "StreamMaxLength 60M\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"unix://{socket_path}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if ClamdScanner(url, timeout=2).ping():
                    break
            except ScannerUnavailable:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start:\n{log[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
