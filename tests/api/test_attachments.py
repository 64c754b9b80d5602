"""/api/v1/supplements/{id}/attachments/ and /api/v1/attachments/{id}/: the notice and the proof
of submission (issue 11, item 8), with real files and real tokens."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.choices import AttachmentKind
from cases.models import SupplementAttachment
from tests.cases.attachment_files import notice_eml, notice_pdf, screenshot_png
from tests.documents.files import encrypted_pdf, pe_program

pytestmark = pytest.mark.django_db


def _list(supplement) -> str:
    return f"/api/v1/supplements/{supplement.pk}/attachments/"


def _post(client, supplement, kind, name, data, **headers):
    return client.post(
        _list(supplement),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
        format="multipart",
        headers=headers,
    )


def test_attach_list_download_and_remove_the_notice(token_client, world, open_supplement):
    client = token_client(world.agency_staff)

    created = _post(client, open_supplement, "notice", "NIA.eml", notice_eml())

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["content_type"], body["original_name"]) == (
        "notice",
        "message/rfc822",
        "NIA.eml",
    )
    assert body["uploaded_by"]["id"] == world.agency_staff.pk
    listed = client.get(_list(open_supplement)).json()
    assert [row["id"] for row in listed] == [body["id"]]

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == notice_eml()

    assert client.delete(f"/api/v1/attachments/{body['id']}/").status_code == 204
    assert not SupplementAttachment.objects.exists()


def test_a_create_with_an_idempotency_key_is_stored_once(token_client, world, open_supplement):
    client = token_client(world.agency_staff)
    data = notice_pdf()  # built once: a PDF carries its creation time, a retry the same bytes

    first = _post(client, open_supplement, "notice", "n.pdf", data, **{"Idempotency-Key": "k1"})
    again = _post(client, open_supplement, "notice", "n.pdf", data, **{"Idempotency-Key": "k1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert SupplementAttachment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("statement.pdf", encrypted_pdf(), 400, "encrypted_pdf"),
        ("notice.pdf", pe_program(), 415, "disguised_executable"),
    ],
    ids=["encrypted-pdf", "renamed-exe"],
)
def test_refused_files_answer_their_code(
    token_client, world, open_supplement, name, data, status, code
):
    response = _post(token_client(world.agency_staff), open_supplement, "notice", name, data)

    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["code"] == code
    assert name in error["message"]
    assert not SupplementAttachment.objects.exists()


def test_the_proof_once_submitted_and_who_sees_it(token_client, world, open_supplement):
    staff = token_client(world.agency_staff)
    early = _post(staff, open_supplement, "proof", "done.png", screenshot_png())
    assert early.status_code == 400
    notice = _post(staff, open_supplement, "notice", "notice.pdf", notice_pdf()).json()
    services.supplement_submit(supplement=open_supplement, actor=world.agency_staff, force=True)
    proof = _post(staff, open_supplement, "proof", "補正完成.png", screenshot_png())
    assert proof.status_code == 201
    proof = proof.json()

    # HR on the agency's case sees both but does not attach the proof.
    hr = token_client(world.hr_acme)
    assert {row["id"] for row in hr.get(_list(open_supplement)).json()} == {
        notice["id"],
        proof["id"],
    }
    assert _post(hr, open_supplement, "proof", "x.png", screenshot_png()).status_code == 403

    # The applicant sees the proof only.
    applicant = token_client(world.applicant_user)
    assert [row["id"] for row in applicant.get(_list(open_supplement)).json()] == [proof["id"]]
    assert applicant.get(f"/api/v1/attachments/{proof['id']}/download/").status_code == 200
    assert applicant.get(f"/api/v1/attachments/{notice['id']}/download/").status_code == 404
    assert applicant.delete(f"/api/v1/attachments/{notice['id']}/").status_code == 404
    assert applicant.delete(f"/api/v1/attachments/{proof['id']}/").status_code == 403

    # Another tenant: 404 everywhere.
    outsider = token_client(world.outsider)
    assert outsider.get(_list(open_supplement)).status_code == 404
    assert _post(outsider, open_supplement, "notice", "n.pdf", notice_pdf()).status_code == 404
    for attachment in (notice, proof):
        assert outsider.get(f"/api/v1/attachments/{attachment['id']}/download/").status_code == 404
        assert outsider.delete(f"/api/v1/attachments/{attachment['id']}/").status_code == 404

    # Once submitted the notice stays; the filing party may replace the proof.
    assert staff.delete(f"/api/v1/attachments/{notice['id']}/").status_code == 409
    assert staff.delete(f"/api/v1/attachments/{proof['id']}/").status_code == 204
    assert list(SupplementAttachment.objects.values_list("kind", flat=True)) == [
        AttachmentKind.NOTICE
    ]
