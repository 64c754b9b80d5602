"""Start a real `celery -A tracker worker --beat` against the test database, and read the
emails it leaves behind (Django's file backend: messages separated by a line of 79 dashes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def database_url() -> str:
    """The URL of the database this test runs on (the pytest test database)."""
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def read_emails(folder: Path) -> list[bytes]:
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        messages.extend(chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip())
    return messages


class Worker:
    """`celery -A tracker worker --beat` as a subprocess, with its own data folder and queue."""

    def __init__(self, *, data_dir: Path, broker_url: str, schedule: str = "1", **extra_env):
        self.data_dir = data_dir
        self.log = data_dir / "worker.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "DATABASE_URL"}},
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": f"alerts-test-{uuid.uuid4().hex[:8]}",
            "TRACKER_DATA_DIR": str(data_dir),
            "ALERT_SWEEP_SCHEDULE": schedule,
            "SITE_URL": "https://tracker.example",
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra_env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        data = self.data_dir
        data.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "tracker",
                "worker",
                "--beat",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--schedule",
                str(data / "celerybeat-schedule"),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--logfile",
                str(self.log),
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(data / "worker.stderr", "wb"),  # noqa: SIM115 - lives as long as the worker
            start_new_session=True,
        )
        return self

    def sweeps_done(self) -> int:
        if not self.log.exists():
            return 0
        lines = self.log.read_text(errors="replace").splitlines()
        return sum(
            1
            for line in lines
            if "notifications.sweep_deadline_alerts[" in line and "succeeded" in line
        )

    def wait_for(self, predicate, *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the worker exited ({self.process.returncode}):\n{self.output()}"
                )
            if predicate():
                return
            time.sleep(0.25)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def output(self) -> str:
        parts = []
        for path in (self.log, self.data_dir / "worker.stderr"):
            if path.exists():
                parts.append(path.read_text(errors="replace")[-6000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
