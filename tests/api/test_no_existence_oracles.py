"""Issue 12, no existence oracles: another tenant's application number, passport, username or
user id gets the same answer as one that does not exist (or says "cannot be used"), never
"already exists" with whose."""

from __future__ import annotations

import pytest

from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _errors(response) -> list[tuple[str, str, str]]:
    return [
        (e.get("field", ""), e.get("code", ""), e["message"]) for e in response.json()["errors"]
    ]


def test_another_tenants_user_id_is_answered_like_a_free_one(world, open_supplement, client_for):
    staff = client_for(world.agency_staff)
    url = f"/api/v1/supplements/{open_supplement.pk}/"

    other_tenant = staff.patch(url, {"assignee": world.outsider.pk}, format="json")
    no_one = staff.patch(url, {"assignee": 987654}, format="json")

    assert other_tenant.status_code == no_one.status_code == 400
    assert _errors(other_tenant) == _errors(no_one)


def test_a_taken_application_number_says_cannot_be_used(world, client_for):
    staff = client_for(world.agency_staff)
    applicant = ApplicantFactory()
    body = {
        "applicant": applicant.pk,
        "kind": "new",
        "channel": "agency",
        "agency": world.agency.pk,
        "application_number": world.other_agency_case.application_number,
    }

    response = staff.post("/api/v1/cases/", body, format="json")

    assert response.status_code == 400
    text = response.content.decode()
    assert "cannot be used" in text
    assert "already exists" not in text
    assert world.other_agency.name not in text


def test_a_taken_passport_says_cannot_be_used(world, client_for):
    other = ApplicantFactory(passport_number="X1234567", nationality="US")
    admin = client_for(world.agency_admin)

    response = admin.post(
        "/api/v1/applicants/",
        {
            "organization": world.agency.pk,
            "family_name_en": "Doe",
            "passport_number": other.passport_number,
            "nationality": other.nationality,
            "authorisation": {"signed_on": "2026-12-01", "valid_from": "2026-12-01"},
        },
        format="json",
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "cannot be used" in text
    assert "already exists" not in text


def test_a_taken_username_at_an_invitation_says_cannot_be_used(world, client):
    from accounts import invitations

    UserFactory(username="taken-name")
    invitation = invitations.invitation_create(
        actor=world.agency_admin,
        email="x@formosa.example",
        organization=world.agency,
        role="agency_staff",
    )
    url = f"/accounts/invitations/{invitations.invitation_token(invitation)}/"

    response = client.post(
        url,
        {
            "username": "taken-name",
            "first_name": "X",
            "last_name": "Y",
            "password1": "A-long-Passw0rd-2026",
            "password2": "A-long-Passw0rd-2026",
            "language": "en",
        },
    )

    assert "cannot be used" in response.content.decode()
    assert "is taken" not in response.content.decode()
