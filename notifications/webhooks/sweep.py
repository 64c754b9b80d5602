"""The periodic part of webhooks: `supplement.due_soon` and `supplement.overdue` are derived from
the state of the supplements (no change happens at midnight to hang them on), once per endpoint,
supplement and deadline; deliveries whose task was lost are queued again; endpoints failing for
days are disabled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import queue
from cases.clock import taipei_today
from cases.models import SupplementRequest
from notifications.webhooks import delivery
from notifications.webhooks.events import SEND_WEBHOOK, hears_of_case
from notifications.webhooks.models import (
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    new_message_id,
)


@dataclass
class SweepResult:
    recorded: int = 0
    requeued: int = 0
    disabled: int = 0


def due_soon_days() -> int:
    return int(getattr(settings, "WEBHOOK_DUE_SOON_DAYS", 3))


def _key(event_type: str, supplement_id: int, deadline: dt.date) -> str:
    return f"{event_type}:{supplement_id}:{deadline.isoformat()}"


def derive_deadline_events(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """Record due-soon and overdue events not recorded yet; returns how many deliveries."""
    today = today or taipei_today()
    recorded = 0
    endpoints = WebhookEndpoint.objects.filter(is_active=True).select_related(
        "created_by", "organization"
    )
    for endpoint in endpoints:
        wanted = {EventType.SUPPLEMENT_DUE_SOON, EventType.SUPPLEMENT_OVERDUE} & set(
            endpoint.events
        )
        reader = endpoint.reader() if wanted else None
        if reader is None:
            continue
        open_supplements = SupplementRequest.objects.open().filter(
            case__in=hears_of_case(endpoint, reader).values("pk"),
            deadline__lte=today + dt.timedelta(days=due_soon_days()),
        )
        seen = set(
            endpoint.deliveries.filter(event_type__in=list(wanted), event_key__gt="").values_list(
                "event_key", flat=True
            )
        )
        recorded_here = 0
        # The limit counts what is recorded, not what is read: the supplements already announced
        # must not use it up, or those beyond it would never be reached.
        for supplement_id, deadline in open_supplements.values_list("pk", "deadline"):
            if recorded_here >= limit:
                break
            kind = (
                EventType.SUPPLEMENT_OVERDUE if deadline < today else EventType.SUPPLEMENT_DUE_SOON
            )
            key = _key(kind, supplement_id, deadline)
            if kind not in wanted or key in seen:
                continue
            try:
                with transaction.atomic():
                    row = WebhookDelivery.objects.create(
                        endpoint=endpoint,
                        event_type=kind,
                        resource="supplement",
                        resource_id=supplement_id,
                        occurred_at=timezone.now(),
                        event_key=key,
                        message_id=new_message_id(),
                    )
                    queue.send_after_commit(SEND_WEBHOOK, row.pk)
            except IntegrityError:  # a concurrent sweep recorded it first
                continue
            recorded += 1
            recorded_here += 1
    return recorded


def run_webhook_sweep() -> SweepResult:
    result = SweepResult()
    result.recorded = derive_deadline_events()
    for pk in delivery.requeue_stranded():
        queue.send(SEND_WEBHOOK, pk)
        result.requeued += 1
    for endpoint_id in WebhookEndpoint.objects.filter(
        is_active=True, failing_since__isnull=False
    ).values_list("pk", flat=True):
        result.disabled += delivery.disable_if_failing(endpoint_id=endpoint_id)
    return result
