"""GET /api/v1/reports/supplements/: agrees with GET /api/v1/supplements/ for the same filters,
answers 400 naming the parameter, is scoped from both sides and speaks the request's language."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/reports/supplements/"
LIST = "/api/v1/supplements/"


def client_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def list_count(client, **params) -> int:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return response.json()["count"]


FILTERS = [
    {},
    {"requesting_body": "nia_initial"},
    {"field": "economy"},
    {"state": "open"},
    {"outcome": "refused"},
]


@pytest.mark.parametrize("params", FILTERS)
@pytest.mark.parametrize("persona", ["agency_staff", "hr_acme", "hr_globex"])
def test_figures_agree_with_the_list(book, persona, params):
    client = client_as(book.world.personas()[persona])
    figures = client.get(URL, params).json()
    assert figures["count"] == list_count(client, **params)
    assert (
        figures["open"] == list_count(client, **params, state="open")
        if "state" not in params
        else True
    )
    assert figures["overdue"] == list_count(client, **{**params, "overdue": "true"})
    if "state" not in params:
        assert figures["submitted"] == list_count(client, **params, state="submitted")
    assert figures["by_requesting_body"] == sorted(
        figures["by_requesting_body"], key=lambda row: (-row["count"], row["requesting_body"])
    )
    for row in figures["by_requesting_body"]:
        assert row["count"] == list_count(
            client, **{**params, "requesting_body": row["requesting_body"]}
        )


def test_filters_by_employer_assignee_and_period(book):
    world = book.world
    client = client_as(world.agency_admin)
    acme = client.get(URL, {"employer": world.acme.pk}).json()
    assert (acme["count"], acme["open"], acme["submitted_on_time"]) == (4, 1, 2)
    assert acme["count"] == list_count(client, employer=world.acme.pk)
    mine = client.get(URL, {"assignee": world.agency_staff.pk}).json()
    assert (mine["count"], mine["open"]) == (1, 1)
    april = client.get(URL, {"from": "2026-04-01", "to": "2026-04-30"}).json()
    assert april["count"] == 2
    assert april["count"] == list_count(
        client, notice_after="2026-04-01", notice_before="2026-04-30"
    )
    assert april["period"] == {"from": "2026-04-01", "to": "2026-04-30"}
    # Another agency's filter value is no way in: nothing counted.
    elsewhere = client.get(URL, {"agency": world.other_agency.pk}).json()
    assert elsewhere["count"] == 0


def test_exact_body(book):
    body = client_as(book.world.agency_staff).get(URL).json()
    assert (body["open"], body["overdue"], body["submitted"], body["submitted_on_time"]) == (
        2,
        1,
        3,
        2,
    )
    assert body["on_time_rate"] == 0.6667
    assert body["days_to_file"] == {"median": 31.0, "p90": 34.2}
    assert body["by_month"][0] == {
        "month": "2026-03",
        "count": 1,
        "open": 0,
        "overdue": 0,
        "submitted": 1,
        "submitted_on_time": 1,
        "submitted_late": 0,
        "withdrawn": 0,
        "on_time_rate": 1.0,
    }
    assert body["today"] == "2026-06-15"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to"),
        ({"employer": "acme"}, "employer"),
        ({"requesting_body": "police"}, "requesting_body"),
    ],
)
def test_bad_input_names_the_parameter(book, params, field):
    response = client_as(book.world.agency_staff).get(URL, params)
    assert response.status_code == 400
    assert field in str(response.json())


def test_anonymous_is_refused(db):
    assert APIClient().get(URL).status_code in {401, 403}


def test_labels_in_the_request_language(book):
    client = client_as(book.world.agency_staff)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant")
    labels = {row["requesting_body"]: row["label"] for row in response.json()["by_requesting_body"]}
    assert labels["wda"] != "Workforce Development Agency (勞動部勞動力發展署)"
    assert "勞動力發展署" in labels["wda"]


def test_schema_documents_the_report(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/reports/supplements/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"from", "to", "employer", "agency", "assignee", "field", "requesting_body"} <= names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"open", "overdue", "submitted", "submitted_on_time", "on_time_rate"} <= set(
        component["properties"]
    )
    assert {"by_requesting_body", "by_month"} <= set(component["required"])
