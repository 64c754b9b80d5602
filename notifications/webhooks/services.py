"""Writes on webhook endpoints (an organization admin's): register, change, disable, enable,
delete, rotate the secret; replay a delivery. Reads for the pages and the API are here too
(`endpoints_for_user`, `access_endpoint`): one place decides whose endpoints a person manages."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import standing
from accounts.models import Organization
from accounts.standing import scope_for
from cases import queue
from cases.errors import DomainError, InvalidInput
from notifications.outbox import OutboxStatus
from notifications.webhooks import addresses
from notifications.webhooks.events import SEND_WEBHOOK
from notifications.webhooks.models import (
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    new_secret,
)

MAX_ENDPOINTS_PER_ORGANIZATION = 20


class NotAnAdmin(DomainError):
    code = "permission_denied"
    status = 403
    default_message = gettext_lazy("Only the organization's admins manage its webhooks.")


class EndpointDisabled(DomainError):
    code = "endpoint_disabled"
    status = 409
    default_message = gettext_lazy("Enable the endpoint before replaying its deliveries.")


class TooManyEndpoints(DomainError):
    code = "too_many_endpoints"
    status = 409
    default_message = gettext_lazy("This organization has as many webhook endpoints as allowed.")


# --- Whose endpoints ------------------------------------------------------------------------------
def administered_organizations(*, user) -> QuerySet[Organization]:
    """The organizations whose webhooks this person manages: those they administer (an operator
    manages none here: webhooks are the tenant's own integration)."""
    return standing.administered_organizations(user)


def endpoints_for_user(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        organization_id__in=scope_for(user).admin_org_ids
    ).select_related("organization")


def access_endpoint(*, user, endpoint_id: int | str) -> WebhookEndpoint:
    """An endpoint of an organization the person administers; anything else is 404 alike."""
    try:
        return endpoints_for_user(user=user).get(pk=endpoint_id)
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such webhook endpoint.")) from exc


def deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return endpoint.deliveries.order_by("-occurred_at", "-id")


def access_delivery(*, endpoint: WebhookEndpoint, delivery_id: int | str) -> WebhookDelivery:
    try:
        return endpoint.deliveries.get(pk=delivery_id)
    except (WebhookDelivery.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such delivery.")) from exc


# --- Checks ---------------------------------------------------------------------------------------
def clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in EventType.values]
    if not chosen:
        raise InvalidInput(_("Choose at least one event."), field="events")
    if unknown:
        raise InvalidInput(_("Unknown event: %(event)s.") % {"event": unknown[0]}, field="events")
    return chosen


def check_url(url: str) -> str:
    """A URL a webhook may be registered with: https, a public address (checked now and again
    at every delivery)."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput(_("Enter the URL to send the events to."), field="url")
    if len(url) > 500:
        raise InvalidInput(_("The URL is too long (500 characters at most)."), field="url")
    addresses.resolve(url)
    return url


# --- Writes ---------------------------------------------------------------------------------------
@transaction.atomic
def endpoint_create(
    *, actor, organization: Organization, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint; its secret is on the returned object, to be shown once."""
    if organization.pk not in scope_for(actor).admin_org_ids:
        raise NotAnAdmin()
    url = check_url(url)
    chosen = clean_events(events)
    if organization.webhook_endpoints.count() >= MAX_ENDPOINTS_PER_ORGANIZATION:
        raise TooManyEndpoints()
    endpoint = WebhookEndpoint(
        organization=organization,
        url=url,
        events=chosen,
        description=description.strip()[:200],
        created_by=actor,
    )
    endpoint._history_user = actor  # type: ignore[attr-defined]
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    actor,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        endpoint.url = check_url(url)
    if events is not None:
        endpoint.events = clean_events(events)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        endpoint.disabled_reason = "" if is_active else "by_admin"
        if is_active:
            endpoint.failing_since = None
    endpoint._history_user = actor  # type: ignore[attr-defined]
    endpoint.save()
    return endpoint


def endpoint_disable(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return endpoint_update(actor=actor, endpoint=endpoint, is_active=False)


def endpoint_enable(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return endpoint_update(actor=actor, endpoint=endpoint, is_active=True)


@transaction.atomic
def endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret at once (shown once); the old one stops signing."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint._history_user = actor  # type: ignore[attr-defined]
    endpoint.save()
    return endpoint


def endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    endpoint._history_user = actor  # type: ignore[attr-defined]
    endpoint.delete()


@transaction.atomic
def delivery_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again as a new log row with the same `webhook-id` and body, so a receiver
    that already has it can tell it is the same event. A disabled endpoint sends nothing, so
    a replay there would be skipped at once: refused instead."""
    if not WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise EndpointDisabled()
    replay = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event_type=delivery.event_type,
        resource=delivery.resource,
        resource_id=delivery.resource_id,
        occurred_at=delivery.occurred_at,
        payload=delivery.payload,
        message_id=delivery.message_id,
        status=OutboxStatus.PENDING,
        replay_of=delivery,
    )
    queue.send_after_commit(SEND_WEBHOOK, replay.pk)
    return replay
