"""Celery tasks of webhooks: thin, by name (the services queue them with cases.queue)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from notifications.webhooks import delivery
from notifications.webhooks.events import SEND_WEBHOOK
from notifications.webhooks.sweep import run_webhook_sweep

WEBHOOK_SWEEP = "notifications.webhook_sweep"


# acks_late: a worker killed mid-delivery leaves the task to run again; the row's claim (with its
# lease) keeps two workers from both sending, and the stable webhook-id lets receivers deduplicate
# the rare second copy (at-least-once).
@shared_task(name=SEND_WEBHOOK, bind=True, acks_late=True, ignore_result=True)
def send_webhook(self, delivery_id: int) -> None:
    wait = delivery.deliver(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait.total_seconds(), max_retries=None)


@shared_task(name=WEBHOOK_SWEEP, ignore_result=True)
def webhook_sweep() -> dict:
    return asdict(run_webhook_sweep())
