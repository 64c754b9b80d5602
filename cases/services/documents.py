"""Adding and removing a supplement's documents (the content checks are cases.documents')."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases import tenancy
from cases.choices import (
    ItemKind,
    ItemState,
    Visibility,
)
from cases.documents.intake import intake
from cases.documents.limits import Limits
from cases.documents.services import discard_packs_with, pack_request
from cases.documents.storage import delete_after_commit, delete_quietly
from cases.errors import (
    InvalidInput,
)
from cases.locking import lock_open_supplement, touch
from cases.models import (
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
    history_user,
)


def document_add(
    *,
    supplement: SupplementRequest,
    actor,
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
            document.file.save(name, ContentFile(data), save=False)
            stored_name = document.file.name
            history_user(actor, document)
            document.save()
            if (
                item is not None
                and item.kind == ItemKind.DOCUMENT
                and item.state == ItemState.PENDING
            ):
                item.state = ItemState.DONE
                history_user(actor, item)
                item.save(update_fields=["state"])
            touch(supplement, actor)
            _pack_again(supplement, actor)
    except BaseException:
        if stored_name:
            delete_quietly([stored_name])  # nothing half-stored
        raise
    return document


@transaction.atomic
def document_remove(*, document: Document, actor) -> None:

    tenancy.check_can_remove_document(actor, document)
    supplement = lock_open_supplement(document.supplement_id)
    history_user(actor, document)
    discard_packs_with(document)
    delete_after_commit([document.file.name])
    document.delete()
    touch(supplement, actor)
    _pack_again(supplement, actor)


def _pack_again(supplement: SupplementRequest, actor) -> None:
    pack_request(supplement=supplement, actor=actor, automatic=True)
