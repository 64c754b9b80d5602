"""The API of the intake: add, list, attach, confirm; another tenant meets 404 and changes nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases.models import SupplementRequest
from intake.models import IncomingNotice, Outcome

CORPUS = Path(__file__).parent / "corpus"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_file(client, name, **extra):
    data = (CORPUS / name).read_bytes()
    return client.post(
        "/api/v1/notices/", {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )


def test_posting_a_pdf_notice_creates_the_supplement_and_confirming_clears_the_mark(world):
    client = api(world.agency_staff)

    response = post_file(client, "notice_en.pdf")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["deadline"]) == ("matched", "2027-05-24")
    assert body["notice"]["fields"]["rule"] == {
        "value": "6m",
        "source": "6 months, documents from abroad",
    }
    supplement_id = body["supplement"]
    detail = client.get(f"/api/v1/supplements/{supplement_id}/").json()
    assert detail["to_confirm"] is True

    confirmed = client.post(
        f"/api/v1/supplements/{supplement_id}/confirm-notice/", {"rule": "30d"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["to_confirm"], confirmed.json()["deadline"]) == (False, "2026-12-24")
    again = client.post(f"/api/v1/supplements/{supplement_id}/confirm-notice/", {}, format="json")
    assert again.status_code == 400


def test_an_unreadable_file_is_400_naming_the_field_and_creates_nothing(world):
    response = post_file(api(world.agency_staff), "broken.pdf")

    assert response.status_code == 400
    assert "unreadable_notice" in response.content.decode()
    assert IncomingNotice.objects.count() == 0


def test_pasted_text_and_the_unmatched_inbox_then_attach(world):
    client = api(world.agency_staff)
    text = (
        "Supplement request\nApplicant: SHARMA, PRIYA\nDate of notice: 2026-11-24\nwithin 30 days"
    )

    created = client.post("/api/v1/notices/", {"text": text}, format="multipart").json()
    assert created["outcome"] == "unmatched"
    listed = client.get("/api/v1/notices/?outcome=unmatched").json()
    assert [row["id"] for row in listed["results"]] == [created["notice"]["id"]]

    attached = client.post(
        f"/api/v1/notices/{created['notice']['id']}/attach/",
        {"case": world.acme_case.pk},
        format="json",
    )
    assert attached.status_code == 200, attached.content
    assert SupplementRequest.objects.get().case == world.acme_case


def test_another_tenant_meets_404_and_changes_nothing(world):
    post_file(api(world.agency_staff), "name_only_en.eml")
    notice = IncomingNotice.objects.get()
    outsider = api(world.outsider)

    assert outsider.get(f"/api/v1/notices/{notice.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/notices/{notice.pk}/original/").status_code == 404
    assert outsider.get("/api/v1/notices/").json()["count"] == 0
    response = outsider.post(
        f"/api/v1/notices/{notice.pk}/attach/", {"case": world.other_agency_case.pk}, format="json"
    )
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.outcome == Outcome.UNMATCHED
    assert post_file(outsider, "nia_utf8_zh.eml", organization=world.agency.pk).status_code == 400
    assert SupplementRequest.objects.count() == 0


def test_a_mail_filed_as_not_a_notice_is_not_attached_to_a_case(world):
    client = api(world.agency_staff)
    created = post_file(client, "payment_reminder_zh.eml").json()
    assert created["outcome"] == "not_a_notice"

    response = client.post(
        f"/api/v1/notices/{created['notice']['id']}/attach/",
        {"case": world.acme_case.pk},
        format="json",
    )

    assert response.status_code == 400
    assert SupplementRequest.objects.count() == 0
