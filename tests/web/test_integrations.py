"""The Integrations page: an organization admin registers an endpoint (the secret shown once),
disables and enables it, rotates the secret, replays a delivery, manages the team calendar link;
each answer appears beside what was clicked; others cannot."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import services
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import register
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with Receiver() as live:
        yield live


def feedback_of(response, part: str) -> str:
    match = re.search(rf'data-feedback="{part}">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(client, world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    client.force_login(world.agency_admin)
    page = client.get(reverse("web:integrations"))
    assert page.status_code == 200
    assert reverse("web:integrations") in page.content.decode()  # in the navigation
    created = client.post(
        reverse("web:integrations"),
        {"url": "http://127.0.0.1:9/hooks", "events": ["supplement.created", "case.created"]},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.created_by == world.agency_admin
    assert endpoint.events == ["supplement.created", "case.created"]
    assert endpoint.secret in created.content.decode()
    assert "Endpoint registered" in feedback_of(created, "endpoint")
    # Shown once: the next visit does not carry it.
    again = client.get(reverse("web:webhook", args=[endpoint.pk]))
    assert endpoint.secret not in again.content.decode()


def test_a_refused_url_is_shown_beside_the_form_and_kept(client, world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    client.force_login(world.agency_admin)
    response = client.post(
        reverse("web:integrations"),
        {"url": "https://10.1.2.3/hooks", "events": ["case.created"]},
        follow=True,
    )
    assert response.status_code == 400
    assert "private network" in feedback_of(response, "new-endpoint")
    assert 'value="https://10.1.2.3/hooks"' in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_disable_rotate_and_replay_from_the_page(client, world, receiver, open_supplement):
    endpoint = register(
        receiver, actor=world.agency_admin, organization=world.agency, events=["supplement.updated"]
    )
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    delivery = WebhookDelivery.objects.get()
    client.force_login(world.agency_admin)

    disabled = client.post(
        reverse("web:webhook_state", args=[endpoint.pk]), {"action": "disable"}, follow=True
    )
    assert "Disabled" in feedback_of(disabled, "endpoint")
    endpoint.refresh_from_db()
    assert endpoint.is_active is False

    old = endpoint.secret
    rotated = client.post(reverse("web:webhook_rotate", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in rotated.content.decode()

    # Disabled, it would send nothing: the replay is refused beside its button.
    refused = client.post(
        reverse("web:webhook_replay", args=[endpoint.pk, delivery.pk]), follow=True
    )
    assert "Enable the endpoint" in feedback_of(refused, f"delivery-{delivery.pk}")
    assert WebhookDelivery.objects.filter(replay_of=delivery).count() == 0

    client.post(reverse("web:webhook_state", args=[endpoint.pk]), {"action": "enable"})
    replayed = client.post(
        reverse("web:webhook_replay", args=[endpoint.pk, delivery.pk]), follow=True
    )
    assert "same webhook-id" in feedback_of(replayed, f"delivery-{delivery.pk}")
    assert WebhookDelivery.objects.filter(replay_of=delivery).count() == 1


def test_team_calendar_link_from_the_page(client, world):
    client.force_login(world.agency_admin)
    made = client.post(
        reverse("web:team_calendar_link", args=[world.agency.pk]), {"action": "rotate"}, follow=True
    )
    assert "New team calendar link" in feedback_of(made, f"team-{world.agency.pk}")
    feed = world.agency.team_calendar_feed
    assert f"/team-calendar/{feed.token}.ics" in made.content.decode()


def test_staff_and_other_organizations_cannot(client, world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    from notifications.webhooks import services as webhooks

    endpoint = webhooks.endpoint_create(
        actor=world.agency_admin,
        organization=world.agency,
        url="http://127.0.0.1:9/x",
        events=["case.created"],
    )
    client.force_login(world.agency_staff)
    assert client.get(reverse("web:integrations")).status_code == 403
    assert reverse("web:integrations") not in client.get(reverse("web:dashboard")).content.decode()
    client.force_login(world.hr_acme)
    assert client.get(reverse("web:webhook", args=[endpoint.pk])).status_code == 403
    response = client.post(reverse("web:webhook_delete", args=[endpoint.pk]))
    assert response.status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
