"""One JSON error shape everywhere, with codes, in the request's language."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases import services


def test_validation_errors_list_each_field(world, client_for):
    response = client_for(world.agency_staff).post(
        "/api/v1/supplements/",
        {"case": 999999, "requesting_body": "nowhere", "notice_date": "yesterday", "rule": "30d"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "does_not_exist",
                "message": 'Invalid pk "999999" - object does not exist.',
                "field": "case",
            },
            {
                "code": "invalid_choice",
                "message": '"nowhere" is not a valid choice.',
                "field": "requesting_body",
            },
            {
                "code": "invalid",
                "message": "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                "field": "notice_date",
            },
        ],
        "status": 400,
    }


def test_another_tenants_case_in_a_body_reads_like_a_missing_one(world, client_for):
    client = client_for(world.outsider)
    theirs = client.post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "wda",
            "notice_date": "2026-11-05",
            "rule": "30d",
        },
        format="json",
    )

    assert theirs.status_code == 400
    assert theirs.json()["errors"] == [
        {
            "code": "does_not_exist",
            "message": f'Invalid pk "{world.acme_case.pk}" - object does not exist.',
            "field": "case",
        }
    ]


def test_nested_field_paths_are_dotted(world, client_for):
    response = client_for(world.agency_staff).post(
        "/api/v1/applicants/",
        {
            "organization": world.agency.pk,
            "family_name_en": "Kim",
            "passport_number": "M12345678",
            "nationality": "KR",
            "authorisation": {"signed_on": "bad"},
        },
        format="json",
    )

    assert response.status_code == 400
    fields = [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert fields == [
        ("authorisation.signed_on", "invalid"),
        ("authorisation.valid_from", "required"),
    ]


def test_chinese_messages_from_drf_and_from_us(world, client_for):
    client = client_for(world.agency_staff)

    invalid = client.post("/api/v1/supplements/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-Hant")
    anonymous = APIClient().get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="zh-TW")

    assert invalid.json()["errors"][0] == {
        "code": "required",
        "message": "此為必需欄位。",
        "field": "case",
    }
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == 'Token realm="api"'


def test_not_found_and_forbidden(world, client_for, supplements):
    hr = client_for(world.hr_acme)

    missing = hr.get("/api/v1/supplements/999999/")
    not_theirs = hr.get(f"/api/v1/supplements/{supplements['globex'].pk}/")
    forbidden = hr.post(f"/api/v1/supplements/{supplements['acme'].pk}/submit/", {}, format="json")

    assert missing.status_code == not_theirs.status_code == 404
    assert (
        missing.json()
        == not_theirs.json()
        == {
            "errors": [{"code": "not_found", "message": "No such supplement request."}],
            "status": 404,
        }
    )
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "errors": [
            {
                "code": "permission_denied",
                "message": "Only the agency or the filing party can change this.",
            }
        ],
        "status": 403,
    }


def test_unknown_paths_method_and_media_type(world, client_for):
    client = client_for(world.agency_staff)

    unknown = client.get("/api/v1/nothing-here/")
    outside_v1 = client.get("/api/v2/cases/")
    non_integer = client.get("/api/v1/cases/abc/")
    method = client.put("/api/v1/cases/", {}, format="json")
    media = client.post("/api/v1/supplements/", b"<x/>", content_type="application/xml")
    parse = client.post("/api/v1/supplements/", b"{", content_type="application/json")

    for response in (unknown, outside_v1, non_integer):
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"code": "not_found", "message": "Not found."}],
            "status": 404,
        }
    assert method.status_code == 405
    assert method.json()["errors"] == [
        {"code": "method_not_allowed", "message": "Method PUT is not allowed here."}
    ]
    assert media.status_code == 415
    assert media.json()["errors"][0]["code"] == "unsupported_media_type"
    assert parse.status_code == 400
    assert parse.json()["errors"][0]["code"] == "parse_error"


def test_conflict_carries_its_params(world, client_for):
    response = client_for(world.agency_staff).post(
        f"/api/v1/cases/{world.acme_case.pk}/transition/", {"status": "collected"}, format="json"
    )

    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "invalid_transition"
    assert error["params"] == {
        "current": "nia_initial_review",
        "target": "collected",
        "allowed": ["supplement_requested", "qualification_review", "refused", "withdrawn"],
    }


def test_unexpected_errors_answer_500_in_the_shape(world, client_for, monkeypatch, open_supplement):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    # Stands in for a bug: the handler must still answer in the API's shape, and log it.
    monkeypatch.setattr(services, "supplement_withdraw", broken)
    client = client_for(world.agency_staff)
    client.raise_request_exception = False

    response = client.post(f"/api/v1/supplements/{open_supplement.pk}/withdraw/", format="json")

    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "code": "server_error",
                "message": "Something went wrong on our side; the error was logged. Try again later.",
            }
        ],
        "status": 500,
    }


@pytest.mark.parametrize("page", ["0", "abc", "99"])
def test_invalid_pages_are_404(world, client_for, page):
    response = client_for(world.agency_staff).get("/api/v1/cases/", {"page": page})

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-4.0769771303711314e+169", "invalid"),
        ("99999999999999999999999", "max_value"),
        ("0", "min_value"),
        ("1.5", "invalid"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/supplements/"])
def test_id_filters_refuse_what_no_row_can_have(world, client_for, path, value, code):
    """Found by the schema fuzzing: a float or a huge number overflowed SQLite's integers (500)."""
    response = client_for(world.agency_staff).get(path, {"applicant": value, "employer": "1"})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("applicant", code)
