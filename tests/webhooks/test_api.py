"""/api/v1/webhooks/: change, disable and enable, rotate the secret (shown once), delete, the
delivery log and replay with the same webhook-id; bad input is a 400 naming the field."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases import services
from notifications.outbox import OutboxStatus
from notifications.webhooks import delivery as webhook_delivery
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world, receiver) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.agency_admin)
    return client


def create(admin, receiver, events=("supplement.updated",)) -> dict:
    response = admin.post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": list(events)}, format="json"
    )
    assert response.status_code == 201, response.json()
    receiver.state.secret = response.json()["secret"]
    return response.json()


def test_bad_input_names_the_field_and_stores_nothing(admin, receiver):
    unknown = admin.post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["case.exploded"]}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"].startswith("events")
    empty = admin.post("/api/v1/webhooks/", {"url": receiver.url, "events": []}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "events"
    no_url = admin.post("/api/v1/webhooks/", {"events": ["case.created"]}, format="json")
    assert no_url.status_code == 400
    assert no_url.json()["errors"][0]["field"] == "url"
    assert WebhookEndpoint.objects.count() == 0


def test_update_disable_enable_rotate_delete(admin, receiver, world):
    endpoint = create(admin, receiver)
    url = f"/api/v1/webhooks/{endpoint['id']}/"
    changed = admin.patch(url, {"events": ["case.created", "case.status_changed"]}, format="json")
    assert changed.status_code == 200
    assert changed.json()["events"] == ["case.created", "case.status_changed"]

    assert admin.post(url + "disable/").json()["is_active"] is False
    assert admin.post(url + "enable/").json()["is_active"] is True

    old_secret = WebhookEndpoint.objects.get().secret
    rotated = admin.post(url + "rotate-secret/")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != old_secret
    assert "secret" not in admin.get(url).json()
    # Who changed what, when: the endpoint's history (the secret itself is not kept there).
    endpoint_row = WebhookEndpoint.objects.get()
    assert endpoint_row.history.count() == 5
    assert set(endpoint_row.history.values_list("history_user", flat=True)) == {
        world.agency_admin.pk
    }

    assert admin.delete(url).status_code == 204
    assert admin.get(url).status_code == 404


def test_delivery_log_and_replay_keep_the_webhook_id(admin, receiver, world, open_supplement):
    endpoint = create(admin, receiver)
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    first = WebhookDelivery.objects.get()
    webhook_delivery.deliver(first.pk)

    log = admin.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/").json()
    assert log["count"] == 1
    [row] = log["results"]
    assert (row["event_type"], row["status"], row["response_code"], row["attempts"]) == (
        "supplement.updated",
        "sent",
        204,
        1,
    )
    assert row["webhook_id"] == first.message_id

    replayed = admin.post(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{first.pk}/replay/")
    assert replayed.status_code == 202
    replay = WebhookDelivery.objects.get(pk=replayed.json()["id"])
    assert (replay.message_id, replay.status, replay.replay_of_id) == (
        first.message_id,
        OutboxStatus.PENDING,
        first.pk,
    )
    webhook_delivery.deliver(replay.pk)
    first_copy, second_copy = receiver.received
    assert first_copy.headers["webhook-id"] == second_copy.headers["webhook-id"]
    assert first_copy.json == second_copy.json
    assert second_copy.verified is True
    # Another organization's delivery ids are not found under this endpoint.
    assert (
        admin.post(f"/api/v1/webhooks/{endpoint['id']}/deliveries/999999/replay/").status_code
        == 404
    )
    # A disabled endpoint sends nothing: a replay there is refused, not silently skipped.
    admin.post(f"/api/v1/webhooks/{endpoint['id']}/disable/")
    refused = admin.post(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{first.pk}/replay/")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "endpoint_disabled"
    assert WebhookDelivery.objects.filter(replay_of=first).count() == 1
