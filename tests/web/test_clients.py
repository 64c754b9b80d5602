"""Client employers in the pages: an agency admin adds and changes them (Tax ID 統一編號 checked,
an employer known by its number linked, not copied); staff read them; anyone else meets 404."""

from __future__ import annotations

import pytest

from accounts.models import AgencyClient, Organization, Role
from cases.tenancy import visible_organizations
from tests.factories import MembershipFactory

GOOD_TAX_ID = "22099131"
OTHER_TAX_ID = "53212539"


def new_client(**overrides) -> dict:
    return {
        "name": "Tatung Data",
        "name_zh": "大同數據",
        "tax_id": GOOD_TAX_ID,
        "email": "hr@tatung.example",
        "contact_name": "Lin Mei-ling",
        "contact_email": "meiling@tatung.example",
        "contact_phone": "+886 2 2592 5252",
        "note": "",
        **overrides,
    }


@pytest.fixture
def other_admin(world):
    """An admin of the other agency (the world's outsider is only its staff)."""
    return MembershipFactory(organization=world.other_agency, role=Role.AGENCY_ADMIN).user


@pytest.fixture
def tatung(world):
    from accounts.clients import client_add

    return client_add(actor=world.agency_admin, agency=world.agency, **new_client())


def test_a_bad_tax_id_is_refused_beside_the_field_and_nothing_is_created(client, world):
    client.force_login(world.agency_admin)

    response = client.post("/clients/new/", new_client(tax_id="12345678"))

    assert response.status_code == 400
    assert "is not a valid Tax ID (統一編號)" in response.content.decode()
    assert response.context["form"].errors["tax_id"]
    assert not Organization.objects.filter(name="Tatung Data").exists()
    assert AgencyClient.objects.count() == 0


def test_an_admin_adds_a_client_and_sees_it_listed(client, world):
    client.force_login(world.agency_admin)

    added = client.post("/clients/new/", new_client(tax_id="2209 9131"), follow=True)

    assert added.status_code == 200
    assert "Tatung Data is now a client of Formosa." in added.content.decode()
    link = AgencyClient.objects.get()
    assert (link.agency, link.employer.tax_id, link.created_by) == (
        world.agency,
        GOOD_TAX_ID,
        world.agency_admin,
    )
    assert link.history.get().history_user == world.agency_admin
    listing = client.get("/clients/")
    assert [c.employer.name for c in listing.context["clients"]] == ["Tatung Data"]
    assert listing.context["clients"][0].open_cases == 0
    # The agency now sees the employer (to name it on a case, to invite its HR).
    assert visible_organizations(world.agency_staff).filter(pk=link.employer_id).exists()
    assert not visible_organizations(world.outsider).filter(pk=link.employer_id).exists()


def test_an_employer_known_by_its_tax_id_is_linked_not_copied(client, other_admin, tatung):
    client.force_login(other_admin)

    response = client.post("/clients/new/", new_client(name="Tatung (another spelling)"))

    assert response.status_code == 302
    assert Organization.objects.filter(tax_id=GOOD_TAX_ID).count() == 1
    assert AgencyClient.objects.filter(employer=tatung.employer).count() == 2


def test_the_open_cases_are_counted_per_client(client, world):
    from accounts.clients import client_add

    acme = client_add(actor=world.agency_admin, agency=world.agency, name="Acme")
    client.force_login(world.agency_staff)

    listing = client.get("/clients/")

    assert acme.employer == world.acme  # linked by name: Acme had no Tax ID yet
    # Formosa's open Acme case counts; the other agency's Acme case does not.
    assert [(c.employer.name, c.open_cases) for c in listing.context["clients"]] == [("Acme", 1)]


def test_an_admin_edits_a_client(client, world, tatung):
    client.force_login(world.agency_admin)
    page = client.get(f"/clients/{tatung.pk}/edit/")
    assert page.status_code == 200

    bad = client.post(f"/clients/{tatung.pk}/edit/", new_client(tax_id="22099132"))
    assert bad.status_code == 400
    assert "is not a valid Tax ID (統一編號)" in bad.content.decode()

    saved = client.post(
        f"/clients/{tatung.pk}/edit/",
        new_client(tax_id=OTHER_TAX_ID, contact_name="Chen Wei"),
        follow=True,
    )

    assert "Saved the client&#x27;s data." in saved.content.decode()
    tatung.refresh_from_db()
    tatung.employer.refresh_from_db()
    assert (tatung.contact_name, tatung.employer.tax_id) == ("Chen Wei", OTHER_TAX_ID)
    assert tatung.history.first().history_user == world.agency_admin


def test_an_old_unchecked_tax_id_does_not_block_other_changes(client, world):
    from accounts.models import AgencyClient as Link

    legacy = Organization.objects.create(kind="employer", name="Legacy", tax_id="12345678")
    link = Link.objects.create(agency=world.agency, employer=legacy)
    client.force_login(world.agency_admin)

    response = client.post(
        f"/clients/{link.pk}/edit/", new_client(name="Legacy", tax_id="12345678", note="VIP")
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.note == "VIP"


def test_the_detail_shows_contact_hr_and_an_invite_link(client, world, tatung):
    client.force_login(world.agency_admin)

    page = client.get(f"/clients/{tatung.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Lin Mei-ling" in body
    assert f"/invitations/?organization={tatung.employer_id}" in body
    invite = client.get(f"/invitations/?organization={tatung.employer_id}")
    assert invite.context["form"]["organization"].value() == str(tatung.employer_id)
    assert tatung.employer in invite.context["form"].fields["organization"].queryset


def test_staff_read_clients_but_cannot_add_or_change_them(client, world, tatung):
    client.force_login(world.agency_staff)

    assert client.get("/clients/").status_code == 200
    assert client.get(f"/clients/{tatung.pk}/").status_code == 200
    added = client.post("/clients/new/", new_client(name="Other", tax_id=OTHER_TAX_ID))
    edited = client.post(f"/clients/{tatung.pk}/edit/", new_client(contact_name="X"))

    assert added.status_code == 403
    assert "Only the agency&#x27;s admins can add or change its client employers" in (
        added.content.decode()
    )
    assert edited.status_code == 403
    assert not Organization.objects.filter(name="Other").exists()
    tatung.refresh_from_db()
    assert tatung.contact_name == "Lin Mei-ling"


@pytest.mark.parametrize("persona", ["other_admin", "hr_acme", "applicant"])
def test_others_meet_404_on_every_client_url(client, world, other_admin, tatung, persona):
    client.force_login(other_admin if persona == "other_admin" else world.personas()[persona])

    for url in (f"/clients/{tatung.pk}/", f"/clients/{tatung.pk}/edit/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, new_client(contact_name="X")).status_code == 404, url
    tatung.refresh_from_db()
    assert tatung.contact_name == "Lin Mei-ling"


def test_the_navigation_offers_clients_to_the_agency_and_applicants_to_hr(client, world):
    client.force_login(world.agency_staff)
    agency_nav = client.get("/clients/").content.decode()
    client.force_login(world.hr_acme)
    hr_nav = client.get("/applicants/").content.decode()

    assert '<a href="/clients/" aria-current="page">Clients</a>' in agency_nav
    assert '<a href="/applicants/">Applicants</a>' in agency_nav
    assert '<a href="/applicants/" aria-current="page">Applicants</a>' in hr_nav
    assert 'href="/clients/"' not in hr_nav
