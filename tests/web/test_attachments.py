"""The workspace's "Notice and proof" card and the proof on the submission page (issue 11, item
8): real files, results beside the card, downloads only after the access check."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services
from cases.choices import AttachmentKind, SupplementState
from cases.models import SupplementAttachment, SupplementRequest
from tests.cases.attachment_files import notice_eml, notice_pdf, screenshot_png
from tests.documents.files import encrypted_pdf, pe_program

pytestmark = pytest.mark.django_db


def _url(supplement, suffix=""):
    return f"/supplements/{supplement.pk}/{suffix}"


def _file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _feedback(html: str) -> str:
    """The messages shown in the card's own feedback part."""
    found = re.search(r'<div class="messages" data-feedback="attachments">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_the_card_sits_in_the_workspace_with_a_form_for_the_notice(client, world, open_supplement):
    client.force_login(world.agency_staff)

    page = client.get(_url(open_supplement)).text

    assert 'id="attachments"' in page
    assert "Notice and proof" in page
    assert 'id="notice-form"' in page
    assert 'id="proof-form"' not in page  # the proof comes with recording the submission
    assert "when you record the submission" in page


def test_attach_a_notice_pdf_and_the_email(client, world, open_supplement):
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "attachments/"),
        {"kind": "notice", "file": _file("補正通知.pdf", notice_pdf(), "application/pdf")},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#attachments")
    page = client.get(response["Location"]).text
    assert "“補正通知.pdf” attached as the Notice (補正通知)." in _feedback(page)

    client.post(
        _url(open_supplement, "attachments/"),
        {"kind": "notice", "file": _file("NIA.eml", notice_eml(), "message/rfc822")},
    )
    kinds = SupplementAttachment.objects.values_list("original_name", "content_type")
    assert set(kinds) == {("補正通知.pdf", "application/pdf"), ("NIA.eml", "message/rfc822")}
    page = client.get(_url(open_supplement)).text
    for attachment in SupplementAttachment.objects.all():
        assert _url(open_supplement, f"attachments/{attachment.pk}/download/") in page


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("statement.pdf", encrypted_pdf(), 400, "protected by a password"),
        ("notice.pdf", pe_program(), 415, "is a program"),
    ],
    ids=["encrypted-pdf", "renamed-exe"],
)
def test_a_refused_file_says_why_beside_the_card(
    client, world, open_supplement, name, data, status, words
):
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "attachments/"), {"kind": "notice", "file": _file(name, data)}
    )

    assert response.status_code == status
    assert words in _feedback(response.text)
    assert name in _feedback(response.text)
    assert not SupplementAttachment.objects.exists()


def test_record_the_submission_with_its_proof(client, world, ready_supplement):
    client.force_login(world.agency_staff)
    confirm = client.get(_url(ready_supplement, "submit/")).text
    assert 'enctype="multipart/form-data"' in confirm
    assert 'name="proof"' in confirm

    done = client.post(
        _url(ready_supplement, "submit/"),
        {
            "confirm": "on",
            "submitted_at": _now(),
            "proof": _file("補正完成.png", screenshot_png(), "image/png"),
        },
    )

    assert done.status_code == 302
    supplement = SupplementRequest.objects.get(pk=ready_supplement.pk)
    assert supplement.state == SupplementState.SUBMITTED
    proof = SupplementAttachment.objects.get()
    assert (proof.kind, proof.content_type, proof.uploaded_by) == (
        AttachmentKind.PROOF,
        "image/png",
        world.agency_staff,
    )
    page = client.get(done["Location"]).text
    assert "The proof “補正完成.png” is kept with it." in page
    assert _url(supplement, f"attachments/{proof.pk}/download/") in page
    assert 'id="proof-form"' in page  # a proof can still be added after the submission


def test_a_refused_proof_leaves_the_submission_unrecorded(client, world, ready_supplement):
    client.force_login(world.agency_staff)

    refused = client.post(
        _url(ready_supplement, "submit/"),
        {"confirm": "on", "submitted_at": _now(), "proof": _file("receipt.pdf", encrypted_pdf())},
    )

    assert refused.status_code == 400
    assert "protected by a password" in refused.text
    assert SupplementRequest.objects.get(pk=ready_supplement.pk).state == SupplementState.OPEN
    assert not SupplementAttachment.objects.exists()


def test_who_downloads_what(client, world, ready_supplement):
    notice = services.attachment_add(
        supplement=ready_supplement,
        actor=world.agency_staff,
        kind=AttachmentKind.NOTICE,
        data=notice_eml(),
        name="NIA notice.eml",
    )
    services.supplement_submit(supplement=ready_supplement, actor=world.agency_staff)
    proof = services.attachment_add(
        supplement=ready_supplement,
        actor=world.agency_staff,
        kind=AttachmentKind.PROOF,
        data=screenshot_png(),
        name="done.png",
    )
    notice_url = _url(ready_supplement, f"attachments/{notice.pk}/download/")
    proof_url = _url(ready_supplement, f"attachments/{proof.pk}/download/")

    client.force_login(world.hr_acme)
    response = client.get(notice_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "message/rfc822"
    assert b"".join(response.streaming_content) == notice_eml()

    # The applicant sees the proof, not the notice (nor its name on the page).
    client.force_login(world.applicant_user)
    assert client.get(proof_url).status_code == 200
    assert client.get(notice_url).status_code == 404
    page = client.get(_url(ready_supplement)).text
    assert "done.png" in page
    assert "NIA notice.eml" not in page
    assert 'id="notice-form"' not in page

    for stranger in (world.outsider, world.hr_globex):
        client.force_login(stranger)
        assert client.get(proof_url).status_code == 404
        assert client.get(notice_url).status_code == 404
        response = client.post(_url(ready_supplement, f"attachments/{proof.pk}/remove/"))
        assert response.status_code == 404
    assert SupplementAttachment.objects.count() == 2


def test_remove_a_notice_beside_the_card(client, world, open_supplement):
    notice = services.attachment_add(
        supplement=open_supplement,
        actor=world.hr_acme,
        kind=AttachmentKind.NOTICE,
        data=notice_pdf(),
        name="notice.pdf",
    )
    client.force_login(world.hr_acme)
    page = client.get(_url(open_supplement)).text
    assert f'action="/supplements/{open_supplement.pk}/attachments/{notice.pk}/remove/"' in page

    response = client.post(_url(open_supplement, f"attachments/{notice.pk}/remove/"), follow=True)

    assert "“notice.pdf” removed." in _feedback(response.text)
    assert not SupplementAttachment.objects.exists()
