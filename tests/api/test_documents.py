"""The upload endpoint (multipart field `file`), downloads and removal, with tenancy and limits."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Document
from tests.cases.files import pdf_bytes


def upload(name="passport.pdf", data=None):
    return SimpleUploadedFile(
        name, data if data is not None else pdf_bytes(name), "application/pdf"
    )


def test_upload_answers_a_requested_item(world, token_client, open_supplement):
    from cases import services

    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind="document",
        description="Passport page",
        waits_on="applicant",
    )
    client = token_client(world.applicant_user)

    response = client.post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/",
        {"file": upload(), "item": item.pk},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_name"] == "passport.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["item"] == item.pk
    assert body["uploaded_by"]["username"] == world.applicant_user.username
    assert body["download_url"].endswith(f"/api/v1/documents/{body['id']}/download/")
    download = client.get(f"/api/v1/documents/{body['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Sent, not yet done: a document item is done once an approved document answers it, and
    # meanwhile it waits on the agency's review, not on the applicant who sent it.
    item.refresh_from_db()
    assert item.state == "pending"
    staff = token_client(world.agency_staff)
    detail = staff.get(f"/api/v1/supplements/{open_supplement.pk}/").json()
    assert [d["id"] for d in detail["documents"]] == [body["id"]]
    codes = [m["code"] for m in detail["readiness"]["missing"]]
    assert "document_missing" not in codes
    assert "document_unapproved" in codes
    assert detail["waiting_on"] == ["agency"]
    review = staff.post(f"/api/v1/documents/{body['id']}/review/", {"decision": "approved"})
    assert review.status_code == 200
    item.refresh_from_db()
    assert item.state == "done"
    detail = staff.get(f"/api/v1/supplements/{open_supplement.pk}/").json()
    assert "document_unapproved" not in [m["code"] for m in detail["readiness"]["missing"]]


def test_other_tenants_get_404_before_the_body_is_read(world, token_client, supplements):
    response = token_client(world.hr_globex).post(
        f"/api/v1/supplements/{supplements['acme'].pk}/documents/",
        {"file": upload()},
        format="multipart",
    )

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert Document.objects.count() == 0


def test_oversized_files_are_refused(world, token_client, open_supplement, settings):
    settings.UPLOAD_MAX_BYTES = 1000

    response = token_client(world.agency_staff).post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/",
        {"file": upload(data=b"%PDF-1.4\n" + b"0" * 2000)},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert response.json()["errors"][0]["field"] == "file"
    assert Document.objects.count() == 0


def test_declared_length_over_the_limit_is_refused_unread(
    world, token_client, open_supplement, settings
):
    settings.UPLOAD_MAX_BYTES = 1000

    response = token_client(world.agency_staff).post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/",
        {"file": upload(data=b"x" * 200_000)},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "file_too_large"


def test_missing_file_field(world, token_client, open_supplement):
    response = token_client(world.agency_staff).post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/", {}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert response.json()["errors"][0]["code"] == "required"


def test_content_problems_surface_with_the_documents_modules_code(
    world, token_client, open_supplement
):
    response = token_client(world.agency_staff).post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/",
        {"file": upload("virus.pdf", b"MZ\x90\x00" + b"\x00" * 500)},
        format="multipart",
    )

    assert response.status_code in {400, 415}
    error = response.json()["errors"][0]
    assert error["code"] not in {"server_error", "invalid"}
    assert Document.objects.count() == 0


def test_visibility_is_honoured(world, token_client, open_supplement):
    agency = token_client(world.agency_staff)
    url = f"/api/v1/supplements/{open_supplement.pk}/documents/"
    internal = agency.post(
        url, {"file": upload("internal.pdf"), "visibility": "agency_only"}, format="multipart"
    )
    shared = agency.post(url, {"file": upload("shared.pdf")}, format="multipart")
    hr_hiding = token_client(world.hr_acme).post(
        url, {"file": upload("hr.pdf"), "visibility": "agency_only"}, format="multipart"
    )

    hr_list = token_client(world.hr_acme).get(url).json()
    hr_internal = token_client(world.hr_acme).get(
        f"/api/v1/documents/{internal.json()['id']}/download/"
    )

    assert (internal.status_code, shared.status_code) == (201, 201)
    assert [d["original_name"] for d in hr_list["results"]] == ["shared.pdf"]
    assert hr_internal.status_code == 404
    assert hr_hiding.status_code == 400
    assert hr_hiding.json()["errors"][0]["code"] == "visibility_not_allowed"


def test_uploader_or_agency_removes_a_document(world, token_client, open_supplement):
    url = f"/api/v1/supplements/{open_supplement.pk}/documents/"
    mine = (
        token_client(world.applicant_user)
        .post(url, {"file": upload("mine.pdf")}, format="multipart")
        .json()
    )
    theirs = (
        token_client(world.agency_staff)
        .post(url, {"file": upload("theirs.pdf")}, format="multipart")
        .json()
    )
    applicant = token_client(world.applicant_user)

    refused = applicant.delete(f"/api/v1/documents/{theirs['id']}/")
    removed = applicant.delete(f"/api/v1/documents/{mine['id']}/")

    assert refused.status_code == 403
    assert removed.status_code == 204
    assert list(Document.objects.values_list("original_name", flat=True)) == ["theirs.pdf"]
