"""Adding and removing a supplement's documents (the content checks are cases.documents')."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.standing import Writer
from cases import tenancy
from cases.choices import (
    DocumentReview,
    Visibility,
)
from cases.documents import review
from cases.documents.intake import intake
from cases.documents.limits import Limits
from cases.documents.models import (
    DocumentDownload,
    PackedFile,
)
from cases.documents.packer import label_slug
from cases.documents.storage import delete_after_commit, delete_quietly, zip_bytes
from cases.errors import (
    InvalidInput,
    InvalidReview,
)
from cases.locking import lock_open_supplement, touch
from cases.models import (
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementAttachment,
    SupplementRequest,
    history_user,
)
from cases.services.packing import discard_packs_with, pack_request
from cases.services.parts import settle_items


def document_add(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    data: bytes,
    name: str,
    item: RequestedItem | None = None,
    comment: ReviewerComment | None = None,
    visibility: str = Visibility.ALL,
) -> Document:
    """Check a file (real type, encryption, damage, bombs, programs, viruses: cases.documents),
    then store it privately with its metadata and ask for the upload set to be packed again.
    A refused file raises its UploadRefused subclass and leaves nothing stored."""
    tenancy.check_can_upload(actor, supplement.case)
    if actor is not tenancy.SYSTEM and visibility not in tenancy.allowed_visibilities(
        actor, supplement.case
    ):
        raise InvalidInput(_("You cannot hide a document from yourself."), field="visibility")
    # The checks decode the whole file and may call the virus scanner: before any lock.
    checked = intake(data=data, name=name, limits=Limits.from_settings())
    stored_name = ""
    try:
        with transaction.atomic():
            supplement = lock_open_supplement(supplement.pk)
            for related in (item, comment):
                if related is not None and related.supplement_id != supplement.pk:
                    raise InvalidInput(_("That item belongs to another supplement."), field="item")
            position = (supplement.documents.aggregate(last=Max("position"))["last"] or 0) + 1
            document = Document(
                supplement=supplement,
                item=item,
                comment=comment,
                original_name=name[:255],
                size=checked.size,
                content_type=checked.content_type,
                pages=checked.pages,
                encrypted=False,  # encrypted files are refused by the checks
                sha256=checked.sha256,
                position=position,
                visibility=visibility,
                uploaded_by=actor,
            )
            document.file.save(name, ContentFile(checked.data), save=False)
            stored_name = document.file.name
            history_user(actor, document)
            document.save()
            # Not done yet: a document item is done once an approved document answers it.
            settle_items(supplement, actor)
            touch(supplement, actor)
            _pack_again(supplement, actor)
    except BaseException:
        if stored_name:
            delete_quietly([stored_name])  # nothing half-stored
        raise
    return document


@transaction.atomic
def document_remove(*, document: Document, actor: Writer) -> None:

    tenancy.check_can_remove_document(actor, document)
    supplement = lock_open_supplement(document.supplement_id)
    history_user(actor, document)
    discard_packs_with(document)
    delete_after_commit([document.file.name])
    document.delete()
    settle_items(supplement, actor)  # its item may be pending again
    touch(supplement, actor)
    _pack_again(supplement, actor)


def _pack_again(supplement: SupplementRequest, actor: Writer) -> None:
    pack_request(supplement=supplement, actor=actor, automatic=True)


# --- Review and order ------------------------------------------------------------------------
def _review(*, document: Document, actor: Writer, target: str, reason: str = "") -> Document:
    tenancy.check_can_review_document(actor, document, target)
    supplement = lock_open_supplement(document.supplement_id)
    document = Document.objects.select_related("supplement__case").get(pk=document.pk)
    if not review.can_move(document.review_state, target):
        raise InvalidReview(
            _("A document that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": DocumentReview(document.review_state).label,
                "target": DocumentReview(target).label,
            },
            current=document.review_state,
            target=target,
        )
    was_rejected = document.review_state == DocumentReview.REJECTED
    document.review_state = target
    document.review_note = reason.strip()
    document.reviewed_at = timezone.now()
    document.reviewed_by = actor
    history_user(actor, document)
    document.save(update_fields=["review_state", "review_note", "reviewed_at", "reviewed_by"])
    settle_items(supplement, actor)  # approved: its item is done; rejected: pending again
    touch(supplement, actor)
    if was_rejected or target == DocumentReview.REJECTED:
        pack_request(supplement=supplement, actor=actor, automatic=True)  # the set changed
    return document


@transaction.atomic
def document_mark_checked(*, document: Document, actor: Writer, note: str = "") -> Document:
    return _review(document=document, actor=actor, target=DocumentReview.CHECKED, reason=note)


@transaction.atomic
def document_approve(*, document: Document, actor: Writer, note: str = "") -> Document:
    return _review(document=document, actor=actor, target=DocumentReview.APPROVED, reason=note)


@transaction.atomic
def document_reject(*, document: Document, actor: Writer, reason: str) -> Document:
    """Reject with the reason the uploader reads (wrong document, unreadable, expired...)."""
    if not reason.strip():
        raise InvalidInput(_("Say why the document is rejected."), field="reason")
    return _review(document=document, actor=actor, target=DocumentReview.REJECTED, reason=reason)


@transaction.atomic
def document_reorder(*, supplement: SupplementRequest, actor: Writer, order: list[int]) -> None:
    """Set the documents' positions: `order` lists every document id of the supplement once."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    documents = {document.pk: document for document in supplement.documents.all()}
    if sorted(order) != sorted(documents) or len(set(order)) != len(order):
        raise InvalidInput(
            _("List every document of this supplement exactly once."),
            field="order",
            expected=sorted(documents),
        )
    changed = []
    for position, pk in enumerate(order, start=1):
        document = documents[pk]
        if document.position != position:
            document.position = position
            history_user(actor, document)
            changed.append(document)
    for document in changed:
        document.save(update_fields=["position"])
    if changed:
        touch(supplement, actor)
        pack_request(supplement=supplement, actor=actor, automatic=True)


