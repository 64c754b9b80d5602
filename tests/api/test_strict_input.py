"""No silent no-ops: a write naming a field the endpoint does not take, or (a PATCH) naming none,
answers 400 with the field named and changes nothing; writes are JSON (multipart only for
uploads); a submitted supplement's PATCH stays 409."""

from __future__ import annotations

import pytest

from cases import services
from tests.api.conftest import open_supplement_on

pytestmark = pytest.mark.django_db


def test_an_unknown_field_is_refused_by_name_and_changes_nothing(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    response = client.patch(
        f"/api/v1/supplements/{supplement.pk}/", {"reply_text": "Attached", "reply": "x"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "unknown_field",
            "message": "This field is not accepted here.",
            "field": "reply_text",
        }
    ]
    supplement.refresh_from_db()
    assert (supplement.reply, supplement.version) == ("", 1)


def test_a_patch_naming_no_field_is_refused(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    response = client.patch(f"/api/v1/supplements/{supplement.pk}/", {})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "no_fields"
    assert "reply" in error["message"]
    assert "field" not in error


def test_unknown_fields_are_refused_on_creates_and_actions_too(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    comment = client.post(
        f"/api/v1/supplements/{supplement.pk}/comments/",
        {"tab": "upload", "text": "請補附在職證明。", "visibility": "agency", "colour": "red"},
    )
    submit = client.post(f"/api/v1/supplements/{supplement.pk}/submit/", {"forced": True})
    token = client.post("/api/v1/auth/token/", {"username": "x", "password": "y", "remember": True})

    assert comment.status_code == 400
    assert {e["field"] for e in comment.json()["errors"]} >= {"colour"}
    assert supplement.comments.count() == 0
    assert [e["field"] for e in submit.json()["errors"]] == ["forced"]
    assert [e["field"] for e in token.json()["errors"]] == ["remember"]


def test_form_encoded_writes_answer_415(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    response = client.patch(
        f"/api/v1/supplements/{supplement.pk}/",
        "reply=Attached",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"
    supplement.refresh_from_db()
    assert supplement.reply == ""


def test_patch_of_a_submitted_supplement_stays_409(world, token_client):
    supplement = _open(world)
    services.supplement_submit(supplement=supplement, actor=world.agency_staff, force=True)
    client = token_client(world.agency_staff)

    response = client.patch(f"/api/v1/supplements/{supplement.pk}/", {"reply": "Too late"})

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "supplement_submitted"


def test_an_action_taking_no_body_refuses_one_that_names_fields(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    refused = client.post(
        f"/api/v1/supplements/{supplement.pk}/withdraw/", {"reason": "No longer needed"}
    )
    packed = client.post(f"/api/v1/supplements/{supplement.pk}/upload-set/", {"force": True})

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "unknown_field"
    assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
    assert [e["field"] for e in packed.json()["errors"]] == ["force"]
    supplement.refresh_from_db()
    assert supplement.state == "open"


def test_an_action_taking_no_body_still_works_without_one(world, token_client):
    supplement = _open(world)
    client = token_client(world.agency_staff)

    response = client.post(f"/api/v1/supplements/{supplement.pk}/withdraw/")

    assert response.status_code == 200
    supplement.refresh_from_db()
    assert supplement.state == "withdrawn"


def test_another_tenants_supplement_with_a_body_is_404_not_400(world, token_client):
    supplement = _open(world)
    client = token_client(world.outsider)

    response = client.post(
        f"/api/v1/supplements/{supplement.pk}/withdraw/", {"reason": "No longer needed"}
    )

    assert response.status_code == 404


def _open(world):
    return open_supplement_on(world.acme_case, world.agency_staff)
