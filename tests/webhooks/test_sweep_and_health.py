"""What the periodic sweep adds: due-soon and overdue events once per supplement and deadline;
lost deliveries queued again; an endpoint failing for days disabled and its admins emailed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cases import services
from notifications.outbox import OutboxStatus
from notifications.webhooks import delivery as webhook_delivery
from notifications.webhooks.models import WebhookDelivery
from notifications.webhooks.sweep import derive_deadline_events, run_webhook_sweep
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db


def test_due_soon_then_overdue_each_once(world, receiver, open_supplement):
    register(
        receiver,
        actor=world.agency_admin,
        organization=world.agency,
        events=["supplement.due_soon", "supplement.overdue"],
    )
    deadline = open_supplement.deadline
    assert derive_deadline_events(today=deadline - dt.timedelta(days=10)) == 0
    assert derive_deadline_events(today=deadline - dt.timedelta(days=2)) == 1
    assert derive_deadline_events(today=deadline - dt.timedelta(days=1)) == 0
    assert derive_deadline_events(today=deadline + dt.timedelta(days=1)) == 1
    assert derive_deadline_events(today=deadline + dt.timedelta(days=2)) == 0
    assert list(
        WebhookDelivery.objects.order_by("pk").values_list("event_type", "resource_id")
    ) == [
        ("supplement.due_soon", open_supplement.pk),
        ("supplement.overdue", open_supplement.pk),
    ]
    # A moved deadline is a new deadline: due soon again.
    services.supplement_override_deadline(
        supplement=open_supplement,
        actor=world.agency_staff,
        deadline=deadline + dt.timedelta(days=5),
        reason="extension granted",
    )
    assert derive_deadline_events(today=deadline + dt.timedelta(days=3)) == 1


def test_a_sweep_requeues_a_delivery_whose_task_was_lost(
    world, receiver, open_supplement, settings, eager_celery
):
    register(
        receiver, actor=world.agency_admin, organization=world.agency, events=["supplement.updated"]
    )
    # Recorded, but its task never reached the broker (tests do not run on-commit callbacks).
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    settings.WEBHOOK_STRANDED_SECONDS = 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        result = run_webhook_sweep()
    assert result.requeued == 1
    row = WebhookDelivery.objects.get()
    assert row.status == OutboxStatus.SENT
    assert [m.json["type"] for m in receiver.received] == ["supplement.updated"]


def test_an_endpoint_failing_for_days_is_disabled_and_its_admins_told(
    world, receiver, open_supplement, settings
):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    endpoint = register(
        receiver, actor=world.agency_admin, organization=world.agency, events=["supplement.updated"]
    )
    receiver.state.fail_next = 100
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    row = WebhookDelivery.objects.get()
    webhook_delivery.deliver(row.pk)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    assert endpoint.is_active is True
    with time_machine.travel(timezone.now() + dt.timedelta(days=3, minutes=1)):
        webhook_delivery.deliver(row.pk)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "failing")
    [email] = mail.outbox
    assert email.to == [world.agency_admin.email]
    assert endpoint.url in email.subject
    assert "3" in email.body
    # Disabled: what is left is not sent.
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert webhook_delivery.deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.reason) == (OutboxStatus.SKIPPED, "disabled")


def test_a_sweep_capped_by_its_limit_reaches_the_rest_next_time(world, receiver, open_supplement):
    """The limit caps what one sweep records; supplements already announced do not use it up,
    so a later sweep reaches the ones left over (none starves behind the old ones)."""
    register(
        receiver,
        actor=world.agency_admin,
        organization=world.agency,
        events=["supplement.due_soon", "supplement.overdue"],
    )
    other = services.supplement_create(
        case=world.globex_case,
        actor=world.agency_staff,
        requesting_body=open_supplement.requesting_body,
        notice_date=open_supplement.notice_date,
        rule=open_supplement.rule,
    )
    today = open_supplement.deadline - dt.timedelta(days=1)
    assert derive_deadline_events(today=today, limit=1) == 1
    assert derive_deadline_events(today=today, limit=1) == 1
    assert derive_deadline_events(today=today, limit=1) == 0
    assert set(WebhookDelivery.objects.values_list("resource_id", flat=True)) == {
        open_supplement.pk,
        other.pk,
    }
