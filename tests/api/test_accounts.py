"""Organizations, memberships (managed by admins) and applicants."""

from __future__ import annotations

from accounts.models import Applicant, Authorisation, Employment, Membership
from tests.factories import UserFactory


def test_organizations_list_mine_and_those_on_my_cases(world, client_for):
    agency = client_for(world.agency_staff).get("/api/v1/organizations/").json()
    hr = client_for(world.hr_globex).get("/api/v1/organizations/").json()

    assert [(o["name"], o["my_role"]) for o in agency["results"]] == [
        ("Acme", None),
        ("Formosa", "agency_staff"),
        ("Globex", None),
    ]
    assert [(o["name"], o["my_role"]) for o in hr["results"]] == [
        ("Formosa", None),
        ("Globex", "employer_hr"),
    ]


def test_only_admins_change_their_organization(world, client_for):
    url = f"/api/v1/organizations/{world.agency.pk}/"

    by_admin = client_for(world.agency_admin).patch(
        url, {"email": "desk@formosa.example"}, format="json"
    )
    by_staff = client_for(world.agency_staff).patch(url, {"email": "x@x.example"}, format="json")
    by_outsider = client_for(world.outsider).patch(url, {"email": "x@x.example"}, format="json")

    assert by_admin.status_code == 200
    assert by_admin.json()["email"] == "desk@formosa.example"
    assert by_staff.status_code == 403
    assert by_outsider.status_code == 404


def test_admin_manages_members(world, client_for):
    admin = client_for(world.agency_admin)
    newcomer = UserFactory(username="newcomer")

    added = admin.post(
        "/api/v1/memberships/",
        {"organization": world.agency.pk, "username": "newcomer", "role": "agency_staff"},
        format="json",
    )
    UserFactory(username="free")
    wrong_kind = admin.post(
        "/api/v1/memberships/",
        {"organization": world.agency.pk, "username": "free", "role": "employer_hr"},
        format="json",
    )
    # Another tenant's login and a login that does not exist get the same answer (no oracle).
    others = admin.post(
        "/api/v1/memberships/",
        {
            "organization": world.agency.pk,
            "username": world.hr_acme.username,
            "role": "agency_staff",
        },
        format="json",
    )
    nobody = admin.post(
        "/api/v1/memberships/",
        {"organization": world.agency.pk, "username": "no-such-login", "role": "agency_staff"},
        format="json",
    )
    assert added.status_code == 201
    assert added.json()["user"]["username"] == "newcomer"
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["errors"][0]["field"] == "role"
    assert (others.status_code, nobody.status_code) == (400, 400)
    assert others.json()["errors"][0]["field"] == nobody.json()["errors"][0]["field"] == "username"
    assert others.json()["errors"][0]["message"] == nobody.json()["errors"][0]["message"]
    assert not world.hr_acme.memberships.filter(organization=world.agency).exists()

    mid = added.json()["id"]
    promoted = admin.patch(f"/api/v1/memberships/{mid}/", {"role": "agency_admin"}, format="json")
    assert promoted.json()["role"] == "agency_admin"
    assert admin.delete(f"/api/v1/memberships/{mid}/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()


def test_the_last_admin_stays(world, client_for):
    mine = Membership.objects.get(user=world.agency_admin)
    admin = client_for(world.agency_admin)

    demote = admin.patch(f"/api/v1/memberships/{mine.pk}/", {"role": "agency_staff"}, format="json")
    remove = admin.delete(f"/api/v1/memberships/{mine.pk}/")

    assert demote.status_code == remove.status_code == 409
    assert demote.json()["errors"][0]["code"] == "last_admin"
    mine.refresh_from_db()
    assert mine.role == "agency_admin"


def test_staff_read_members_but_cannot_manage(world, client_for):
    staff = client_for(world.agency_staff)
    mine = Membership.objects.get(user=world.agency_staff)

    listing = staff.get("/api/v1/memberships/").json()
    promote = staff.patch(
        f"/api/v1/memberships/{mine.pk}/", {"role": "agency_admin"}, format="json"
    )
    other_org = client_for(world.outsider).get(f"/api/v1/memberships/{mine.pk}/")

    assert sorted(m["role"] for m in listing["results"]) == ["agency_admin", "agency_staff"]
    assert promote.status_code == 403
    assert other_org.status_code == 404


def test_agency_adds_an_applicant_with_the_authorisation(world, client_for):
    response = client_for(world.agency_staff).post(
        "/api/v1/applicants/",
        {
            "organization": world.agency.pk,
            "family_name_en": "Kim",
            "given_name_en": "Min-jun",
            "passport_number": "M12345678",
            "nationality": "KR",
            "email": "minjun@example.kr",
            "time_zone": "Asia/Seoul",
            "authorisation": {
                "signed_on": "2026-11-01",
                "valid_from": "2026-11-01",
                "covers_pickup": True,
            },
            "employment": {
                "employer": world.acme.pk,
                "start_date": "2026-01-05",
                "job_title": "Engineer",
            },
        },
        format="json",
    )

    assert response.status_code == 201
    applicant = Applicant.objects.get(pk=response.json()["id"])
    authorisation = Authorisation.objects.get(applicant=applicant)
    assert (authorisation.agency, authorisation.covers_pickup) == (world.agency, True)
    assert Employment.objects.get(applicant=applicant).employer == world.acme
    # Now visible to the agency, and to Acme's HR (an employee), not to Globex.
    assert (
        client_for(world.agency_staff).get(f"/api/v1/applicants/{applicant.pk}/").status_code == 200
    )
    assert client_for(world.hr_acme).get(f"/api/v1/applicants/{applicant.pk}/").status_code == 200
    assert client_for(world.hr_globex).get(f"/api/v1/applicants/{applicant.pk}/").status_code == 404


def test_agency_applicant_needs_the_authorisation(world, client_for):
    response = client_for(world.agency_staff).post(
        "/api/v1/applicants/",
        {
            "organization": world.agency.pk,
            "family_name_en": "Kim",
            "passport_number": "M12345678",
            "nationality": "KR",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "link_required"
    assert response.json()["errors"][0]["field"] == "authorisation"
    assert not Applicant.objects.filter(passport_number="M12345678").exists()


def test_applicant_fields_are_validated(world, client_for):
    response = client_for(world.hr_acme).post(
        "/api/v1/applicants/",
        {
            "organization": world.acme.pk,
            "family_name_en": "Kim",
            "passport_number": "m-1",
            "nationality": "KR",
            "time_zone": "Mars/Olympus",
            "employment": {"start_date": "2026-01-05"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["passport_number", "time_zone"]


def test_applicant_reads_own_record_but_cannot_change_it(world, client_for):
    client = client_for(world.applicant_user)

    listing = client.get("/api/v1/applicants/").json()
    change = client.patch(
        f"/api/v1/applicants/{world.priya.pk}/", {"email": "p@example.in"}, format="json"
    )

    assert [a["id"] for a in listing["results"]] == [world.priya.pk]
    assert change.status_code == 403
