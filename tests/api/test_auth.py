"""Tokens: obtained with a password (lockout counts), sent as Token or Bearer, listed and revoked
by their owner; session authentication; rate limits."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from integrations.models import ApiToken

PASSWORD = "pw-for-tests-1"


def obtain(username, password=PASSWORD, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token", "bearer"])
def test_token_from_password_works_with_either_keyword(world, keyword):
    response = obtain(world.agency_staff.username, name="HR sync")

    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["name"] == "HR sync"
    assert len(key) == 40
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_hash != key  # only a hash is stored
    assert token.prefix == key[:8]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == world.agency_staff.username
    assert me.json()["memberships"][0]["organization"]["name"] == "Formosa"
    assert me.json()["memberships"][0]["role"] == "agency_staff"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_password_is_401_in_the_error_shape(world):
    response = obtain(world.agency_staff.username, "wrong")

    assert response.status_code == 401
    assert response.json() == {
        "errors": [{"code": "invalid_credentials", "message": "Wrong username or password."}],
        "status": 401,
    }
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_five_failures_lock_the_login_even_with_the_right_password(world):
    for _ in range(4):
        assert obtain(world.agency_staff.username, "wrong").status_code == 401

    fifth = obtain(world.agency_staff.username, "wrong")
    right = obtain(world.agency_staff.username)

    assert fifth.status_code == 429
    assert fifth.json()["errors"][0]["code"] == "account_locked"
    assert fifth["Retry-After"] == "3600"
    assert right.status_code == 429
    assert right.json()["errors"][0]["code"] == "account_locked"
    assert AccessAttempt.objects.get(username=world.agency_staff.username).failures_since_start >= 5
    assert ApiToken.objects.count() == 0
    # Another login from the same address is not locked.
    assert obtain(world.agency_admin.username).status_code == 200


def test_success_resets_the_failure_count(world):
    for _ in range(4):
        obtain(world.agency_staff.username, "wrong")
    assert obtain(world.agency_staff.username).status_code == 200
    for _ in range(4):
        assert obtain(world.agency_staff.username, "wrong").status_code == 401
    assert obtain(world.agency_staff.username).status_code == 200


def test_two_factor_login_needs_the_code(world):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.agency_staff, name="phone", confirmed=True)

    without = obtain(world.agency_staff.username)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    right = obtain(world.agency_staff.username, otp=f"{totp.token():06d}")
    wrong = obtain(world.agency_staff.username, otp="not-it")

    assert without.status_code == 401
    assert without.json()["errors"][0]["code"] == "otp_required"
    assert right.status_code == 200
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["code"] == "otp_invalid"
    assert AccessAttempt.objects.get(username=world.agency_staff.username).failures_since_start == 1


def test_missing_fields_are_400(db):
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "required", "message": "This field is required.", "field": "username"},
        {"code": "required", "message": "This field is required.", "field": "password"},
    ]


def test_owner_lists_creates_and_revokes_tokens(world, token_client, client_for):
    client = token_client(world.agency_staff)  # token "tests"
    created = client.post("/api/v1/auth/tokens/", {"name": "Calendar sync"}, format="json")
    assert created.status_code == 201
    new_key = created.json()["token"]

    listing = client.get("/api/v1/auth/tokens/").json()
    assert listing["count"] == 2
    assert [t["name"] for t in listing["results"]] == ["Calendar sync", "tests"]
    assert all("token" not in t for t in listing["results"])

    # Someone else cannot see or revoke it: 404, as for a missing token.
    other = client_for(world.agency_admin)
    assert other.get(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 404
    assert other.delete(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 404

    assert client.delete(f"/api/v1/auth/tokens/{created.json()['id']}/").status_code == 204
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    response = revoked.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "code": "authentication_failed",
        "message": "Invalid or revoked token.",
    }
    assert client.get("/api/v1/auth/tokens/").json()["count"] == 1


@override_settings(API_TOKENS_PER_USER=2)
def test_token_limit(world, token_client):
    client = token_client(world.agency_staff)
    assert client.post("/api/v1/auth/tokens/", {"name": "b"}, format="json").status_code == 201

    response = client.post("/api/v1/auth/tokens/", {"name": "c"}, format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "too_many_tokens"


def test_malformed_authorization_header(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token a b")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_session_authentication_needs_csrf_for_writes(world, open_supplement):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.agency_staff)

    read = client.get("/api/v1/supplements/")
    write = client.patch(
        f"/api/v1/supplements/{open_supplement.pk}/", {"reply": "x"}, format="json"
    )

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["errors"][0]["code"] == "permission_denied"
    assert "CSRF" in write.json()["errors"][0]["message"]


def _rates(**rates):
    return {**api_settings.DEFAULT_THROTTLE_RATES, **rates}


def test_per_token_throttle_answers_429_with_retry_after(world, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": _rates(token="3/minute"),
    }
    client = token_client(world.agency_staff)
    other_token = token_client(world.agency_staff)

    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me/")
    assert response.json()["errors"][0]["code"] == "throttled"
    assert response.json()["status"] == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # Another token of the same user has its own budget.
    assert other_token.get("/api/v1/me/").status_code == 200


def test_per_user_throttle_covers_all_their_tokens(world, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": _rates(user="2/minute"),
    }
    first, second = token_client(world.agency_staff), token_client(world.agency_staff)

    assert first.get("/api/v1/me/").status_code == 200
    assert second.get("/api/v1/me/").status_code == 200
    third = second.get("/api/v1/me/")
    assert third.status_code == 429
    assert "Retry-After" in third
    assert token_client(world.agency_admin).get("/api/v1/me/").status_code == 200


def test_throttle_message_in_chinese(world, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": _rates(token="1/minute"),
    }
    client = token_client(world.agency_staff)
    client.get("/api/v1/me/")

    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-Hant")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"
