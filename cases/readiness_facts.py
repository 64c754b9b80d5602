"""The facts readiness is judged on (cases.readiness holds the rule itself), gathered from the
database, and the verdict stored on each supplement so lists sort and filter by it in SQL."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from django.conf import settings

from cases.choices import (
    ItemKind,
    ItemState,
    SupplementState,
)
from cases.documents.limits import Limits
from cases.documents.models import PackJob, PackState
from cases.documents.upload_set import answers, upload_set_documents
from cases.documents.upload_set import fingerprint as upload_set_fingerprint
from cases.models import (
    Document,
    RequestedItem,
    SupplementRequest,
)
from cases.readiness import CommentFact, FileFact, ItemFact, Readiness, SupplementFacts, assess


def linked_state(item: RequestedItem, approved: AbstractSet[int]) -> str | None:
    """The state an item follows from what answers it, or None where only people set it (one
    fact once, issue 11): a document item is done once an approved document answers it; a
    correction item linked to a reviewer's comment is done once that comment is resolved (with
    its corrected value), and pending again when it is reopened. "Not needed" is people's word.
    The services store it in the same transaction as the change (cases.services.parts
    .settle_items), so lists filtering in SQL, the API and the admin read the same state."""
    if item.state == ItemState.NOT_NEEDED:
        return None
    if item.kind == ItemKind.DOCUMENT:
        return ItemState.DONE if item.pk in approved else ItemState.PENDING
    comment = item.comment if item.comment_id is not None else None
    if comment is not None:
        return ItemState.DONE if comment.resolved_at is not None else ItemState.PENDING
    return None


def item_facts(
    items, approved: AbstractSet[int], uploaded: AbstractSet[int] = frozenset()
) -> list[ItemFact]:
    """Requested items as readiness facts; `approved` holds the ids of items an approved
    document answers, `uploaded` those a counting (not rejected) document answers (awaiting
    review when not approved). Lists call this on prefetched rows to tell whom work waits on."""
    return [
        ItemFact(
            description=item.description,
            is_document=item.kind == ItemKind.DOCUMENT,
            done=item.state == ItemState.NOT_NEEDED
            or (item.kind == ItemKind.DOCUMENT and item.pk in approved)
            or (item.kind == ItemKind.CORRECTION and item.state == ItemState.DONE),
            has_document=item.pk in uploaded or item.pk in approved,
            waits_on=item.waits_on,
        )
        for item in items
    ]


def upload_set_facts(supplement: SupplementRequest, documents: list[Document]) -> list[FileFact]:
    """The upload set as the platform will see it: the packed files when a pack exists for the
    current documents (same fingerprint), else the documents as uploaded."""
    limits = Limits.from_settings()
    packed = (
        PackJob.objects.filter(
            supplement_id=supplement.pk,
            fingerprint=upload_set_fingerprint(documents, limits),
            state=PackState.DONE,
        )
        .order_by("-id")
        .first()
    )
    if packed is not None:
        return [
            FileFact(name=name, size=size, content_type="application/pdf")
            for name, size in packed.files.order_by("position").values_list("name", "size")
        ]
    return [
        FileFact(
            name=document.original_name,
            size=document.size,
            content_type=document.content_type,
            encrypted=document.encrypted,
            visibility=document.visibility,
        )
        for document in documents
    ]


def supplement_facts(supplement: SupplementRequest) -> SupplementFacts:
    comments = [
        CommentFact(tab=tab, resolved=resolved_at is not None)
        for tab, resolved_at in supplement.comments.values_list("tab", "resolved_at")
    ]
    documents = upload_set_documents(supplement)  # not rejected, in upload-set order
    uploaded = {document.item_id for document in documents if document.item_id}
    approved = {
        document.item_id for document in documents if document.item_id and answers(document)
    }
    items = item_facts(supplement.items.all(), approved, uploaded)
    return SupplementFacts(
        comments=comments,
        items=items,
        upload_set=upload_set_facts(supplement, documents),
        reply=supplement.reply,
        max_files=settings.UPLOAD_SET_MAX_FILES,
        max_file_bytes=settings.UPLOAD_SET_MAX_FILE_BYTES,
    )


def refresh_readiness(supplement: SupplementRequest) -> Readiness:
    """Assess readiness and store the verdict on the row (lists sort by it in SQL)."""
    readiness = assess(supplement_facts(supplement))
    stored = [item.as_dict() for item in readiness.missing]
    if supplement.is_ready != readiness.ready or supplement.missing != stored:
        SupplementRequest.objects.filter(pk=supplement.pk).update(
            is_ready=readiness.ready, missing=stored
        )
        supplement.is_ready, supplement.missing = readiness.ready, stored
    return readiness


# A data migration cannot run this module (it reads today's columns): it marks the supplements
# whose stored verdict must be assessed again with this code, and `reassess_marked` runs after
# every migration has been applied (cases.apps).
REASSESS = "reassess"


def reassess_marked() -> int:
    """Assess again the open supplements a migration marked; returns how many."""
    marked = [
        supplement
        for supplement in SupplementRequest.objects.filter(state=SupplementState.OPEN).only(
            "pk", "missing"
        )
        if any(entry.get("code") == REASSESS for entry in supplement.missing)
    ]
    for supplement in marked:
        refresh_readiness(SupplementRequest.objects.get(pk=supplement.pk))
    return len(marked)
