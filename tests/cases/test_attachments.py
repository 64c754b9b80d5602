"""The notice and the proof of submission (issue 11, item 8), through the services: real files,
checked by content; who sees and removes which; never part of the upload set."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404

from cases import services, tenancy
from cases.choices import AttachmentKind
from cases.documents.limits import Limits
from cases.documents.models import PackJob
from cases.documents.upload_set import fingerprint, upload_set_documents
from cases.errors import (
    DisguisedExecutable,
    EncryptedPdf,
    FileTooLarge,
    InvalidInput,
    SupplementLocked,
    UnsupportedType,
)
from cases.models import SupplementAttachment
from tests.cases.attachment_files import (
    notice_eml,
    notice_eml_mime_first,
    notice_pdf,
    screenshot_png,
)
from tests.documents.files import encrypted_pdf, pe_program, small_pdf
from tests.factories import UserFactory

NOTICE, PROOF = AttachmentKind.NOTICE, AttachmentKind.PROOF


def stored_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "documents" / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def add(supplement, actor, kind, data, name):
    return services.attachment_add(
        supplement=supplement, actor=actor, kind=kind, data=data, name=name
    )


def submit(supplement, actor):
    return services.supplement_submit(supplement=supplement, actor=actor, force=True)


def test_a_notice_pdf_and_an_email_are_kept_privately(world, open_supplement, tmp_path):
    pdf = add(open_supplement, world.agency_staff, NOTICE, notice_pdf(), "補正通知.pdf")
    email = add(open_supplement, world.hr_acme, NOTICE, notice_eml(), "NIA notice.eml")
    other_order = add(open_supplement, world.agency_staff, NOTICE, notice_eml_mime_first(), "n.eml")

    assert (pdf.content_type, email.content_type, other_order.content_type) == (
        "application/pdf",
        "message/rfc822",
        "message/rfc822",
    )
    assert pdf.original_name == "補正通知.pdf"
    assert pdf.uploaded_by == world.agency_staff
    # A random private name, not the uploader's.
    assert pdf.file.name.startswith(f"attachments/{open_supplement.case_id}/")
    assert "補正" not in pdf.file.name
    assert default_storage.open(email.file.name).read() == notice_eml()
    assert len(stored_files(tmp_path)) == 3
    assert pdf.history.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "error", "words"),
    [
        (encrypted_pdf, "notice.pdf", EncryptedPdf, "password"),
        (pe_program, "notice.pdf", DisguisedExecutable, "program"),
        (pe_program, "notice.exe", UnsupportedType, "program"),
        (lambda: b"just some words, not an e-mail", "notice.eml", UnsupportedType, "notice"),
        (lambda: b"%PDF-1.4 " + b"0" * (10 * 1024 * 1024), "big.pdf", FileTooLarge, "10 MB"),
    ],
    ids=["encrypted-pdf", "renamed-exe", "exe", "text-as-eml", "over-10-mb"],
)
def test_refused_files_say_why_and_leave_nothing(
    world, open_supplement, tmp_path, data, name, error, words
):
    with pytest.raises(error) as refused:
        add(open_supplement, world.agency_staff, NOTICE, data(), name)

    assert name in refused.value.message
    assert words in refused.value.message
    assert not SupplementAttachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_the_proof_is_a_screenshot_or_a_receipt_never_an_email(world, open_supplement):
    submit(open_supplement, world.agency_staff)

    with pytest.raises(UnsupportedType) as refused:
        add(open_supplement, world.agency_staff, PROOF, notice_eml(), "notice.eml")
    assert "補正完成" in refused.value.message
    assert add(open_supplement, world.agency_staff, PROOF, small_pdf("receipt"), "receipt.pdf")


def test_the_proof_comes_with_the_submission_and_after_it(world, open_supplement, tmp_path):
    with pytest.raises(InvalidInput):
        add(open_supplement, world.agency_staff, PROOF, screenshot_png(), "done.png")
    assert stored_files(tmp_path) == []

    submit(open_supplement, world.agency_staff)
    proof = add(open_supplement, world.agency_staff, PROOF, screenshot_png(), "補正完成.png")
    # The notice may still be filed for the record once submitted.
    notice = add(open_supplement, world.agency_staff, NOTICE, notice_pdf(), "notice.pdf")

    assert proof.content_type == "image/png"
    assert notice.supplement_id == proof.supplement_id == open_supplement.pk


def test_who_attaches_which(world, open_supplement):
    # HR on the agency's case may attach the notice (it often reaches them first), not the proof;
    # the applicant attaches neither on a case someone else files.
    add(open_supplement, world.hr_acme, NOTICE, notice_pdf(), "notice.pdf")
    with pytest.raises(PermissionDenied):
        add(open_supplement, world.applicant_user, NOTICE, notice_pdf(), "notice.pdf")
    submit(open_supplement, world.agency_staff)
    with pytest.raises(PermissionDenied):
        add(open_supplement, world.hr_acme, PROOF, screenshot_png(), "done.png")
    with pytest.raises(Http404):
        add(open_supplement, world.outsider, PROOF, screenshot_png(), "done.png")


def test_the_applicant_sees_the_proof_but_not_the_notice(world, open_supplement):
    notice = add(open_supplement, world.agency_staff, NOTICE, notice_pdf(), "notice.pdf")
    submit(open_supplement, world.agency_staff)
    proof = add(open_supplement, world.agency_staff, PROOF, screenshot_png(), "done.png")

    def seen(user):
        return set(tenancy.visible_attachments(user, open_supplement))

    assert seen(world.agency_staff) == seen(world.hr_acme) == {notice, proof}
    assert seen(world.applicant_user) == {proof}
    assert seen(world.outsider) == seen(world.hr_globex) == set()
    assert tenancy.access_attachment(world.applicant_user, proof.pk) == proof
    with pytest.raises(Http404):
        tenancy.access_attachment(world.applicant_user, notice.pk)
    for stranger in (world.outsider, world.hr_globex):
        for attachment in (notice, proof):
            with pytest.raises(Http404):
                tenancy.access_attachment(stranger, attachment.pk)


def test_a_self_filing_applicant_keeps_their_own_notice(world):
    import datetime as dt

    from django.utils import timezone

    from cases.choices import DeadlineRule, RequestingBody

    case = world.self_case
    supplement = services.supplement_create(
        case=case,
        actor=None,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=2),
        rule=DeadlineRule.DAYS_30,
    )
    user = UserFactory(username="self-filer")
    case.applicant.user = user
    case.applicant.save()
    notice = add(supplement, user, NOTICE, notice_eml(), "notice.eml")
    assert tenancy.access_attachment(user, notice.pk) == notice


def test_removing_the_notice_while_open_and_the_proof_at_any_time(
    world, open_supplement, tmp_path, django_capture_on_commit_callbacks
):
    by_hr = add(open_supplement, world.hr_acme, NOTICE, notice_pdf(), "hr.pdf")
    by_staff = add(open_supplement, world.agency_staff, NOTICE, notice_eml(), "staff.eml")

    # The uploader removes their own; HR cannot remove the agency's.
    with pytest.raises(PermissionDenied):
        services.attachment_remove(attachment=by_staff, actor=world.hr_acme)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        services.attachment_remove(attachment=by_hr, actor=world.hr_acme)

    submit(open_supplement, world.agency_staff)
    proof = add(open_supplement, world.agency_staff, PROOF, screenshot_png(), "done.png")
    # Once submitted the notice is part of the frozen record; a wrong proof can still be replaced.
    with pytest.raises(SupplementLocked):
        services.attachment_remove(attachment=by_staff, actor=world.agency_staff)
    with pytest.raises(PermissionDenied):
        services.attachment_remove(attachment=proof, actor=world.hr_acme)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=proof, actor=world.agency_staff)

    assert list(SupplementAttachment.objects.all()) == [by_staff]
    assert len(stored_files(tmp_path)) == 1


def test_attachments_never_enter_the_upload_set(world, open_supplement, settings):
    settings.UPLOAD_SET_AUTO_PACK = False
    services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=small_pdf("cv"), name="cv.pdf"
    )
    open_supplement.refresh_from_db()
    limits = Limits.from_settings()
    documents_before = upload_set_documents(open_supplement)
    packed_before = fingerprint(documents_before, limits)
    version, jobs = open_supplement.version, PackJob.objects.count()

    add(open_supplement, world.agency_staff, NOTICE, notice_pdf(), "notice.pdf")
    add(open_supplement, world.agency_staff, NOTICE, notice_eml(), "notice.eml")
    open_supplement.refresh_from_db()

    documents_after = upload_set_documents(open_supplement)
    assert [d.pk for d in documents_after] == [d.pk for d in documents_before]
    assert fingerprint(documents_after, limits) == packed_before
    assert open_supplement.version == version  # not a content change: nothing to pack again
    assert PackJob.objects.count() == jobs
