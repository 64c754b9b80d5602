"""Idempotency-Key on creates: a retry returns the first answer, never a duplicate."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Document, ReviewerComment, SupplementRequest
from integrations.models import IdempotencyRecord
from integrations.services import idempotency_purge
from tests.cases.files import pdf_bytes

NOTICE = {"requesting_body": "nia_initial", "notice_date": "2026-11-20", "rule": "30d"}


def test_retry_returns_the_first_answer(world, token_client):
    client = token_client(world.agency_staff)
    body = {"case": world.acme_case.pk, **NOTICE}

    first = client.post(
        "/api/v1/supplements/", body, format="json", HTTP_IDEMPOTENCY_KEY="notice-42"
    )
    second = client.post(
        "/api/v1/supplements/", body, format="json", HTTP_IDEMPOTENCY_KEY="notice-42"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert SupplementRequest.objects.count() == 1


def test_same_key_with_another_body_is_422(world, token_client):
    client = token_client(world.agency_staff)
    client.post(
        "/api/v1/supplements/",
        {"case": world.acme_case.pk, **NOTICE},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    response = client.post(
        "/api/v1/supplements/",
        {"case": world.globex_case.pk, **NOTICE},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert SupplementRequest.objects.count() == 1


def test_keys_belong_to_a_user_and_a_path(world, token_client, open_supplement):
    staff, admin = token_client(world.agency_staff), token_client(world.agency_admin)
    url = f"/api/v1/supplements/{open_supplement.pk}/comments/"
    comment = {"tab": "basic", "text": "Fix the name"}

    staff.post(url, comment, format="json", HTTP_IDEMPOTENCY_KEY="same")
    admin.post(url, comment, format="json", HTTP_IDEMPOTENCY_KEY="same")
    staff.post(
        f"/api/v1/supplements/{open_supplement.pk}/items/",
        {"kind": "document", "description": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )

    assert ReviewerComment.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 3


def test_a_failed_request_leaves_the_key_free(world, token_client):
    client = token_client(world.agency_staff)
    bad = {"case": world.acme_case.pk, **NOTICE, "rule": "nope"}

    failed = client.post(
        "/api/v1/supplements/", bad, format="json", HTTP_IDEMPOTENCY_KEY="retry-me"
    )
    fixed = client.post(
        "/api/v1/supplements/",
        {"case": world.acme_case.pk, **NOTICE},
        format="json",
        HTTP_IDEMPOTENCY_KEY="retry-me",
    )

    assert failed.status_code == 400
    assert fixed.status_code == 201
    assert SupplementRequest.objects.count() == 1


def test_uploads_replay_too(world, token_client, open_supplement):
    client = token_client(world.agency_staff)
    url = f"/api/v1/supplements/{open_supplement.pk}/documents/"
    data = pdf_bytes("scan")

    first = client.post(
        url,
        {"file": SimpleUploadedFile("a.pdf", data)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )
    second = client.post(
        url,
        {"file": SimpleUploadedFile("a.pdf", data)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )
    other = client.post(
        url,
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes("other"))},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )

    assert (first.status_code, second.status_code, other.status_code) == (201, 201, 422)
    assert second.json()["id"] == first.json()["id"]
    assert Document.objects.count() == 1


def test_invalid_key(world, token_client):
    response = token_client(world.agency_staff).post(
        "/api/v1/supplements/",
        {"case": world.acme_case.pk, **NOTICE},
        format="json",
        HTTP_IDEMPOTENCY_KEY="x" * 256,
    )

    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "invalid_idempotency_key",
        "message": "An Idempotency-Key is 1 to 255 visible ASCII characters.",
        "field": "Idempotency-Key",
    }


def test_expired_keys_are_free_again_and_purged(world, token_client):
    client = token_client(world.agency_staff)
    body = {"case": world.acme_case.pk, **NOTICE}
    client.post("/api/v1/supplements/", body, format="json", HTTP_IDEMPOTENCY_KEY="old")

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=25)):
        again = client.post(
            "/api/v1/supplements/",
            {**body, "case": world.globex_case.pk},
            format="json",
            HTTP_IDEMPOTENCY_KEY="old",
        )
        assert again.status_code == 201
        assert idempotency_purge() == 0  # the reused key's record is new
    assert SupplementRequest.objects.count() == 2
