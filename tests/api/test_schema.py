"""/api/schema/ is valid OpenAPI 3 and describes every route; /api/docs/ works under the CSP."""

from __future__ import annotations

import re

import yaml
from django.test import Client
from django.urls import get_resolver
from openapi_spec_validator import validate

from api.urls import urlpatterns

_generated: dict = {}


def schema() -> dict:
    """The served schema, generated once per test process (it takes a few seconds)."""
    if "schema" not in _generated:
        response = Client().get("/api/schema/")
        assert response.status_code == 200
        _generated["schema"] = yaml.safe_load(response.content)
    return _generated["schema"]


def test_schema_is_valid_openapi_3(db):
    document = schema()

    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Gold Card supplement tracker API"
    assert "Idempotency-Key" in document["info"]["description"]


def test_every_route_is_described_with_its_errors(db):
    paths = schema()["paths"]
    # Every named route is described (the catch-all 404 has no name); a route added without its
    # schema, or a schema path without a route, changes one count and not the other.
    assert len(paths) == len({p.pattern for p in urlpatterns if p.name})
    assert "/api/v1/supplements/{supplement_pk}/upload-set/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "404", "429", "500"} <= set(responses), (method, path)
            if path != "/api/v1/auth/token/":
                assert "403" in responses, (method, path)
                assert operation["security"], (method, path)
            error = responses["404"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}
            assert "Retry-After" in responses["429"]["headers"]
    creates = paths["/api/v1/supplements/"]["post"]
    assert [p["name"] for p in creates["parameters"]] == ["Idempotency-Key"]
    assert "422" in creates["responses"]
    remind = paths["/api/v1/supplements/{id}/reminders/"]["post"]
    assert {p["name"] for p in remind["parameters"]} == {"id", "Idempotency-Key"}
    assert {"202", "409"} <= set(remind["responses"])
    upload = paths["/api/v1/supplements/{supplement_pk}/documents/"]["post"]
    assert "413" in upload["responses"]
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]


def test_list_parameters_are_documented(db):
    listing = schema()["paths"]["/api/v1/supplements/"]["get"]
    names = {p["name"] for p in listing["parameters"]}

    assert {
        "state",
        "requesting_body",
        "deadline_before",
        "deadline_after",
        "ready",
        "overdue",
        "agency",
        "employer",
        "assignee",
        "search",
        "ordering",
        "page",
        "page_size",
    } <= names
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 200
    supplement = schema()["components"]["schemas"]["SupplementDetail"]["properties"]
    assert supplement["deadline"] == {"type": "string", "format": "date"}
    assert supplement["readiness"]["allOf"][0] == {"$ref": "#/components/schemas/Readiness"}


def test_docs_page_needs_no_inline_script(db):
    client = Client()
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 3
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]
    assert all(src.startswith("/") for src in sources)  # same origin: allowed by the CSP
    init = client.get(sources[-1])
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in init.content


def test_api_routes_all_live_under_v1():
    names = {p.name for p in urlpatterns if getattr(p, "name", None)}

    assert {"token-obtain", "me", "supplement-documents"} <= names
    assert get_resolver().resolve("/api/v1/supplements/1/submit/").url_name == "supplement-submit"


def _operations():
    for path, operations in schema()["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_what_client_generators_need(db, settings):
    document = schema()

    assert document["servers"] == [{"url": settings.SITE_URL, "description": "This tracker"}]
    for path, method, operation in _operations():
        assert operation["summary"].strip(), (method, path)
        assert "security" in operation, (method, path)
        body = operation.get("requestBody", {}).get("content", {})
        # One body per write: JSON, or multipart where a file is uploaded.
        assert list(body) in ([], ["application/json"], ["multipart/form-data"]), (method, path)
        for parameter in operation.get("parameters", []):
            if parameter["name"] in {"id", "pk", "case", "agency", "employer", "applicant"}:
                assert parameter["schema"]["type"] == "integer", (method, path, parameter)
    summaries = [operation["summary"] for _path, _method, operation in _operations()]
    assert len(set(summaries)) == len(summaries)  # each operation its own
    token = document["paths"]["/api/v1/auth/token/"]["post"]
    assert token["security"] == []
    download = document["paths"]["/api/v1/packed-files/{id}/download/"]["get"]
    ok = download["responses"]["200"]["content"]
    assert set(ok) == {"application/pdf", "application/octet-stream"}
    assert {media["schema"]["format"] for media in ok.values()} == {"binary"}
    # A body takes only its own fields: the server refuses others (400 unknown_field).
    assert (
        document["components"]["schemas"]["SupplementCreateRequest"]["additionalProperties"]
        is False
    )
    # OpenAPI 3.1: a nullable reference says "or null" in a way generators read.
    case = document["components"]["schemas"]["Case"]["properties"]["employer"]
    assert {"type": "null"} in case["oneOf"]
