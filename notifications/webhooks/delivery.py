"""Sending webhook deliveries through the shared outbox (notifications.outbox): claimed with a
lease, signed in the Standard Webhooks format, retried with backoff over more than a day, the
outcome recorded on the row; an endpoint that keeps failing for days is disabled and its admins
are told by email.

The body is `{"type", "timestamp", "data"}` with `data` the resource as the API returns it to the
endpoint's organization: rendered by the function named in WEBHOOK_PAYLOAD_RENDERER (the API layer
supplies it, as this app sits below the API). It is rendered right after the change commits
(events.delivery_after_commit; else at the first attempt) and kept, so every retry and replay
signs the same body under the same `webhook-id`.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from accounts.models import Membership, Role, profile_for
from notifications import outbox
from notifications.channels import TRANSIENT, Outcome, TrackerEmail, describe
from notifications.webhooks import addresses, transport
from notifications.webhooks.models import DeliveryReason, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

WEBHOOK = "webhook"  # the outbox kind
# Standard Webhooks' suggested schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h:
# about 27 hours before giving up.
DEFAULT_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)


def _setting(name: str, default):
    return getattr(settings, name, default)


def schedule() -> tuple[int, ...]:
    return tuple(_setting("WEBHOOK_RETRY_SCHEDULE", DEFAULT_SCHEDULE))


def render(delivery: WebhookDelivery, reader) -> dict | None:
    renderer = import_string(_setting("WEBHOOK_PAYLOAD_RENDERER", "api.webhook_payloads.render"))
    return renderer(delivery.resource, delivery.resource_id, reader)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookChannel:
    """Posts one signed body; records the response code and time on the delivery row."""

    def send(self, *, delivery: WebhookDelivery) -> Outcome:
        now = timezone.now()
        answer = None
        try:
            target = addresses.resolve(delivery.endpoint.url)
            body = body_of(delivery)
            signature = Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, body)
            answer = transport.post(
                target,
                body=body,
                headers={
                    "webhook-id": delivery.message_id,
                    "webhook-timestamp": str(int(now.timestamp())),
                    "webhook-signature": signature,
                },
                timeout=float(_setting("WEBHOOK_TIMEOUT_SECONDS", 10)),
            )
        except addresses.UnsafeUrl as exc:
            return Outcome(ok=False, error=f"refused_address: {exc.message}", kind=TRANSIENT)
        except (OSError, http.client.HTTPException) as exc:  # down, or an answer not HTTP
            return Outcome(ok=False, error=describe(exc), kind=TRANSIENT)
        finally:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                last_attempt_at=now, response_code=answer.status if answer else None
            )
        if 200 <= answer.status < 300:
            return Outcome(ok=True, message_id=delivery.message_id)
        # Every other answer (a 3xx included: redirects are not followed) is tried again: the
        # receiver may be down or misconfigured for a while, and must not lose events.
        return Outcome(ok=False, error=f"HTTP {answer.status}: {answer.body[:500]}", kind=TRANSIENT)

    def close(self) -> None:
        pass


class WebhookKind(outbox.Kind):
    name = WEBHOOK
    model = WebhookDelivery
    temporary_reason = DeliveryReason.RETRYING
    permanent_reason = DeliveryReason.GAVE_UP

    @property
    def max_attempts(self) -> int:  # type: ignore[override]
        return len(schedule()) + 1

    def backoff(self, attempts: int) -> dt.timedelta:
        steps = schedule()
        return dt.timedelta(seconds=steps[min(attempts, len(steps)) - 1])

    def rows(self):
        return WebhookDelivery.objects.select_related("endpoint__created_by")

    def compose(self, rows: list, draft: outbox.Draft) -> None:
        delivery = rows[0]
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            draft.skip(rows, DeliveryReason.DISABLED)
            return
        if delivery.payload is None and not _freeze_row(delivery):
            # Gone, or no longer the organization's to see: nothing is said about it.
            draft.skip(rows, DeliveryReason.NO_ACCESS)
            return
        draft.send(rows, delivery=delivery)

    def channel(self) -> WebhookChannel:
        return WebhookChannel()

    def addressee(self, rows: list) -> str:
        return f"webhook {rows[0].pk} to endpoint {rows[0].endpoint_id}"


def _freeze_row(delivery: WebhookDelivery) -> bool:
    """Render the delivery's body once (only where none is stored yet); False when the
    endpoint's organization cannot see the resource (or it is gone)."""
    reader = delivery.endpoint.reader()
    data = render(delivery, reader) if reader is not None else None
    if data is None:
        return False
    payload = {
        "type": delivery.event_type,
        "timestamp": delivery.occurred_at.astimezone(dt.UTC).isoformat(),
        "data": data,
    }
    if WebhookDelivery.objects.filter(pk=delivery.pk, payload__isnull=True).update(payload=payload):
        delivery.payload = payload
    else:  # rendered meanwhile by someone else: theirs is the body
        delivery.payload = WebhookDelivery.objects.values_list("payload", flat=True).get(
            pk=delivery.pk
        )
    return True


