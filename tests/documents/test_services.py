"""Documents through the services: checked uploads that leave nothing behind when refused, review
states with history, order, and the upload set packed, reused, recovered and read by readiness."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.db import DataError
from django.http import Http404
from django.utils import timezone

from cases import services
from cases import services as document_services
from cases.choices import DocumentReview, ItemKind, PlatformTab, Visibility
from cases.documents.models import PackedFile, PackJob, PackState
from cases.documents.selectors import upload_set_status
from cases.errors import (
    CorruptFile,
    DecompressionBomb,
    DisguisedExecutable,
    EmptyFile,
    EncryptedPdf,
    InvalidInput,
    InvalidReview,
    ReviewNotAllowed,
    SupplementLocked,
    UnsupportedType,
    VirusFound,
)
from cases.models import Document
from tests.documents import files

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def add(supplement, actor, data: bytes, name: str, **extra) -> Document:
    return services.document_add(supplement=supplement, actor=actor, data=data, name=name, **extra)


def big_photo() -> bytes:
    """A phone photo over the platform's 1,000,000 bytes."""
    data = files.jpeg(files.photo(11, (3000, 2250)), quality=95)
    assert len(data) > 1_000_000
    return data


# --- Upload checks ----------------------------------------------------------------------------
def test_an_accepted_upload_is_stored_with_what_its_content_says(world, open_supplement, settings):
    data = files.jpeg(files.photo(1, (800, 600)))
    document = add(open_supplement, world.agency_staff, data, "passport.pdf")  # the name lies
    document.refresh_from_db()
    assert (document.content_type, document.pages, document.size) == ("image/jpeg", 1, len(data))
    assert (document.encrypted, document.review_state) == (False, DocumentReview.UPLOADED)
    assert document.file.read() == data
    # Stored under a random name: the original name is only a column.
    assert stored_files(settings) == [document.file.name]
    assert "passport" not in document.file.name


@pytest.mark.parametrize(
    ("make", "name", "error"),
    [
        (lambda: b"", "empty.pdf", EmptyFile),
        (files.encrypted_pdf, "statement.pdf", EncryptedPdf),
        (files.owner_restricted_pdf, "diploma.pdf", EncryptedPdf),
        (lambda: files.truncated(files.small_pdf("cut"), 0.5), "cut.pdf", CorruptFile),
        (files.elf_program, "passport.pdf", DisguisedExecutable),
        (files.pe_program, "photo.jpg", DisguisedExecutable),
        (files.png_bomb, "scan.png", DecompressionBomb),
        (files.word_document, "cv.docx", UnsupportedType),
    ],
)
def test_a_refused_upload_stores_nothing(world, open_supplement, settings, make, name, error):
    version = open_supplement.version
    with pytest.raises(error):
        add(open_supplement, world.agency_staff, make(), name)
    open_supplement.refresh_from_db()
    assert Document.objects.count() == 0
    assert PackJob.objects.count() == 0
    assert stored_files(settings) == []
    assert open_supplement.version == version


def test_malware_is_refused_and_nothing_stored(world, open_supplement, settings):
    settings.VIRUS_SCANNER = "test"
    with pytest.raises(VirusFound) as caught:
        add(open_supplement, world.agency_staff, files.pdf_with_eicar(), "invoice.pdf")
    assert caught.value.params["signature"] == "Eicar-Test-Signature"
    assert (Document.objects.count(), stored_files(settings)) == (0, [])


def test_a_database_failure_after_the_file_was_written_removes_the_file(
    postgres_only, world, open_supplement, settings
):
    # The system (actor None) skips the visibility check, so the bad value reaches the database.
    with pytest.raises(DataError):
        add(open_supplement, None, files.small_pdf(), "a.pdf", visibility="x" * 40)
    assert (Document.objects.count(), stored_files(settings)) == (0, [])


def test_removing_a_document_removes_its_file_after_commit(
    world, open_supplement, settings, django_capture_on_commit_callbacks
):
    document = add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=document, actor=world.agency_staff)
    assert (Document.objects.count(), stored_files(settings)) == (0, [])


def test_removing_a_document_discards_the_packs_that_hold_its_pages(
    world, open_supplement, settings, django_capture_on_commit_callbacks
):
    kept = add(open_supplement, world.agency_staff, files.small_pdf("kept"), "kept.pdf")
    removed = add(open_supplement, world.agency_staff, files.small_pdf("gone"), "gone.pdf")
    job = document_services.pack_run(job_id=queued_job(open_supplement).pk)
    assert job.files.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=removed, actor=world.agency_staff)
    assert not PackJob.objects.filter(pk=job.pk).exists()
    assert stored_files(settings) == [kept.file.name]
    assert queued_job(open_supplement).state == PackState.QUEUED  # packing again follows


