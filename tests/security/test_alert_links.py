"""Alert links (issue 12, item 3): signed with a key nobody knows, acting only for the person they
were sent to and only once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing

from notifications.links import SALT, make_token
from notifications.models import AlertResponse
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db

TODAY = taipei(2026, 12, 1, 8, 30)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def supplement(world):
    return supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )


def path_for(user, supplement) -> str:
    token = make_token(user_id=user.pk, subject_kind="supplement", subject_id=supplement.pk)
    return f"/alerts/respond/{token}/"


def test_a_link_acts_once(client, world, supplement):
    path = path_for(world.agency_staff, supplement)

    assert client.post(path, {"action": "snooze", "days": "7"}).status_code == 200
    again = client.post(path, {"action": "acknowledge"})
    opened = client.get(path)

    assert again.status_code == 410
    assert "already used" in again.text
    assert opened.status_code == 410
    answer = AlertResponse.objects.get()
    assert answer.snoozed_until == dt.date(2026, 12, 8)
    assert answer.acknowledged_at is None  # the second press did nothing


def test_a_refused_answer_leaves_the_link_usable(client, world):
    close = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 2))
    path = path_for(world.agency_staff, close)

    refused = client.post(path, {"action": "snooze", "days": "3"})
    assert refused.status_code == 200
    assert not AlertResponse.objects.exists()

    assert client.post(path, {"action": "acknowledge"}).status_code == 200
    assert AlertResponse.objects.get().acknowledged_at is not None


def test_someone_else_logged_in_is_refused_with_a_clear_page(client, world, supplement):
    path = path_for(world.agency_staff, supplement)
    client.force_login(world.agency_admin)

    page = client.get(path)
    pressed = client.post(path, {"action": "acknowledge"})

    assert page.status_code == 403
    assert pressed.status_code == 403
    assert "This link was sent to someone else" in pressed.text
    assert world.agency_admin.username in pressed.text
    assert not AlertResponse.objects.exists()
    # The person it was sent to may use it, logged in or not.
    client.force_login(world.agency_staff)
    assert client.post(path, {"action": "acknowledge"}).status_code == 200


@pytest.mark.parametrize("payload", ["old", "new"])
def test_a_link_signed_with_the_old_embedded_default_key_is_refused(
    client, world, supplement, payload
):
    value = [world.agency_staff.pk, "supplement", supplement.pk]
    if payload == "new":
        value.append("a-nonce")
    forged = signing.dumps(value, key="django-insecure-embedded-default-change-me", salt=SALT)

    response = client.post(f"/alerts/respond/{forged}/", {"action": "acknowledge"})

    assert response.status_code == 404
    assert not AlertResponse.objects.exists()


def test_a_link_without_a_nonce_is_refused(client, world, supplement, settings):
    old_style = signing.dumps(
        [world.agency_staff.pk, "supplement", supplement.pk], key=settings.SECRET_KEY, salt=SALT
    )
    assert client.get(f"/alerts/respond/{old_style}/").status_code == 404
