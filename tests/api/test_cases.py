"""Cases through the API: open, change, move along the lifecycle, internal notes stay internal."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Authorisation
from cases.models import Case, CaseStatusChange
from tests.factories import ApplicantFactory


def test_agency_staff_opens_a_case_for_an_authorised_applicant(world, token_client):
    applicant = ApplicantFactory()
    Authorisation.objects.create(
        applicant=applicant, agency=world.agency, signed_on="2026-11-01", valid_from="2026-11-01"
    )
    client = token_client(world.agency_staff)

    response = client.post(
        "/api/v1/cases/",
        {
            "applicant": applicant.pk,
            "kind": "new",
            "channel": "agency",
            "agency": world.agency.pk,
            "employer": world.acme.pk,
            "field": "digital",
            "application_number": "115551039999",
            "internal_notes": "Prefers LINE",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == f"GC-{body['id']:06d}"
    assert (body["status"], body["holding_body"]) == ("draft", "applicant_side")
    assert body["field"]["code"] == "digital"
    assert body["internal_notes"] == "Prefers LINE"
    assert body["allowed_transitions"] == ["submitted", "withdrawn"]
    assert CaseStatusChange.objects.filter(case_id=body["id"]).count() == 1


def test_case_for_an_unknown_or_foreign_applicant_is_refused(world, token_client):
    stranger = ApplicantFactory()  # no authorisation, no case with this agency

    response = token_client(world.agency_staff).post(
        "/api/v1/cases/",
        {"applicant": stranger.pk, "kind": "new", "channel": "agency", "agency": world.agency.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "applicant"
    assert response.json()["errors"][0]["code"] == "does_not_exist"


def test_hr_cannot_open_an_agency_case(world, token_client):
    before = Case.objects.count()

    response = token_client(world.hr_acme).post(
        "/api/v1/cases/",
        {"applicant": world.priya.pk, "kind": "extension", "channel": "agency", "agency": None},
        format="json",
    )

    assert response.status_code == 403
    assert Case.objects.count() == before


def test_hr_opens_an_employer_case(world, token_client):
    response = token_client(world.hr_acme).post(
        "/api/v1/cases/",
        {
            "applicant": world.priya.pk,
            "kind": "extension",
            "channel": "employer",
            "employer": world.acme.pk,
        },
        format="json",
    )

    assert response.status_code == 201
    assert "internal_notes" not in response.json()


def test_transition_records_the_history_row(world, token_client):
    client = token_client(world.agency_staff)

    response = client.post(
        f"/api/v1/cases/{world.acme_case.pk}/transition/",
        {"status": "qualification_review", "note": "Sent to WDA"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() | {"id": 0, "recorded_at": ""} == {
        "id": 0,
        "case": world.acme_case.pk,
        "from_status": "nia_initial_review",
        "status": "qualification_review",
        "status_label": "Qualification review by WDA / competent authority (資格審查)",
        "holding_body": "wda",
        "holding_body_label": "Workforce Development Agency (勞動部勞動力發展署)",
        "happened_on": timezone.localdate().isoformat(),
        "note": "Sent to WDA",
        "recorded_at": "",
        "recorded_by": {
            "id": world.agency_staff.pk,
            "username": world.agency_staff.username,
            "name": world.agency_staff.username,
        },
    }
    history = client.get(f"/api/v1/cases/{world.acme_case.pk}/status-changes/").json()
    assert [row["status"] for row in history["results"]] == [
        "nia_initial_review",
        "qualification_review",
    ]
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == "qualification_review"


def test_invalid_transition_is_409_and_changes_nothing(world, token_client):
    response = token_client(world.agency_staff).post(
        f"/api/v1/cases/{world.acme_case.pk}/transition/", {"status": "approved"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "invalid_transition"
    assert response.json()["errors"][0]["message"] == (
        "A case cannot go from “NIA information check (移民署初審)” to “Approved (核准)”."
    )
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == "nia_initial_review"
    assert CaseStatusChange.objects.filter(case=world.acme_case).count() == 1


def test_internal_notes_only_for_the_agency(world, client_for):
    Case.objects.filter(pk=world.acme_case.pk).update(internal_notes="Fee unpaid")

    agency = client_for(world.agency_staff).get(f"/api/v1/cases/{world.acme_case.pk}/").json()
    hr = client_for(world.hr_acme).get(f"/api/v1/cases/{world.acme_case.pk}/").json()
    applicant = client_for(world.applicant_user).get("/api/v1/cases/").json()

    assert agency["internal_notes"] == "Fee unpaid"
    assert "internal_notes" not in hr
    assert [("internal_notes" in row) for row in applicant["results"]] == [False]


def test_patch_details(world, client_for):
    client = client_for(world.agency_staff)

    response = client.patch(
        f"/api/v1/cases/{world.acme_case.pk}/",
        {"collection_station": "臺北市服務站", "validity_years": 3, "field": "economy"},
        format="json",
    )
    bad = client.patch(f"/api/v1/cases/{world.acme_case.pk}/", {"validity_years": 9}, format="json")
    duplicate = client.patch(
        f"/api/v1/cases/{world.acme_case.pk}/",
        {"application_number": world.globex_case.application_number},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["collection_station"] == "臺北市服務站"
    assert response.json()["field"]["code"] == "economy"
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "validity_years"
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"][0]["code"] == "unique"


def test_search_and_filters(world, client_for):
    client = client_for(world.agency_staff)

    by_number = client.get("/api/v1/cases/", {"search": "035402"}).json()
    by_name = client.get("/api/v1/cases/", {"search": "sharma"}).json()
    by_employer = client.get("/api/v1/cases/", {"employer": world.acme.pk}).json()

    assert [c["id"] for c in by_number["results"]] == [world.globex_case.pk]
    assert [c["id"] for c in by_name["results"]] == [world.acme_case.pk]
    assert [c["id"] for c in by_employer["results"]] == [world.acme_case.pk]
