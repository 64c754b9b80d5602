"""A real Celery worker with embedded beat on Redis receives the scheduled sweep and sends the
alerts through Django's email backend, once, however many sweeps follow (CI runs this with
REQUIRE_REAL_SERVICES=1; elsewhere it skips without PostgreSQL or Redis)."""

from __future__ import annotations

import datetime as dt
import email

import pytest
from django.utils import timezone

from notifications.models import Alert, AlertStatus
from tests.notifications.conftest import supplement_due
from tests.notifications.worker import Worker, read_emails

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.celery_worker,
]


def test_a_real_worker_sends_the_scheduled_alerts_once(postgres_only, redis_url, world, tmp_path):
    today = timezone.localdate()
    tomorrow = supplement_due(
        world.acme_case,
        world.agency_staff,
        today + dt.timedelta(days=1),
        assignee=world.agency_staff,
    )
    overdue = supplement_due(
        world.globex_case,
        world.agency_staff,
        today - dt.timedelta(days=2),
        assignee=world.agency_staff,
    )
    worker = Worker(data_dir=tmp_path / "data", broker_url=redis_url, schedule="1").start()
    try:
        # Urgent alerts go at once: the assignee (one email, both items), the agency admin
        # (escalation, one email), Acme's HR and Globex's HR (one email each).
        worker.wait_for(
            lambda: Alert.objects.filter(status=AlertStatus.SENT).count() == 6,
            timeout=120,
            what="six alerts sent",
        )
        sweeps = worker.sweeps_done()
        worker.wait_for(
            lambda: worker.sweeps_done() >= sweeps + 3, timeout=60, what="three more sweeps"
        )
    finally:
        worker.stop()
    messages = [
        email.message_from_bytes(raw) for raw in read_emails(tmp_path / "data" / "sent-email")
    ]
    assert sorted(m["To"] for m in messages) == sorted(
        [
            world.agency_staff.email,
            world.agency_admin.email,
            world.hr_acme.email,
            world.hr_globex.email,
        ]
    )
    staff = next(m for m in messages if m["To"] == world.agency_staff.email)
    assert staff["Subject"] == "[Gold Card] 2 deadlines need attention (1 overdue)"
    text = next(part for part in staff.walk() if part.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    assert body.index(f"/supplements/{overdue.pk}/") < body.index(f"/supplements/{tomorrow.pk}/")
    assert Alert.objects.exclude(status=AlertStatus.SENT).count() == 0
