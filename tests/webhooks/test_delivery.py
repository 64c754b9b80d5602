"""The integrator's journey: register an endpoint, create a supplement, receive a signed
`supplement.created` that `standardwebhooks` verifies, with the supplement as the API returns it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.outbox import OutboxStatus
from notifications.webhooks import delivery as webhook_delivery
from notifications.webhooks.models import WebhookDelivery
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_integrator_receives_a_signed_supplement_created(
    world, receiver, eager_celery, django_capture_on_commit_callbacks
):
    admin = api(world.agency_admin)
    created = admin.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "events": ["supplement.created", "case.status_changed"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    receiver.state.secret = secret
    # The secret is shown once: never in the list or the detail.
    listed = admin.get("/api/v1/webhooks/").json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert "secret" not in listed[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.agency_staff).post(
            "/api/v1/supplements/",
            {
                "case": world.acme_case.pk,
                "requesting_body": "nia_initial",
                "notice_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
                "rule": "30d",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    supplement_id = response.json()["id"]

    by_type = {message.json["type"]: message for message in receiver.received}
    # Recording the notice moves the case to "supplement requested" (case follows supplements).
    assert sorted(by_type) == ["case.status_changed", "supplement.created"]
    assert by_type["case.status_changed"].json["data"]["id"] == world.acme_case.pk
    message = by_type["supplement.created"]
    assert message.verified is True
    assert message.headers["webhook-signature"].startswith("v1,")
    body = message.json
    assert body["type"] == "supplement.created"
    assert set(body) == {"type", "timestamp", "data"}
    # The resource as the API returns it to the organization.
    shown = admin.get(f"/api/v1/supplements/{supplement_id}/").json()
    assert body["data"] == shown
    row = WebhookDelivery.objects.get(event_type="supplement.created")
    assert row.message_id == message.headers["webhook-id"]
    assert (row.status, row.response_code, row.attempts) == (OutboxStatus.SENT, 204, 1)


def test_an_answer_that_is_not_http_is_tried_again(world, receiver, open_supplement):
    # Something else listening on the port (a bad status line): not a crash, a retry.
    endpoint = register(
        receiver, actor=world.agency_admin, organization=world.agency, events=["supplement.updated"]
    )
    from cases import services

    services.supplement_assign(
        supplement=open_supplement, assignee=world.agency_staff, actor=world.agency_staff
    )
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    receiver.state.garble_next = 1
    assert webhook_delivery.deliver(row.pk) == dt.timedelta(seconds=1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.reason) == (OutboxStatus.PENDING, 1, "retrying")
    assert row.error.startswith("BadStatusLine")
    assert webhook_delivery.deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.response_code) == (OutboxStatus.SENT, 204)


def test_a_receiver_that_was_down_gets_every_event_with_the_same_id(
    world, receiver, open_supplement, settings
):
    endpoint = register(
        receiver,
        actor=world.agency_admin,
        organization=world.agency,
        events=["case.status_changed", "supplement.updated"],
    )
    from cases import services

    services.supplement_assign(
        supplement=open_supplement, assignee=world.agency_staff, actor=world.agency_staff
    )
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    assert row.event_type == "supplement.updated"
    receiver.state.fail_next = 2

    # Down: two refusals, each recorded with its code and a later try.
    assert webhook_delivery.deliver(row.pk) == dt.timedelta(seconds=1)
    row.refresh_from_db()
    assert (row.status, row.response_code, row.attempts, row.reason) == (
        OutboxStatus.PENDING,
        503,
        1,
        "retrying",
    )
    assert webhook_delivery.deliver(row.pk) == dt.timedelta(seconds=1)
    # Recovered: delivered, the same webhook-id and body as every earlier attempt.
    assert webhook_delivery.deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.response_code, row.attempts) == (OutboxStatus.SENT, 204, 3)
    [message] = receiver.received
    assert message.verified is True
    assert message.headers["webhook-id"] == row.message_id
    assert message.json["data"]["assignee"]["id"] == world.agency_staff.pk
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_every_event_made_while_the_receiver_was_down_arrives_afterwards(
    world, receiver, open_supplement, django_capture_on_commit_callbacks
):
    register(
        receiver,
        actor=world.agency_admin,
        organization=world.agency,
        events=["supplement.updated"],
    )
    from cases import services

    receiver.state.fail_next = 1000  # down
    for person in (world.agency_staff, world.agency_admin, None):
        with django_capture_on_commit_callbacks() as after_commit:
            services.supplement_assign(
                supplement=open_supplement, actor=world.agency_staff, assignee=person
            )
        # After commit: the body is rendered, then the task makes its first attempt (run here
        # in place of the broker), which the receiver refuses.
        [callback] = after_commit
        row = WebhookDelivery.objects.latest("pk")
        assert callback.__name__ == "render_and_queue"
        webhook_delivery.freeze(row.pk)
        assert webhook_delivery.deliver(row.pk) is not None
    rows = list(WebhookDelivery.objects.order_by("pk"))
    assert [(row.status, row.attempts, row.response_code) for row in rows] == [
        (OutboxStatus.PENDING, 1, 503)
    ] * 3
    assert receiver.received == []

    receiver.state.fail_next = 0  # back up: the retries deliver each event, none lost
    for row in rows:
        assert webhook_delivery.deliver(row.pk) is None
    assert [m.headers["webhook-id"] for m in receiver.received] == [r.message_id for r in rows]
    assert all(m.verified for m in receiver.received)
    # Each body was rendered right after its change committed: the supplement as that change
    # left it, the same body on every retry.
    assignees = [m.json["data"]["assignee"] for m in receiver.received]
    assert [a and a["id"] for a in assignees] == [
        world.agency_staff.pk,
        world.agency_admin.pk,
        None,
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
