"""Celery tasks: thin wrappers around the sweep (the beat schedule lives in settings).

No retry policy on the task itself: the database holds what is due and what failed, and the next
scheduled sweep picks up whatever this one could not finish (including transient send errors,
which wait out their backoff on the alert row).
"""

from __future__ import annotations

from celery import shared_task

from notifications.schedule import SWEEP_TASK
from notifications.sweep import run_sweep


@shared_task(name=SWEEP_TASK, ignore_result=True)
def sweep_deadline_alerts() -> dict:
    return run_sweep().as_dict()