# --- Review ------------------------------------------------------------------------------------
def test_review_path_with_history(world, open_supplement):
    document = add(open_supplement, world.hr_acme, files.small_pdf(), "contract.pdf")
    document_services.document_mark_checked(document=document, actor=world.agency_staff)
    document = document_services.document_approve(document=document, actor=world.agency_admin)
    assert (document.review_state, document.reviewed_by) == (
        DocumentReview.APPROVED,
        world.agency_admin,
    )
    history = [
        (row.review_state, row.history_user)
        for row in document.history.order_by("history_date", "history_id")
    ]
    assert history == [
        (DocumentReview.UPLOADED, world.hr_acme),
        (DocumentReview.CHECKED, world.agency_staff),
        (DocumentReview.APPROVED, world.agency_admin),
    ]


def test_rejection_needs_a_reason_and_reopens_the_item(world, open_supplement):
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Employment certificate",
    )
    document = add(open_supplement, world.hr_acme, files.small_pdf(), "cert.pdf", item=item)
    open_supplement.refresh_from_db()
    assert "document_missing" not in [entry["code"] for entry in open_supplement.missing]
    with pytest.raises(InvalidInput):
        document_services.document_reject(document=document, actor=world.agency_staff, reason=" ")
    document = document_services.document_reject(
        document=document, actor=world.agency_staff, reason="Not signed by the employer"
    )
    assert (document.review_state, document.review_note) == (
        DocumentReview.REJECTED,
        "Not signed by the employer",
    )
    open_supplement.refresh_from_db()
    assert {"code": "document_missing", "params": {"item": "Employment certificate"}} in (
        open_supplement.missing
    )


def test_only_the_agency_approves_on_an_agency_case(world, open_supplement):
    document = add(open_supplement, world.applicant_user, files.small_pdf(), "mine.pdf")
    for actor in (world.hr_acme, world.applicant_user):
        with pytest.raises(ReviewNotAllowed):
            document_services.document_approve(document=document, actor=actor)
        with pytest.raises(ReviewNotAllowed):
            document_services.document_mark_checked(document=document, actor=actor)
    with pytest.raises(Http404):  # another agency does not see the case at all
        document_services.document_approve(document=document, actor=world.outsider)
    document.refresh_from_db()
    assert document.review_state == DocumentReview.UPLOADED


def test_review_moves_only_along_its_states(world, open_supplement):
    document = add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    document_services.document_approve(document=document, actor=world.agency_staff)
    with pytest.raises(InvalidReview) as caught:
        document_services.document_mark_checked(document=document, actor=world.agency_staff)
    assert caught.value.params == {"current": "approved", "target": "checked"}


def test_no_review_after_submission(world, open_supplement):
    document = add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    services.supplement_submit(supplement=open_supplement, actor=world.agency_staff, force=True)
    with pytest.raises(SupplementLocked):
        document_services.document_approve(document=document, actor=world.agency_staff)


def test_reorder(world, open_supplement):
    first = add(open_supplement, world.agency_staff, files.small_pdf("1"), "1.pdf")
    second = add(open_supplement, world.agency_staff, files.small_pdf("2"), "2.pdf")
    document_services.document_reorder(
        supplement=open_supplement, actor=world.agency_staff, order=[second.pk, first.pk]
    )
    assert list(open_supplement.documents.values_list("pk", "position")) == [
        (second.pk, 1),
        (first.pk, 2),
    ]
    with pytest.raises(InvalidInput):
        document_services.document_reorder(
            supplement=open_supplement, actor=world.agency_staff, order=[first.pk]
        )


# --- Packing ---------------------------------------------------------------------------------
def queued_job(supplement) -> PackJob:
    (job,) = PackJob.objects.filter(supplement=supplement, state=PackState.QUEUED)
    return job


def test_every_document_change_asks_for_a_new_pack(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf("1"), "1.pdf")
    add(open_supplement, world.agency_staff, files.small_pdf("2"), "2.pdf")
    fingerprints = list(PackJob.objects.values_list("fingerprint", flat=True))
    assert len(fingerprints) == 2
    assert len(set(fingerprints)) == 2


