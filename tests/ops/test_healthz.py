"""`/healthz` (contract): 200 when database, broker, cache and storage answer; 503 naming what
failed.

Real failures, no mocks: storage pointed at a path under a regular file (unwritable even for root),
the broker pointed at a closed port.
"""

import time

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_all_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_head_allowed_and_post_refused(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_storage_failure_named(client, settings, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("documents cannot live under a regular file")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_folder / "documents")},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"] == "error"  # the reason is logged, not told to anyone
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"


def test_broker_failure_named_and_fast(client):
    with override_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_BROKER_TRANSPORT_OPTIONS={}
    ):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert elapsed < 5, f"/healthz took {elapsed:.1f}s with the broker down"
