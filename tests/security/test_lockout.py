"""Lockout like the platform's (issue 12, item 2): five failures lock the login whatever the
addresses, on the pages and the API alike; one address cannot lock out everyone, and trying login
after login from one address is slowed per address."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def _page_login(client, user, password, address):
    return client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
    )


def _token(user, password, address):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_five_failures_from_five_addresses_lock_the_login_page(client, world):
    user = world.agency_staff
    for n in range(4):
        assert _page_login(client, user, "wrong", f"203.0.113.{n + 1}").status_code == 200

    fifth = _page_login(client, user, "wrong", "198.51.100.1")
    right = _page_login(client, user, PASSWORD, "192.0.2.77")

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert "Account locked for now" in right.text
    assert "_auth_user_id" not in client.session


def test_five_failures_from_five_addresses_lock_the_token_endpoint(world):
    user = world.agency_staff
    for n in range(4):
        assert _token(user, "wrong", f"203.0.113.{n + 1}").status_code == 401

    assert _token(user, "wrong", "198.51.100.1").status_code == 429
    right = _token(user, PASSWORD, "192.0.2.77")

    assert right.status_code == 429
    assert right.json()["errors"][0]["code"] == "account_locked"


def test_failures_on_the_page_and_the_api_add_up(client, world):
    user = world.agency_staff
    for n in range(3):
        _page_login(client, user, "wrong", f"203.0.113.{n + 1}")
    for n in range(2):
        _token(user, "wrong", f"198.51.100.{n + 1}")

    assert _token(user, PASSWORD, "192.0.2.1").status_code == 429
    assert _page_login(client, user, PASSWORD, "192.0.2.2").status_code == 429


def test_one_address_locking_a_login_does_not_lock_the_others(client, world, settings):
    # Behind the compose proxy every request may come from the proxy's address.
    settings.TRUSTED_PROXIES = []
    proxy = "172.18.0.5"
    for _attempt in range(5):
        _page_login(client, world.agency_staff, "wrong", proxy)
    assert _page_login(client, world.agency_staff, PASSWORD, proxy).status_code == 429

    other = _page_login(client, world.agency_admin, PASSWORD, proxy)

    assert other.status_code == 302
    assert _token(world.hr_acme, PASSWORD, proxy).status_code == 200


def test_login_attempts_are_limited_per_address(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/minute",
        },
    }
    users = [world.agency_admin, world.hr_acme, world.hr_globex]
    for user in users:
        assert _page_login(client, user, "wrong", "203.0.113.9").status_code == 200

    refused = _page_login(client, world.agency_staff, PASSWORD, "203.0.113.9")

    assert refused.status_code == 429
    assert "Too many login attempts from your network" in refused.text
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "_auth_user_id" not in client.session
    # The throttled attempt counted as nobody's failure, and another address logs in.
    assert _page_login(client, world.agency_staff, PASSWORD, "198.51.100.3").status_code == 302


def test_the_password_reset_link_points_at_site_url_not_the_host_header(client, world, settings):
    from django.core import mail

    settings.ALLOWED_HOSTS = ["*"]  # a lax host list, or a proxy passing any Host through
    settings.SITE_URL = "https://tracker.example"

    response = client.post(
        "/accounts/password_reset/",
        {"email": world.agency_staff.email},
        HTTP_HOST="attacker.example",
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert "https://tracker.example/accounts/reset/" in message.body
    assert "attacker.example" not in message.body


def test_the_admin_login_is_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    posted = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