def test_pack_through_the_service_orders_by_tab_and_item(world, open_supplement, settings):
    actor = world.agency_staff
    field_comment = services.comment_add(
        supplement=open_supplement, actor=actor, tab=PlatformTab.FIELD, text="Proof of salary"
    )
    passport_comment = services.comment_add(
        supplement=open_supplement, actor=actor, tab=PlatformTab.PASSPORT, text="Passport expired"
    )
    passport = services.item_add(
        supplement=open_supplement,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        description="New passport data page (新護照資料頁)",
        comment=passport_comment,
    )
    salary = services.item_add(
        supplement=open_supplement,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        description="Tax statement 2025",
        comment=field_comment,
    )
    # Uploaded in the "wrong" order: the set follows the platform's tabs.
    tax = add(open_supplement, world.hr_acme, files.scan_pages(8), "tax.pdf", item=salary)
    photo = add(open_supplement, world.applicant_user, big_photo(), "IMG_0042.JPG", item=passport)
    job = document_services.pack_request(supplement=open_supplement, actor=actor)
    assert job.state == PackState.QUEUED

    done = document_services.pack_run(job_id=job.pk)

    assert (done.state, done.progress, done.error_code) == (PackState.DONE, 100, "")
    packed = list(done.files.order_by("position"))
    assert 2 <= len(packed) <= 5
    assert packed[0].name == "01-new-passport-data-page.pdf"
    assert all(f.name.split("-", 1)[1].startswith("tax-statement-2025") for f in packed[1:])
    assert [list(f.documents.all()) for f in packed] == [[photo]] + [[tax]] * (len(packed) - 1)
    assert sum(f.pages for f in packed) == 9
    for packed_file in packed:
        data = packed_file.file.read()
        assert len(data) == packed_file.size <= settings.UPLOAD_SET_MAX_FILE_BYTES
        with pikepdf.open(io.BytesIO(data)) as document:
            assert (document.is_encrypted, len(document.pages)) == (False, packed_file.pages)
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == packed_file.pages


def test_readiness_reads_the_packed_set_for_the_current_documents(world, open_supplement):
    add(open_supplement, world.agency_staff, big_photo(), "IMG_1.JPG")
    open_supplement.refresh_from_db()
    assert [entry["code"] for entry in open_supplement.missing] == [
        "file_too_large",
        "reply_empty",
    ]

    document_services.pack_run(job_id=queued_job(open_supplement).pk)
    open_supplement.refresh_from_db()
    assert [entry["code"] for entry in open_supplement.missing] == ["reply_empty"]
    facts = services.supplement_facts(open_supplement)
    assert [(fact.name, fact.content_type) for fact in facts.upload_set] == [
        ("01-img-1.pdf", "application/pdf")
    ]

    # Another document: until it is packed, the raw documents are the set again.
    add(open_supplement, world.agency_staff, big_photo(), "IMG_2.JPG")
    open_supplement.refresh_from_db()
    assert [entry["code"] for entry in open_supplement.missing] == [
        "file_too_large",
        "file_too_large",
        "reply_empty",
    ]


