"""One alert sweep: record every alert that is due, then send what is due to be sent.

The scheduled Celery task and `manage.py send_deadline_alerts` both call `run_sweep`. It is safe to
run twice, or twice at once: recording relies on unique constraints, sending on claims.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.conf import settings
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

    def as_dict(self) -> dict:
        return asdict(self)


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