@transaction.atomic
def document_pin(*, document: Document, actor: Writer, pinned: bool) -> Document:
    """Keep a document in a packed file of its own (or let it share one again): the packer never
    merges a pinned document with others. The filing party's choice, like packing itself."""
    tenancy.check_can_pack(actor, document.supplement.case)
    supplement = lock_open_supplement(document.supplement_id)
    document = Document.objects.get(pk=document.pk)
    if document.pinned != pinned:
        document.pinned = pinned
        history_user(actor, document)
        document.save(update_fields=["pinned"])
        touch(supplement, actor)
        pack_request(supplement=supplement, actor=actor, automatic=True)  # the set changed
    return document


@transaction.atomic
def document_rotate(*, document: Document, actor: Writer, page: int, degrees: int = 90) -> Document:
    """Turn one page of a document clockwise in the upload set (a scan fed sideways). The
    stored file stays as uploaded; the packer applies the turn. The filing party's choice, like
    packing; the set is packed again."""
    tenancy.check_can_pack(actor, document.supplement.case)
    supplement = lock_open_supplement(document.supplement_id)
    document = Document.objects.get(pk=document.pk)
    if degrees not in (90, 180, 270):
        raise InvalidInput(_("Turn a page by 90, 180 or 270 degrees."), field="degrees")
    if not 1 <= page <= (document.pages or 1):
        raise InvalidInput(
            _("This document has %(pages)d page(s).") % {"pages": document.pages or 1},
            field="page",
        )
    rotations = dict(document.rotations)
    turned = (rotations.get(str(page), 0) + degrees) % 360
    if turned:
        rotations[str(page)] = turned
    else:
        rotations.pop(str(page), None)  # back upright: nothing to remember
    document.rotations = rotations
    history_user(actor, document)
    document.save(update_fields=["rotations"])
    touch(supplement, actor)
    pack_request(supplement=supplement, actor=actor, automatic=True)  # the set changed
    return document


# --- Downloads -------------------------------------------------------------------------------
def record_download(
    *,
    actor: User,
    document: Document | None = None,
    packed_file: PackedFile | None = None,
    attachment: SupplementAttachment | None = None,
    ip_address: str | None = None,
) -> DocumentDownload:
    given = [f for f in (document, packed_file, attachment) if f is not None]
    if len(given) != 1:
        raise InvalidInput(_("Record one file per download."))
    if document is not None:
        supplement_id, file_name = document.supplement_id, document.original_name
    elif packed_file is not None:
        supplement_id, file_name = packed_file.job.supplement_id, packed_file.name
    elif attachment is not None:
        supplement_id, file_name = attachment.supplement_id, attachment.original_name
    else:
        raise InvalidInput(_("Record one file per download."))
    return DocumentDownload.objects.create(
        user=actor,
        username=actor.get_username(),
        document=document,
        packed_file=packed_file,
        attachment=attachment,
        supplement_id=supplement_id,
        file_name=file_name,
        ip_address=ip_address,
    )


def upload_set_zip(
    *, actor: User, supplement: SupplementRequest, ip_address: str | None = None
) -> tuple[str, bytes]:
    """The whole packed upload set as one zip (file name, bytes), each file under its own name;
    every file is recorded as downloaded. Only for who may see every file of it (else 404)."""
    status = tenancy.check_whole_upload_set(actor, supplement)
    data = zip_bytes((packed.name, packed.file) for packed in status.files)
    for packed in status.files:
        record_download(actor=actor, packed_file=packed, ip_address=ip_address)
    case = supplement.case
    stem = label_slug(case.application_number or case.reference, "upload-set")
    return f"upload-set-{stem}-round-{supplement.round}.zip", data