def test_a_pack_is_reused_until_the_documents_change(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    job = document_services.pack_run(job_id=queued_job(open_supplement).pk)
    again = document_services.pack_request(supplement=open_supplement, actor=world.agency_staff)
    assert again.pk == job.pk
    assert PackJob.objects.count() == 1
    status = upload_set_status(supplement=open_supplement)
    assert (status.job.pk, status.is_current, status.ready) == (job.pk, True, True)
    add(open_supplement, world.agency_staff, files.small_pdf("b"), "b.pdf")
    status = upload_set_status(supplement=open_supplement)
    assert (status.job.state, status.is_current, status.ready) == (PackState.QUEUED, True, False)


def test_running_a_job_twice_does_the_work_once(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    job = queued_job(open_supplement)
    document_services.pack_run(job_id=job.pk)
    files_before = list(PackedFile.objects.values_list("pk", "file"))
    assert document_services.pack_run(job_id=job.pk) is None
    assert list(PackedFile.objects.values_list("pk", "file")) == files_before


def test_a_job_for_documents_that_changed_is_superseded(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf("a"), "a.pdf")
    old = queued_job(open_supplement)
    add(open_supplement, world.agency_staff, files.small_pdf("b"), "b.pdf")
    old.refresh_from_db()
    assert (old.state, old.error_code) == (PackState.FAILED, "superseded")
    assert document_services.pack_run(job_id=old.pk) is None  # a late message does nothing


def test_documents_back_as_they_were_are_packed_again(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf("a"), "a.pdf")
    first = queued_job(open_supplement)
    extra = add(open_supplement, world.agency_staff, files.small_pdf("b"), "b.pdf")
    services.document_remove(document=extra, actor=world.agency_staff)
    again = queued_job(open_supplement)  # same documents as the superseded first job
    assert (again.fingerprint, again.pk != first.pk) == (first.fingerprint, True)


def test_a_claimed_job_whose_documents_changed_meanwhile_is_superseded(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf("a"), "a.pdf")
    job = queued_job(open_supplement)
    # The documents change under a running job (its row is claimed, so it stays)...
    PackJob.objects.filter(pk=job.pk).update(
        state=PackState.RUNNING, attempts=1, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    add(open_supplement, world.agency_staff, files.small_pdf("b"), "b.pdf")
    finished = document_services.pack_run(job_id=job.pk)  # ...and it is claimed again, stale
    assert (finished.state, finished.error_code) == (PackState.FAILED, "superseded")


def test_a_set_that_cannot_fit_fails_with_the_documents_named(world, open_supplement, settings):
    settings.UPLOAD_SET_MAX_FILE_BYTES = 60_000
    noisy = files.jpeg(files.noise((2400, 1800), 3, "RGB"), quality=95)
    document = add(open_supplement, world.agency_staff, noisy, "noise.jpg")
    failed = document_services.pack_run(job_id=queued_job(open_supplement).pk)
    assert (failed.state, failed.error_code) == (PackState.FAILED, "upload_set_too_large")
    assert failed.error_params["reason"] == "page_too_large"
    assert [entry["key"] for entry in failed.error_params["documents"]] == [str(document.pk)]
    assert "“noise.jpg”" in failed.error
    # Asked again for the same documents: the automatic path does not repeat a known failure.
    assert (
        document_services.pack_request(
            supplement=open_supplement, actor=world.agency_staff, automatic=True
        )
        is None
    )


def test_a_new_pack_replaces_the_old_one_and_its_files(
    world, open_supplement, settings, django_capture_on_commit_callbacks
):
    add(open_supplement, world.agency_staff, files.small_pdf("a"), "a.pdf")
    first = document_services.pack_run(job_id=queued_job(open_supplement).pk)
    first_file = first.files.get().file.name
    add(open_supplement, world.agency_staff, files.small_pdf("b"), "b.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        second = document_services.pack_run(job_id=queued_job(open_supplement).pk)
    assert list(PackJob.objects.values_list("pk", flat=True)) == [second.pk]
    assert first_file not in stored_files(settings)
    packs = [name for name in stored_files(settings) if name.startswith("packs/")]
    assert sorted(packs) == sorted(second.files.values_list("file", flat=True))


def test_a_job_left_running_by_a_killed_worker_is_sent_again(
    world, open_supplement, django_capture_on_commit_callbacks, eager_celery
):
    add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    job = queued_job(open_supplement)
    # A worker claimed it, then died: the row says running, its heartbeat stops.
    long_ago = timezone.now() - dt.timedelta(hours=1)
    PackJob.objects.filter(pk=job.pk).update(
        state=PackState.RUNNING, attempts=1, heartbeat_at=long_ago, started_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert document_services.pack_recover_stale() == 1
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts, job.files.count()) == (PackState.DONE, 2, 1)


def test_a_fresh_running_job_is_left_alone_and_a_hopeless_one_fails(world, open_supplement):
    add(open_supplement, world.agency_staff, files.small_pdf(), "a.pdf")
    job = queued_job(open_supplement)
    PackJob.objects.filter(pk=job.pk).update(
        state=PackState.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert document_services.pack_recover_stale() == 0
    assert document_services.pack_run(job_id=job.pk) is None  # someone alive holds it
    PackJob.objects.filter(pk=job.pk).update(
        attempts=3, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert document_services.pack_recover_stale() == 0
    job.refresh_from_db()
    assert (job.state, job.error_code) == (PackState.FAILED, "worker_lost")


def test_visibility_of_a_document_is_kept(world, open_supplement):
    document = add(
        open_supplement,
        world.agency_staff,
        files.small_pdf(),
        "a.pdf",
        visibility=Visibility.AGENCY_ONLY,
    )
    assert Document.objects.get(pk=document.pk).visibility == Visibility.AGENCY_ONLY
