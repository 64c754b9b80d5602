"""/api/v1/case-requests/: HR asks, the agency accepts or declines, others get 404."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Employment
from cases.choices import CaseKind, Channel
from cases.models import Case, CaseRequest, CaseRequestState
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/case-requests/"


@pytest.fixture
def newcomer(world):
    applicant = ApplicantFactory(family_name_en="Okafor")
    Employment.objects.create(
        applicant=applicant, employer=world.acme, start_date=dt.date(2024, 1, 1)
    )
    return applicant


def ask(client_for, world, newcomer):
    response = client_for(world.hr_acme).post(
        URL,
        {"applicant": newcomer.pk, "agency": world.agency.pk, "kind": CaseKind.NEW, "note": "Hi"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_hr_asks_and_the_agency_accepts(client_for, world, newcomer):
    body = ask(client_for, world, newcomer)
    assert body["state"] == CaseRequestState.WAITING
    assert body["employer"]["id"] == world.acme.pk

    staff = client_for(world.agency_staff)
    assert [row["id"] for row in staff.get(URL).json()["results"]] == [body["id"]]
    accepted = staff.post(f"{URL}{body['id']}/accept/", {"field": None}, format="json")
    assert accepted.status_code == 200
    data = accepted.json()
    case = Case.objects.get(pk=data["case"])
    assert data["state"] == CaseRequestState.ACCEPTED
    assert data["case_reference"] == case.reference
    assert (case.applicant, case.employer, case.agency, case.channel) == (
        newcomer,
        world.acme,
        world.agency,
        Channel.AGENCY,
    )

    again = client_for(world.agency_admin).post(f"{URL}{body['id']}/accept/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "case_request_decided"
    assert Case.objects.filter(applicant=newcomer).count() == 1


def test_decline_needs_a_reason(client_for, world, newcomer):
    body = ask(client_for, world, newcomer)
    admin = client_for(world.agency_admin)
    missing = admin.post(f"{URL}{body['id']}/decline/", {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "reason"
    declined = admin.post(f"{URL}{body['id']}/decline/", {"reason": "Full."}, format="json")
    assert declined.json()["decline_reason"] == "Full."
    seen_by_hr = client_for(world.hr_acme).get(f"{URL}{body['id']}/").json()
    assert seen_by_hr["state"] == CaseRequestState.DECLINED


def test_others_get_404_and_roles_are_kept(client_for, world, newcomer):
    body = ask(client_for, world, newcomer)
    for outsider in (world.hr_globex, world.outsider, world.applicant_user):
        client = client_for(outsider)
        assert client.get(f"{URL}{body['id']}/").status_code == 404
        for action in ("accept", "decline", "cancel"):
            response = client.post(f"{URL}{body['id']}/{action}/", {"reason": "x"}, format="json")
            assert response.status_code == 404
        assert client.get(URL).json()["results"] == []
    assert client_for(world.hr_acme).post(f"{URL}{body['id']}/accept/").status_code == 403
    assert client_for(world.agency_staff).post(f"{URL}{body['id']}/cancel/").status_code == 403
    assert CaseRequest.objects.get().state == CaseRequestState.WAITING


def test_hr_cannot_ask_for_someone_else_s_employee(client_for, world, newcomer):
    response = client_for(world.hr_globex).post(
        URL,
        {"applicant": newcomer.pk, "agency": world.agency.pk, "kind": CaseKind.NEW},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "applicant"
    assert not CaseRequest.objects.exists()
