"""Applicants one by one in the pages: an agency adds one with its authorisation (委任書) and an
employment at a client, attaches the signed paper and downloads it; HR adds their employee but
does not change the email; anyone outside meets 404 on every applicant URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.clients import client_add
from accounts.models import Applicant, Authorisation, Employment, Role
from tests.factories import MembershipFactory
from tests.web.conftest import pdf_bytes

SIGNED = pdf_bytes()  # one file: a PDF carries its creation time, so two calls differ


def today() -> dt.date:
    return timezone.localdate()


def applicant_fields(**overrides) -> dict:
    data = {
        "family_name_en": "Okafor",
        "given_name_en": "Chidi",
        "name_zh": "",
        "passport_number": "a12345678",
        "passport_expiry": (today() + dt.timedelta(days=1000)).isoformat(),
        "nationality": "ng",
        "date_of_birth": "1991-03-04",
        "email": "chidi@example.com",
        "time_zone": "Africa/Lagos",
    }
    data.update(overrides)
    return {f"applicant-{key}": value for key, value in data.items()}


@pytest.fixture
def tatung(world):
    return client_add(
        actor=world.agency_admin, agency=world.agency, name="Tatung", tax_id="22099131"
    )


@pytest.fixture
def other_admin(world):
    return MembershipFactory(organization=world.other_agency, role=Role.AGENCY_ADMIN).user


@pytest.fixture
def tatung_hr(tatung):
    return MembershipFactory(organization=tatung.employer, role=Role.EMPLOYER_HR).user


def add_by_agency(client, tatung, **overrides):
    form = {
        **applicant_fields(**overrides),
        "auth-covers_filing": "on",
        "auth-covers_supplement": "on",
        "auth-signed_on": today().isoformat(),
        "auth-valid_from": today().isoformat(),
        "auth-valid_until": (today() + dt.timedelta(days=365)).isoformat(),
        "auth-signed_file": SimpleUploadedFile("signed.pdf", SIGNED, "application/pdf"),
        "job-employer": tatung.employer_id,
        "job-job_title": "Data scientist",
        "job-start_date": "2026-09-01",
    }
    return client.post("/applicants/new/", form)


@pytest.fixture
def chidi(client, world, tatung):
    client.force_login(world.agency_staff)
    response = add_by_agency(client, tatung)
    assert response.status_code == 302, response.context and response.context["form"].errors
    client.logout()
    return Applicant.objects.get(passport_number="A12345678")


def test_an_agency_adds_an_applicant_with_authorisation_and_employment(client, world, chidi):
    authorisation = Authorisation.objects.get(applicant=chidi)
    job = Employment.objects.get(applicant=chidi)

    assert (chidi.nationality, chidi.time_zone) == ("NG", "Africa/Lagos")
    assert (authorisation.agency, authorisation.covers_pickup) == (world.agency, False)
    assert authorisation.signed_file.name.startswith("authorisations/")
    assert (job.employer.name, job.job_title) == ("Tatung", "Data scientist")
    assert chidi.history.get().history_user == world.agency_staff
    assert authorisation.history.first().history_user == world.agency_staff
    client.force_login(world.agency_staff)
    listing = client.get("/applicants/", {"q": "a12345678"})
    assert [a.pk for a in listing.context["applicants"]] == [chidi.pk]
    page = client.get(f"/applicants/{chidi.pk}/")
    assert page.status_code == 200
    assert "Tatung" in page.content.decode()


def test_the_signed_paper_is_downloaded_by_the_agency_only(client, world, chidi, other_admin):
    authorisation = Authorisation.objects.get(applicant=chidi)
    url = f"/applicants/{chidi.pk}/authorisations/{authorisation.pk}/file/"
    client.force_login(world.agency_admin)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == SIGNED
    assert "attachment" in response["Content-Disposition"]
    client.force_login(other_admin)
    assert client.get(url).status_code == 404


def test_a_file_is_attached_later_and_a_non_pdf_is_refused(client, world, chidi):
    client.force_login(world.agency_staff)
    added = client.post(
        f"/applicants/{chidi.pk}/authorisations/",
        {
            "auth-covers_pickup": "on",
            "auth-signed_on": today().isoformat(),
            "auth-valid_from": today().isoformat(),
        },
    )
    assert added.status_code == 302
    pickup = Authorisation.objects.get(applicant=chidi, covers_pickup=True)
    assert not pickup.signed_file
    url = f"/applicants/{chidi.pk}/authorisations/{pickup.pk}/attach/"

    refused = client.post(
        url, {"file-signed_file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 a program")}
    )
    attached = client.post(
        url, {"file-signed_file": SimpleUploadedFile("scan.exe", SIGNED)}, follow=True
    )

    assert refused.status_code == 400
    assert "must be a PDF, PNG or JPEG file" in refused.content.decode()
    assert "Attached the signed authorisation" in attached.content.decode()
    pickup.refresh_from_db()
    assert pickup.signed_file.read() == SIGNED
    # Stored and served by what it is, whatever the uploader named it.
    assert pickup.signed_file.name.endswith(".pdf")
    download = client.get(f"/applicants/{chidi.pk}/authorisations/{pickup.pk}/file/")
    assert download["Content-Type"] == "application/pdf"


def test_an_authorisation_with_its_dates_reversed_shows_the_error(client, world, chidi):
    client.force_login(world.agency_staff)

    response = client.post(
        f"/applicants/{chidi.pk}/authorisations/",
        {
            "auth-covers_filing": "on",
            "auth-signed_on": "2026-01-01",
            "auth-valid_from": "2026-05-01",
            "auth-valid_until": "2026-04-01",
        },
    )

    assert response.status_code == 400
    assert response.context["auth_form"].errors
    assert Authorisation.objects.filter(applicant=chidi).count() == 1


def test_revoking_an_authorisation(client, world, chidi):
    authorisation = Authorisation.objects.get(applicant=chidi)
    client.force_login(world.agency_staff)

    response = client.post(
        f"/applicants/{chidi.pk}/authorisations/{authorisation.pk}/revoke/", follow=True
    )

    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
    assert "Revoked the authorisation (委任書)." in response.content.decode()


def test_an_employment_is_added_and_ended(client, world, chidi, tatung):
    job = Employment.objects.get(applicant=chidi)
    client.force_login(world.agency_staff)

    too_early = client.post(
        f"/applicants/{chidi.pk}/employments/{job.pk}/end/", {"end-end_date": "2026-01-01"}
    )
    ended = client.post(
        f"/applicants/{chidi.pk}/employments/{job.pk}/end/", {"end-end_date": "2027-01-31"}
    )
    added = client.post(
        f"/applicants/{chidi.pk}/employments/",
        {"job-employer": world.acme.pk, "job-start_date": "2027-02-01", "job-job_title": "CTO"},
    )

    assert too_early.status_code == 400
    assert ended.status_code == 302
    job.refresh_from_db()
    assert job.end_date == dt.date(2027, 1, 31)
    assert added.status_code == 302
    assert Employment.objects.get(applicant=chidi, employer=world.acme).job_title == "CTO"


def test_bad_applicant_data_is_shown_beside_each_field(client, world, tatung):
    client.force_login(world.agency_staff)

    response = add_by_agency(
        client,
        tatung,
        nationality="XX",
        time_zone="Asia/Taipeh",
        date_of_birth=(today() + dt.timedelta(days=1)).isoformat(),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"nationality", "time_zone", "date_of_birth"}
    assert not Applicant.objects.filter(passport_number="A12345678").exists()


def test_a_duplicate_passport_is_named_in_words(client, world, tatung, chidi):
    client.force_login(world.agency_staff)

    response = add_by_agency(client, tatung)

    assert response.status_code == 400
    body = response.content.decode()
    assert "This passport number and nationality cannot be used for a new applicant." in body
    assert "UNIQUE" not in body
    assert "IntegrityError" not in body


def test_a_passport_expiring_soon_is_a_warning_not_an_error(client, world, tatung):
    client.force_login(world.agency_staff)
    soon = today() + dt.timedelta(days=60)

    response = add_by_agency(client, tatung, passport_expiry=soon.isoformat())
    page = client.get(response.url)

    assert response.status_code == 302
    assert f"The passport (護照) expires on {soon.isoformat()}, within six months" in (
        page.content.decode()
    )


def test_hr_adds_their_employee_and_cannot_change_the_email(client, world, chidi, tatung_hr):
    client.force_login(tatung_hr)
    added = client.post(
        "/applicants/new/",
        {
            **applicant_fields(passport_number="B7654321", email="ada@example.com"),
            "job-employer": chidi.employments.get().employer_id,
            "job-start_date": "2026-10-01",
        },
    )
    assert added.status_code == 302
    edit = client.get(f"/applicants/{chidi.pk}/edit/")
    assert edit.context["form"].fields["email"].disabled is True

    response = client.post(
        f"/applicants/{chidi.pk}/edit/",
        applicant_fields(email="hr-typo@example.com", given_name_en="Chidiebere"),
    )

    assert response.status_code == 302
    chidi.refresh_from_db()
    assert (chidi.email, chidi.given_name_en) == ("chidi@example.com", "Chidiebere")
    ada = Applicant.objects.get(passport_number="B7654321")
    assert ada.employments.get().employer.name == "Tatung"


def test_the_agency_changes_the_email(client, world, chidi):
    client.force_login(world.agency_staff)

    response = client.post(f"/applicants/{chidi.pk}/edit/", applicant_fields(email="new@ex.com"))

    assert response.status_code == 302
    chidi.refresh_from_db()
    assert chidi.email == "new@ex.com"


@pytest.mark.parametrize("persona", ["other_admin", "hr_acme", "applicant"])
def test_others_meet_404_on_every_applicant_url(client, world, chidi, other_admin, persona):
    authorisation = Authorisation.objects.get(applicant=chidi)
    job = Employment.objects.get(applicant=chidi)
    client.force_login(other_admin if persona == "other_admin" else world.personas()[persona])
    base = f"/applicants/{chidi.pk}"
    gets = [f"{base}/", f"{base}/edit/", f"{base}/authorisations/{authorisation.pk}/file/"]
    posts = [
        f"{base}/edit/",
        f"{base}/authorisations/",
        f"{base}/authorisations/{authorisation.pk}/attach/",
        f"{base}/authorisations/{authorisation.pk}/revoke/",
        f"{base}/employments/",
        f"{base}/employments/{job.pk}/end/",
    ]

    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, applicant_fields(email="x@example.com")).status_code == 404, url
    authorisation.refresh_from_db()
    chidi.refresh_from_db()
    assert (authorisation.revoked_at, chidi.email) == (None, "chidi@example.com")


def test_a_passport_saved_meanwhile_is_named_in_words_not_database_text(world, monkeypatch):
    from django.core.exceptions import ValidationError

    from accounts import services

    # Another request saves the same passport between this one's check and its save.
    monkeypatch.setattr(Applicant, "validate_constraints", lambda self, exclude=None: None)

    with pytest.raises(ValidationError) as refused:
        services.applicant_create(
            actor=world.agency_staff,
            organization=world.agency,
            authorisation={"signed_on": today(), "valid_from": today()},
            family_name_en="Twin",
            passport_number=world.priya.passport_number,
            nationality=world.priya.nationality,
        )

    assert refused.value.messages == [
        "This passport number and nationality cannot be used for a new applicant."
    ]
    assert not Applicant.objects.filter(family_name_en="Twin").exists()


def test_the_pages_show_each_person_what_they_may_do(client, world, chidi, tatung_hr):
    client.force_login(world.agency_admin)
    agency_new = client.get("/applicants/new/").content.decode()
    agency_page = client.get(f"/applicants/{chidi.pk}/").content.decode()
    client.force_login(tatung_hr)
    hr_new = client.get("/applicants/new/").content.decode()
    hr_page = client.get(f"/applicants/{chidi.pk}/")

    assert "Authorisation (委任書)" in agency_new
    assert "Record an authorisation (委任書)" in agency_page
    assert "Authorisation (委任書)" not in hr_new
    assert 'name="job-employer"' in hr_new
    assert hr_page.status_code == 200
    # HR sees the employment but not the agency's authorisation or its signed paper.
    assert "Record an employment" in hr_page.content.decode()
    assert "/file/" not in hr_page.content.decode()
    assert list(hr_page.context["authorisations"]) == []
