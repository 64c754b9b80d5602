"""Dependencies down, service up (issue 12, item 5). Real unreachable ports, no mocks: the cache
Redis and the broker at 127.0.0.1:1, the database at 127.0.0.1:1 (in a separate process, since
this one's test database must keep working)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from integrations.services import token_create
from notifications.models import Reminder

REPO = Path(__file__).resolve().parents[2]
DOWN_REDIS = "redis://127.0.0.1:1/0"
DOWN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DOWN_REDIS,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.django_db
def test_api_keeps_answering_with_the_cache_down(world, caplog):
    _token, key = token_create(user=world.agency_staff, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with override_settings(CACHES=DOWN_CACHE):
        statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
        anonymous = APIClient().get("/api/v1/me/")
        token = APIClient().post(
            "/api/v1/auth/token/",
            {"username": world.agency_staff.username, "password": "pw-for-tests-1"},
            format="json",
        )

    assert statuses == [200, 200, 200]
    assert anonymous.status_code == 401
    assert token.status_code == 200
    assert "the cache is unreachable" in caplog.text


@pytest.mark.redis
@pytest.mark.django_db
def test_with_the_cache_up_the_limits_hold(settings):
    """Failing open is for an unreachable cache only: a working Redis cache still limits."""
    import redis

    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
            pytest.fail(f"Redis at {url} does not answer: {exc}")
        pytest.skip(f"needs Redis ({url})")
    caches = {"default": {**DOWN_CACHE["default"], "LOCATION": url, "KEY_PREFIX": "limits-up"}}
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        try:
            statuses = [
                APIClient()
                .post("/api/v1/auth/token/", {"username": f"u{n}", "password": "y"}, format="json")
                .status_code
                for n in range(21)
            ]
        finally:
            cache.clear()
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


@pytest.mark.django_db
def test_healthz_names_the_cache_without_saying_where_it_is(client):
    with override_settings(CACHES=DOWN_CACHE):
        response = client.get("/healthz")

    # Named, but not a 503: the service still answers, and a load balancer must not take every
    # instance out over a shared cache.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == ["cache"]
    assert body["checks"] == {
        "database": "ok",
        "broker": "ok",
        "cache": "error",
        "storage": "ok",
    }
    assert "127.0.0.1" not in response.text


@pytest.mark.django_db
def test_staff_see_why_a_check_failed(client, django_user_model):
    staff = django_user_model.objects.create_user("operator", is_staff=True)
    client.force_login(staff)
    with override_settings(CELERY_BROKER_URL=DOWN_REDIS, CELERY_BROKER_TRANSPORT_OPTIONS={}):
        body = client.get("/healthz").json()

    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"].startswith("error: ")
    assert body["checks"]["broker"] != "error: "


@pytest.fixture
def broker_down():
    """The Celery app's broker at a closed port (its connection pools rebuilt around it)."""
    from celery import current_app

    def point_at(url: str, options: dict) -> None:
        if current_app._pool is not None:
            current_app._pool.force_close_all()  # a connection to the real broker stays open
        current_app.conf.broker_url = url
        # Celery reads a CELERY_BROKER_URL environment variable before its own broker_url (CI
        # sets one); the write URL comes first of all, so the send really goes to `url`.
        current_app.conf.broker_write_url = url
        current_app.conf.broker_transport_options = options
        current_app._pool = None
        current_app.amqp._producer_pool = None

    previous = current_app.conf.broker_url, dict(current_app.conf.broker_transport_options)
    point_at(DOWN_REDIS, {})
    yield
    point_at(*previous)


@pytest.mark.django_db(transaction=True)
def test_a_reminder_asked_while_the_broker_is_down_is_recorded_and_queued(
    world, open_supplement, broker_down, caplog
):
    """The reminder row is written, the request answers that it is queued, and the failed send
    is logged: the alert sweep re-queues the row once the broker is back."""
    from cases import services

    services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind="document",
        description="Passport data page",
        waits_on="applicant",
    )
    api = APIClient()
    api.force_authenticate(world.agency_staff)

    response = api.post(
        f"/api/v1/supplements/{open_supplement.pk}/reminders/",
        {"party": "applicant"},
        format="json",
    )

    assert response.status_code == 202, response.content
    assert [row["status"] for row in response.json()] == ["queued"]
    assert Reminder.objects.filter(supplement=open_supplement).count() == 1
    assert "send_task" in caplog.text  # the robust on-commit callback logged the outage


DB_DOWN_SCRIPT = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32  # a session to load: the first database read
    page = client.get("/dashboard/")
    api_session = client.get("/api/v1/me/")
    api_token = Client(raise_request_exception=False).get(
        "/api/v1/me/", HTTP_AUTHORIZATION="Token " + "a" * 40
    )
    health = Client(raise_request_exception=False).get("/healthz")
    print(json.dumps({
        "page": [page.status_code, page.content.decode(), page.get("Retry-After")],
        "api_session": [api_session.status_code, api_session.content.decode()],
        "api_token": [api_token.status_code, api_token.content.decode()],
        "health": [health.status_code, health.content.decode()],
    }))
    """
)


def test_database_down_answers_503_in_the_layout_and_the_api_shape(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("CELERY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL="postgres://tracker:secret-pw@127.0.0.1:1/tracker",
        TRACKER_DATA_DIR=str(tmp_path),
        SECRET_KEY="x" * 60,
        DEBUG="0",
        CACHE_URL="",
        STATIC_MANIFEST="0",  # no collectstatic in this data folder
    )
    result = subprocess.run(
        [sys.executable, "-c", DB_DOWN_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    status, page, retry_after = out["page"]
    assert status == 503
    assert "Briefly unavailable" in page
    assert "Gold Card supplement tracker" in page  # the site's layout
    assert "Server Error (500)" not in page
    assert retry_after == "30"

    for name in ("api_session", "api_token"):
        status, body = out[name]
        assert status == 503, (name, body)
        assert json.loads(body) == {
            "errors": [
                {
                    "code": "service_unavailable",
                    "message": "The service is briefly unavailable (its database does not "
                    "answer). Try again shortly.",
                }
            ],
            "status": 503,
        }

    status, body = out["health"]
    assert status == 503
    assert json.loads(body)["failed"] == ["database"]
    assert json.loads(body)["checks"]["database"] == "error"
    for secret in ("127.0.0.1", "secret-pw", "tracker:", "port"):
        assert secret not in body


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_the_broker_is_down_keeps_its_webhook_delivery(
    world, open_supplement, broker_down, settings, caplog
):
    """The change answers as usual and its webhook delivery stays recorded: the failed send is
    logged by the robust after-commit hook (it raised an AttributeError of its own before, a
    functools.partial has no __qualname__ to log), and the webhook sweep sends it later."""
    from notifications.webhooks import services as webhooks
    from notifications.webhooks.models import WebhookDelivery

    settings.WEBHOOK_ALLOW_LOOPBACK = True
    webhooks.endpoint_create(
        actor=world.agency_admin,
        organization=world.agency,
        url="http://127.0.0.1:9/hook",
        events=["supplement.updated"],
    )
    api = APIClient()
    api.force_authenticate(world.agency_staff)

    response = api.patch(
        f"/api/v1/supplements/{open_supplement.pk}/",
        {"assignee": world.agency_staff.pk},
        format="json",
    )

    assert response.status_code == 200, response.content
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.status) == ("supplement.updated", "pending")
    assert "render_and_queue" in caplog.text
