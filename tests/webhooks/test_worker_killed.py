"""A real Celery worker killed (SIGKILL) in the middle of a delivery loses nothing: the row stays
claimed until its lease runs out, the next worker's sweep sends it again, and every copy the
receiver sees carries the same webhook-id (at-least-once; receivers deduplicate on it).
PostgreSQL and Redis as in CI (REQUIRE_REAL_SERVICES=1); skipped elsewhere."""

from __future__ import annotations

import os
import signal

import pytest

from cases import services
from notifications.outbox import OutboxStatus
from notifications.webhooks.models import WebhookDelivery
from tests.notifications.worker import Worker
from tests.webhooks.conftest import register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.celery_worker,
]


def webhook_worker(tmp_path, redis_url, name: str, lease: int) -> Worker:
    return Worker(
        data_dir=tmp_path / name,
        broker_url=redis_url,
        schedule="off",  # no alert sweeps: only the webhook sweep, every second
        WEBHOOK_ALLOW_LOOPBACK="1",
        WEBHOOK_SWEEP_SECONDS="1",
        WEBHOOK_STRANDED_SECONDS="0",
        WEBHOOK_RETRY_SCHEDULE="1,1,1",
        ALERT_CLAIM_LEASE_SECONDS=str(lease),
    )


def test_a_worker_killed_mid_delivery_loses_nothing(
    postgres_only, redis_url, world, receiver, open_supplement, tmp_path
):
    register(
        receiver, actor=world.agency_admin, organization=world.agency, events=["supplement.updated"]
    )
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    row = WebhookDelivery.objects.get()
    receiver.state.hang = True

    first = webhook_worker(tmp_path, redis_url, "first", lease=600).start()
    try:
        assert receiver.state.hanging.wait(timeout=120), first.output()
        row.refresh_from_db()
        assert row.status == OutboxStatus.SENDING
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=20)
    finally:
        first.stop()
    row.refresh_from_db()
    # Killed mid-send: still claimed, nothing recorded as sent.
    assert (row.status, row.attempts) == (OutboxStatus.SENDING, 0)

    receiver.state.hang = False
    second = webhook_worker(tmp_path, redis_url, "second", lease=2).start()
    try:
        second.wait_for(
            lambda: WebhookDelivery.objects.filter(pk=row.pk, status=OutboxStatus.SENT).exists(),
            timeout=120,
            what="the delivery sent by the next worker",
        )
    finally:
        second.stop()
        receiver.state.release.set()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.response_code) == (OutboxStatus.SENT, 1, 204)
    delivered = receiver.received
    assert delivered, "the receiver got nothing"
    assert {m.headers["webhook-id"] for m in delivered} == {row.message_id}
    assert all(m.verified for m in delivered)
    assert WebhookDelivery.objects.count() == 1
