"""The facts readiness is judged on (cases.readiness holds the rule itself), gathered from the
database, and the verdict stored on each supplement so lists sort and filter by it in SQL."""

from __future__ import annotations

from django.conf import settings

from cases.choices import (
    ItemKind,
    ItemState,
)
from cases.documents.limits import Limits
from cases.documents.models import PackJob, PackState
from cases.documents.upload_set import fingerprint as upload_set_fingerprint
from cases.documents.upload_set import upload_set_documents
from cases.models import (
    Document,
    SupplementRequest,
)
from cases.readiness import CommentFact, FileFact, ItemFact, Readiness, SupplementFacts, assess


def item_facts(items, with_document: set[int]) -> list[ItemFact]:
    """Requested items as readiness facts; `with_document` holds the ids of items that have a
    (not rejected) document. Lists call this on prefetched rows to tell whom work waits on."""
    return [
        ItemFact(
            description=item.description,
            is_document=item.kind == ItemKind.DOCUMENT,
            done=item.state == ItemState.NOT_NEEDED
            or (item.kind == ItemKind.DOCUMENT and item.pk in with_document)
            or (item.kind == ItemKind.CORRECTION and item.state == ItemState.DONE),
            has_document=item.pk in with_document,
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
        )
        for document in documents
    ]


def supplement_facts(supplement: SupplementRequest) -> SupplementFacts:
    comments = [
        CommentFact(tab=tab, resolved=resolved_at is not None)
        for tab, resolved_at in supplement.comments.values_list("tab", "resolved_at")
    ]
    documents = upload_set_documents(supplement)  # not rejected, in upload-set order
    with_document = {document.item_id for document in documents if document.item_id}
    items = item_facts(supplement.items.all(), with_document)
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
