"""Which webhook events a change makes, derived from the change history (django-simple-history)
inside the transaction that makes the change, and recorded there as deliveries (the outbox).

Why history signals: every state change already writes a history row (the project's record of who
and when), so deriving events from it covers the API, the pages, the commands and the admin alike
without `cases` knowing webhooks exist (it never imports upward). The receiver only records rows;
sending happens in Celery after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from cases import queue
from cases.choices import AttachmentKind, SupplementOutcome, SupplementState
from cases.documents.models import PackedFile
from cases.models import Case, Document, SupplementAttachment, SupplementRequest
from cases.tenancy import visible_cases
from notifications.webhooks.delivery import freeze
from notifications.webhooks.models import (
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    new_message_id,
)

SEND_WEBHOOK = "notifications.send_webhook"  # its task (notifications.webhooks.tasks), by name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    type: str
    resource: str  # what `data` renders: supplement, case, document, upload_set, notice
    resource_id: int
    case_id: int


# --- Deriving events from history rows ------------------------------------------------------------
def _changed(history, prev, *fields: str) -> bool:
    return prev is not None and any(getattr(history, f) != getattr(prev, f) for f in fields)


def _supplement_events(history, prev) -> list[Event]:
    def event(kind: str) -> Event:
        return Event(kind, "supplement", history.id, history.case_id)

    if history.history_type == "+":
        return [event(EventType.SUPPLEMENT_CREATED)]
    if history.history_type != "~" or prev is None:
        return []
    events = []
    if _changed(history, prev, "deadline", "deadline_override", "assignee_id"):
        events.append(event(EventType.SUPPLEMENT_UPDATED))
    if history.state == SupplementState.SUBMITTED and prev.state != SupplementState.SUBMITTED:
        events.append(event(EventType.SUPPLEMENT_SUBMITTED))
    if history.outcome != SupplementOutcome.PENDING and _changed(history, prev, "outcome"):
        events.append(event(EventType.SUPPLEMENT_OUTCOME))
    return events


def _case_events(history, prev) -> list[Event]:
    if history.history_type == "+":
        return [Event(EventType.CASE_CREATED, "case", history.id, history.id)]
    if history.history_type == "~" and _changed(history, prev, "status"):
        return [Event(EventType.CASE_STATUS_CHANGED, "case", history.id, history.id)]
    return []


def _case_of(supplement_id: int) -> int | None:
    return (
        SupplementRequest.objects.filter(pk=supplement_id).values_list("case_id", flat=True).first()
    )


def _document_events(history, prev) -> list[Event]:
    if history.history_type == "+":
        made = EventType.DOCUMENT_UPLOADED
    elif history.history_type == "~" and _changed(history, prev, "review_state"):
        made = EventType.DOCUMENT_REVIEWED
    else:
        return []  # asked nothing for a change that makes no event
    case_id = _case_of(history.supplement_id)
    return [] if case_id is None else [Event(made, "document", history.id, case_id)]


def _notice_events(history, prev) -> list[Event]:
    if history.history_type != "+" or history.kind != AttachmentKind.NOTICE:
        return []
    case_id = _case_of(history.supplement_id)
    return (
        [] if case_id is None else [Event(EventType.NOTICE_RECEIVED, "notice", history.id, case_id)]
    )


DERIVERS = {
    SupplementRequest: (_supplement_events, True),
    Case: (_case_events, True),
    Document: (_document_events, True),
    SupplementAttachment: (_notice_events, False),
}


def on_history(sender, instance, history_instance, **kwargs) -> None:
    """simple-history's post_create_historical_record: derive the events of this change."""
    entry = DERIVERS.get(type(instance))
    if entry is None or not WebhookEndpoint.objects.filter(is_active=True).exists():
        return
    derive, needs_prev = entry
    prev = None
    if needs_prev and history_instance.history_type == "~":
        prev = history_instance.prev_record
    for event in derive(history_instance, prev):
        record(event, occurred_at=history_instance.history_date)


def on_packed_file(sender, instance: PackedFile, created: bool, **kwargs) -> None:
    """post_save of a packed file: the first file of a finished packing is the upload set's."""
    if not created or instance.position != 1:
        return
    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return
    supplement = instance.job.supplement
    record(Event(EventType.UPLOAD_SET_PACKED, "upload_set", supplement.pk, supplement.case_id))


def connect() -> None:
    """Called by NotificationsConfig.ready()."""
    post_create_historical_record.connect(on_history, dispatch_uid="webhooks-history")
    post_save.connect(on_packed_file, sender=PackedFile, dispatch_uid="webhooks-packed")


# --- Recording ------------------------------------------------------------------------------------
def endpoints_for(event: Event) -> list[WebhookEndpoint]:
    """The active endpoints subscribed to the event whose organization can see the case: the
    tenancy rule (cases.tenancy.visible_cases), as the endpoint's registering admin sees it."""
    organizations = Case.objects.filter(pk=event.case_id).values_list("agency_id", "employer_id")
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            is_active=True, organization_id__in=[pk for pair in organizations for pk in pair if pk]
        ).select_related("created_by", "organization")
        if event.type in endpoint.events
    ]
    hearing = []
    for endpoint in endpoints:
        reader = endpoint.reader()
        if reader is not None and hears_of_case(endpoint, reader).filter(pk=event.case_id).exists():
            hearing.append(endpoint)
    return hearing


def hears_of_case(endpoint: WebhookEndpoint, reader):
    """The cases an endpoint hears of: those its reader (`WebhookEndpoint.reader`, its admin
    narrowed to its organization) sees."""
    return visible_cases(reader)


def record(event: Event, *, occurred_at: dt.datetime | None = None) -> list[WebhookDelivery]:
    """Record one delivery per endpoint that hears of the event, in the current transaction, and
    queue their sending after commit. (The sweep records its own keyed events: sweep.py.)"""
    occurred_at = occurred_at or timezone.now()
    made = []
    for endpoint in endpoints_for(event):
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, **_fields(event, occurred_at))
        made.append(delivery)
        _after_commit(delivery.pk)
    return made


def _after_commit(delivery_id: int) -> None:
    def render_and_queue() -> None:  # named: Django logs a failed robust hook by __qualname__
        delivery_after_commit(delivery_id)

    transaction.on_commit(render_and_queue, robust=True)


def delivery_after_commit(delivery_id: int) -> None:
    """Once the change is committed: render the body as the data now stands (what the change
    made, before anything later changes it again), then queue the sending. A failure here only
    delays the body to the first attempt; a broker outage is caught up by the sweep."""
    try:
        freeze(delivery_id)
    except Exception:  # never fail the request that made the change
        logger.exception("rendering webhook delivery %s failed", delivery_id)
    queue.send(SEND_WEBHOOK, delivery_id)


def _fields(event: Event, occurred_at: dt.datetime) -> dict:
    return {
        "event_type": event.type,
        "resource": event.resource,
        "resource_id": event.resource_id,
        "occurred_at": occurred_at,
        "message_id": new_message_id(),
        "send_after": timezone.now(),
    }
