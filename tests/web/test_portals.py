"""The employer HR portal and the applicant's view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile
from cases import services
from cases.choices import Channel, DeadlineRule, ItemKind, Party, RequestingBody, Visibility
from cases.models import Document
from tests.factories import ApplicantFactory


def _item(world, supplement, party, description):
    return services.item_add(
        supplement=supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description=description,
        waits_on=party,
    )


@pytest.mark.django_db
def test_hr_sees_its_employees_across_agencies_and_what_waits_on_hr(client, world, open_supplement):
    _item(world, open_supplement, Party.EMPLOYER, "Employment certificate (在職證明)")
    _item(world, open_supplement, Party.APPLICANT, "Passport data page")
    world.acme_case.internal_notes = "SECRET-NOTE"
    world.acme_case.save()
    client.force_login(world.hr_acme)

    response = client.get("/hr/")

    assert response.status_code == 200
    text = response.text
    assert world.acme_case.reference in text
    assert world.other_agency_case.reference in text  # Acme employee, another agency
    assert world.globex_case.reference not in text
    assert "Elsewhere" in text
    assert "Formosa" in text
    waiting = text.split('id="waiting"')[1].split("</section>")[0]
    assert "Employment certificate (在職證明)" in waiting
    assert "Passport data page" not in waiting
    assert "SECRET-NOTE" not in text


@pytest.mark.django_db
def test_hr_uploads_an_employer_document_from_the_portal(client, world, open_supplement):
    item = _item(world, open_supplement, Party.EMPLOYER, "Salary proof")
    client.force_login(world.hr_acme)

    response = client.post(
        f"/supplements/{open_supplement.pk}/documents/",
        {
            "file": SimpleUploadedFile("salary.pdf", _pdf(), "application/pdf"),
            "item": item.pk,
            "visibility": Visibility.NO_APPLICANT,
            "next": "/hr/",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/hr/"
    document = Document.objects.get()
    assert (document.item_id, document.visibility, document.uploaded_by) == (
        item.pk,
        Visibility.NO_APPLICANT,
        world.hr_acme,
    )
    assert (
        "Salary proof"
        not in client.get("/hr/").text.split('id="waiting"')[1].split("</section>")[0]
    )


def _pdf():
    from tests.web.conftest import pdf_bytes

    return pdf_bytes()


@pytest.mark.django_db
def test_hr_of_another_employer_cannot_upload(client, world, open_supplement):
    client.force_login(world.hr_globex)

    response = client.post(
        f"/supplements/{open_supplement.pk}/documents/",
        {"file": SimpleUploadedFile("x.pdf", _pdf(), "application/pdf"), "visibility": "all"},
    )

    assert response.status_code == 404
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_applicant_sees_what_is_asked_with_deadlines_in_their_time_zone(
    client, world, open_supplement
):
    _item(world, open_supplement, Party.APPLICANT, "Passport data page (護照資料頁)")
    _item(world, open_supplement, Party.EMPLOYER, "Employment certificate")
    Profile.objects.create(user=world.applicant_user, time_zone="Asia/Kolkata")
    client.force_login(world.applicant_user)

    response = client.get("/me/")

    assert response.status_code == 200
    asked = response.text.split('id="asked"')[1].split("</section>")[0]
    assert "Upload: Passport data page (護照資料頁)" in asked
    assert "Employment certificate" not in asked
    deadline = open_supplement.deadline
    assert f"{deadline:%Y-%m-%d} 23:59 Taipei time" in asked
    assert f"{deadline:%Y-%m-%d} 21:29</strong> your time (Asia/Kolkata)" in asked
    assert world.acme_case.reference in response.text
    assert world.globex_case.reference not in response.text


@pytest.mark.django_db
def test_applicant_view_in_chinese(client, world, open_supplement):
    Profile.objects.create(user=world.applicant_user, language="zh-hant")
    client.force_login(world.applicant_user)

    response = client.get("/me/")

    assert '<html lang="zh-hant">' in response.text


@pytest.mark.django_db
def test_applicant_with_a_mainland_china_email_is_warned(client, world):
    world.priya.email = "priya@qq.com"
    world.priya.save()
    client.force_login(world.applicant_user)

    response = client.get("/me/")

    assert "Your email may not receive notices from the NIA." in response.text


@pytest.mark.django_db
def test_applicant_with_another_email_is_not_warned(client, world):
    client.force_login(world.applicant_user)

    response = client.get("/me/")

    assert "may not receive notices" not in response.text


@pytest.mark.django_db
def test_portal_queries_do_not_grow_with_the_number_of_cases(client, world):
    def add(n):
        for _ in range(n):
            applicant = ApplicantFactory()
            case = services.case_create(
                actor=world.agency_staff,
                applicant=applicant,
                kind="new",
                channel=Channel.AGENCY,
                agency=world.agency,
                employer=world.acme,
                status="nia_initial_review",
            )
            supplement = services.supplement_create(
                case=case,
                actor=world.agency_staff,
                requesting_body=RequestingBody.WDA,
                notice_date=timezone.localdate() - dt.timedelta(days=1),
                rule=DeadlineRule.DAYS_30,
            )
            _item(world, supplement, Party.EMPLOYER, "Employment certificate")

    client.force_login(world.hr_acme)
    add(3)
    client.get("/hr/")
    with CaptureQueriesContext(connection) as small:
        client.get("/hr/")
    add(3)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/hr/")

    assert response.text.count("Employment certificate") == 6
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_applicant_view_queries_do_not_grow(client, world):
    def add(n):
        for _ in range(n):
            case = services.case_create(
                actor=world.agency_staff,
                applicant=world.priya,
                kind="extension",
                channel=Channel.AGENCY,
                agency=world.agency,
                employer=world.acme,
                status="nia_initial_review",
            )
            supplement = services.supplement_create(
                case=case,
                actor=world.agency_staff,
                requesting_body=RequestingBody.NIA_INITIAL,
                notice_date=timezone.localdate(),
                rule=DeadlineRule.DAYS_30,
            )
            _item(world, supplement, Party.APPLICANT, "Passport data page")

    client.force_login(world.applicant_user)
    add(2)
    client.get("/me/")
    with CaptureQueriesContext(connection) as small:
        client.get("/me/")
    add(2)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/me/")

    assert response.text.count("Upload: Passport data page") == 4
    assert len(large.captured_queries) == len(small.captured_queries)