def freeze(delivery_id: int) -> None:
    """Render the body of a recorded delivery now (right after the change commits)."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__created_by")
        .filter(pk=delivery_id, payload__isnull=True, endpoint__is_active=True)
        .first()
    )
    if delivery is not None:
        _freeze_row(delivery)


def deliver(delivery_id: int) -> dt.timedelta | None:
    """Send one delivery now (its task); answers the wait before the next try, else None."""
    wait = outbox.Sender(WebhookKind()).deliver(delivery_id)
    note_outcome(delivery_id)
    return wait


def requeue_stranded() -> list[int]:
    """Deliveries whose task was lost (a broker outage) or whose worker died mid-send."""
    late = dt.timedelta(seconds=_setting("WEBHOOK_STRANDED_SECONDS", 300))
    return outbox.Sender(WebhookKind()).stranded(late=late)


# --- Endpoint health ------------------------------------------------------------------------------
def note_outcome(delivery_id: int) -> None:
    """After an attempt: a success clears the endpoint's failing streak; a failure starts it,
    and one that has lasted WEBHOOK_DISABLE_AFTER_DAYS disables the endpoint."""
    row = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .values("status", "endpoint_id", "last_attempt_at", "response_code", "reason")
        .first()
    )
    if row is None or row["last_attempt_at"] is None:
        return
    endpoint_id = row["endpoint_id"]
    if row["status"] == outbox.OutboxStatus.SENT:
        WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=False).update(
            failing_since=None
        )
        return
    if row["status"] in (outbox.OutboxStatus.PENDING, outbox.OutboxStatus.FAILED):
        WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(
            failing_since=row["last_attempt_at"]
        )
        disable_if_failing(endpoint_id=endpoint_id)


def disable_if_failing(*, endpoint_id: int, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    days = _setting("WEBHOOK_DISABLE_AFTER_DAYS", 5)
    changed = WebhookEndpoint.objects.filter(
        pk=endpoint_id, is_active=True, failing_since__lt=now - dt.timedelta(days=days)
    ).update(is_active=False, disabled_reason="failing")
    if changed:
        endpoint = WebhookEndpoint.objects.select_related("organization").get(pk=endpoint_id)
        tell_admins_disabled(endpoint=endpoint, days=days)
    return bool(changed)


def tell_admins_disabled(*, endpoint: WebhookEndpoint, days: int) -> None:
    admins = Membership.objects.filter(
        organization=endpoint.organization,
        role__in=[Role.AGENCY_ADMIN, Role.EMPLOYER_ADMIN],
        user__is_active=True,
    ).select_related("user")
    for membership in admins:
        user = membership.user
        if not user.email:
            continue
        with translation.override(_language_of(user)):
            TrackerEmail(
                subject=_("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url},
                body=_(
                    "Deliveries to %(url)s have failed for %(days)s days, so the endpoint was "
                    "disabled. Fix the receiver, enable it again on the Integrations page, and replay "
                    "the deliveries it missed from its delivery log."
                )
                % {"url": endpoint.url, "days": days},
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
            ).send(fail_silently=True)


def _language_of(user: Any) -> str:
    return profile_for(user).language or settings.LANGUAGE_CODE
