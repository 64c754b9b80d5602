"""POST /api/v1/organizations/: an agency admin adds a client employer through the same service as
the pages (accounts.clients); staff are refused with the reason, a bad Tax ID (統一編號) is named."""

from __future__ import annotations

from accounts.models import AgencyClient, Organization

GOOD_TAX_ID = "22099131"


def test_an_agency_admin_adds_a_client_employer(world, client_for):
    response = client_for(world.agency_admin).post(
        "/api/v1/organizations/",
        {"name": "Tatung", "tax_id": "2209-9131", "contact_name": "Lin Mei-ling"},
        format="json",
        headers={"Idempotency-Key": "client-tatung-1"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["name"], body["tax_id"]) == ("employer", "Tatung", GOOD_TAX_ID)
    link = AgencyClient.objects.get()
    assert (link.agency, link.employer_id, link.contact_name) == (
        world.agency,
        body["id"],
        "Lin Mei-ling",
    )
    # The employer is now in the agency's organizations.
    listed = client_for(world.agency_staff).get("/api/v1/organizations/").json()
    assert body["id"] in [row["id"] for row in listed["results"]]


def test_a_retry_with_the_same_key_adds_nothing_more(world, client_for):
    client = client_for(world.agency_admin)
    request = {"name": "Tatung", "tax_id": GOOD_TAX_ID}

    first = client.post(
        "/api/v1/organizations/", request, format="json", headers={"Idempotency-Key": "k-1"}
    )
    again = client.post(
        "/api/v1/organizations/", request, format="json", headers={"Idempotency-Key": "k-1"}
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert AgencyClient.objects.count() == 1


def test_staff_may_not_add_a_client(world, client_for):
    response = client_for(world.agency_staff).post(
        "/api/v1/organizations/", {"name": "Tatung", "tax_id": GOOD_TAX_ID}, format="json"
    )

    assert response.status_code == 403
    assert "Only the agency's admins can add or change its client employers" in str(response.json())
    assert not Organization.objects.filter(name="Tatung").exists()


def test_hr_may_not_add_a_client(world, client_for):
    response = client_for(world.hr_acme).post(
        "/api/v1/organizations/",
        {"agency": world.agency.pk, "name": "Tatung", "tax_id": GOOD_TAX_ID},
        format="json",
    )

    assert response.status_code == 400  # the agency is not theirs: "does not exist"
    assert [e["field"] for e in response.json()["errors"]] == ["agency"]
    assert AgencyClient.objects.count() == 0


def test_a_bad_tax_id_is_a_field_error(world, client_for):
    response = client_for(world.agency_admin).post(
        "/api/v1/organizations/", {"name": "Tatung", "tax_id": "12345678"}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["tax_id"]
    assert "is not a valid Tax ID (統一編號)" in errors[0]["message"]
    assert not Organization.objects.filter(name="Tatung").exists()


def test_the_applicant_field_checks_apply_to_the_api(world, client_for):
    response = client_for(world.hr_acme).post(
        "/api/v1/applicants/",
        {
            "organization": world.acme.pk,
            "family_name_en": "Kim",
            "passport_number": "M1234567",
            "nationality": "XX",
            "date_of_birth": "2999-01-01",
            "employment": {"start_date": "2026-01-05"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["nationality", "date_of_birth"]
