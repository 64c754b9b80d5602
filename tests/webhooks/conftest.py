"""Fixtures for the webhook tests: a live receiver, loopback allowed, quick retries."""

from __future__ import annotations

import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_RETRY_SCHEDULE = (1, 1, 1)
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    with Receiver() as live:
        yield live


def register(receiver, *, actor, organization, events):
    """An endpoint registered through the service, its secret handed to the receiver."""
    from notifications.webhooks import services

    endpoint = services.endpoint_create(
        actor=actor, organization=organization, url=receiver.url, events=events
    )
    receiver.state.secret = endpoint.secret
    return endpoint
