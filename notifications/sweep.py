"""One alert sweep: record every alert that is due, then send what is due to be sent.

The scheduled Celery task and `manage.py send_deadline_alerts` both call `run_sweep`. It is safe to
run twice, or twice at once: recording relies on unique constraints, sending on claims. Sweeps do
not overlap, though: one that starts while another runs leaves the work to it (`sweep_lock`).
Overlapping, one sweep's sending claimed a person's rows while another was still recording more
for them, and the person got their digest in two or three emails.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.clock import taipei_today
from notifications.delivery import deliver_due
from notifications.directory import Directory
from notifications.planner import plan_batch
from notifications.subjects import due_batches

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    recorded: int = 0  # alerts proposed this sweep (a concurrent sweep may have recorded some)
    sent: int = 0  # alerts sent
    emails: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    busy: bool = False  # another sweep was running: this one did nothing

    def as_dict(self) -> dict:
        return asdict(self)


# pg_try_advisory_lock's key: any number no other code of this database uses.
SWEEP_LOCK_KEY = 0x601DCA7D
_local_sweep = threading.Lock()


@contextmanager
def sweep_lock() -> Iterator[bool]:
    """Yields True when this sweep may run, False when another is running (anywhere).

    PostgreSQL: a session advisory lock, which the server releases by itself if the worker dies
    with its connection (it needs session pooling: not PgBouncer's transaction mode). SQLite (the
    embedded run): a file lock beside the database file; an in-memory database (tests) exists in
    one process only, so a lock in the process does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK_KEY])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])
        return
    name = str(connection.settings_dict.get("NAME") or "")
    in_memory = name == ":memory:" or "mode=memory" in name  # as Django's SQLite backend tells
    if connection.vendor != "sqlite" or in_memory:
        acquired = _local_sweep.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                _local_sweep.release()
        return
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    path = Path(settings.DATA_DIR) / f".alert-sweep-{digest}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def record_due_alerts(
    *, now: dt.datetime, batch_size: int | None = None, directory: Directory | None = None
) -> int:
    """The recording half alone: every alert due at `now`, saved as pending."""
    size = batch_size or int(getattr(settings, "ALERT_BATCH_SIZE", 500))
    today = taipei_today(now)
    directory = directory or Directory()
    recorded = 0
    for batch in due_batches(today=today, batch_size=size):
        recorded += plan_batch(batch, now=now, today=today, directory=directory)
    return recorded


def run_sweep(*, now: dt.datetime | None = None, batch_size: int | None = None) -> SweepResult:
    with sweep_lock() as acquired:
        if not acquired:
            logger.info("alert sweep: another sweep is running; leaving the work to it")
            return SweepResult(busy=True)
        return _sweep(now=now, batch_size=batch_size)


def _sweep(*, now: dt.datetime | None, batch_size: int | None) -> SweepResult:
    now = now or timezone.now()
    directory = Directory()  # people read once, for both halves
    recorded = record_due_alerts(now=now, batch_size=batch_size, directory=directory)
    delivery = deliver_due(
        now=now,
        batch_size=getattr(settings, "ALERT_SEND_BATCH_SIZE", 50),
        directory=directory,
    )
    result = SweepResult(
        recorded=recorded,
        sent=delivery.sent,
        emails=delivery.messages,
        failed=delivery.failed,
        skipped=delivery.skipped,
        retrying=delivery.retrying,
    )
    logger.info("alert sweep: %s", result.as_dict())
    return result
