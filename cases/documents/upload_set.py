"""Which documents make up a supplement's upload set, in which order, and their fingerprint.

Order (issue 5): by the platform tab the answered comment sits on (基本資料 … 完成送出), then by
that comment and the requested item, then by the documents' own position. Documents answering the
same item (or comment) form one group, packed together and named after it. Rejected documents
are not part of the set.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

from django.db.models import Exists, OuterRef, Q
from django.utils import translation

from cases.choices import TAB_ORDER, DocumentReview, PlatformTab
from cases.documents.limits import Limits
from cases.documents.packer import PackInput
from cases.models import Document, ReviewerComment, SupplementRequest

# Bump when the packer's output for the same documents changes, so stored packs are redone.
PACKER_VERSION = "2"  # 2: every slot used before merging; contents; pinned documents
LAST = 1 << 30


def _comment(document: Document) -> ReviewerComment | None:
    if document.comment_id:
        return document.comment
    if document.item is not None and document.item.comment_id:
        return document.item.comment
    return None


def sort_key(document: Document) -> tuple:
    comment = _comment(document)
    tab = comment.tab if comment else PlatformTab.UPLOAD
    return (
        TAB_ORDER[tab],
        comment.position if comment else LAST,
        document.item.position if document.item is not None else LAST,
        document.position,
        document.pk,
    )


def group_of(document: Document) -> str:
    if document.pinned:
        return f"document:{document.pk}"  # a group of its own, never merged (the packer)
    if document.item_id:
        return f"item:{document.item_id}"
    if document.comment_id:
        return f"comment:{document.comment_id}"
    return f"document:{document.pk}"


def tab_of(document: Document) -> str:
    """The platform tab of the comment the document answers, in English (a file name's words
    when the item or the comment is written in Chinese only), else ""."""
    comment = _comment(document)
    if comment is None:
        return ""
    with translation.override("en"):
        return str(PlatformTab(comment.tab).label)


def label_of(document: Document) -> str:
    """What the packed file is named after: the requested item, else the comment's field or
    text, else the file's own name."""
    if document.item is not None:
        return document.item.description
    if document.comment is not None:
        return document.comment.field_label or document.comment.text[:80]
    return PurePath(document.original_name).stem


# The one rule for which documents count: they are in the upload set (not rejected).
COUNTS = ~Q(review_state=DocumentReview.REJECTED)
# And the one rule for when a document item is answered (issue 11): an APPROVED document answers
# it; a counted one not yet approved waits on review. Readiness, the lists' "waiting on", the
# alerts and the stored item state (cases.services.parts.settle_items) all read it from here.
ANSWERS = Q(review_state=DocumentReview.APPROVED)


def counts(document: Document) -> bool:
    """COUNTS for a document already loaded (pages filter their rows with it, not a query)."""
    return document.review_state != DocumentReview.REJECTED


def answers(document: Document) -> bool:
    """ANSWERS for a document already loaded."""
    return document.review_state == DocumentReview.APPROVED


def answered_by_document(item: str = "pk") -> Exists:
    """True where an approved document answers the requested item `item` (an OuterRef path)."""
    return Exists(Document.objects.filter(ANSWERS, item=OuterRef(item)))


def uploaded_for(item: str = "pk") -> Exists:
    """True where a counting document (approved or waiting for review) answers `item`."""
    return Exists(Document.objects.filter(COUNTS, item=OuterRef(item)))


def answered_item_ids(supplement: SupplementRequest) -> set[int]:
    """The ids of the supplement's requested items that an approved document answers."""
    return item_answers(supplement)[0]


def item_answers(supplement: SupplementRequest) -> tuple[set[int], set[int]]:
    """(ids of items an approved document answers, ids of items a counting document answers),
    in one query."""
    approved: set[int] = set()
    uploaded: set[int] = set()
    rows = (
        Document.objects.filter(COUNTS, item__supplement_id=supplement.pk)
        .exclude(item=None)
        .values_list("item_id", "review_state")
    )
    for item_id, state in rows:
        uploaded.add(item_id)
        if state == DocumentReview.APPROVED:
            approved.add(item_id)
    return approved, uploaded


def upload_set_documents(supplement: SupplementRequest) -> list[Document]:
    documents = Document.objects.filter(COUNTS, supplement_id=supplement.pk).select_related(
        "item", "item__comment", "comment"
    )
    return sorted(documents, key=sort_key)


def fingerprint(documents: list[Document], limits: Limits) -> str:
    """Changes whenever packing would give another result: content, order, grouping, names, limits."""
    payload = {
        "version": PACKER_VERSION,
        "limits": [limits.max_files, limits.max_file_bytes],
        "documents": [
            [
                document.pk,
                document.sha256,
                group_of(document),
                label_of(document),
                tab_of(document),
                document.pinned,
                *([document.rotations] if document.rotations else []),  # old packs stay current
            ]
            for document in documents
        ],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def pack_input(document: Document, data: bytes) -> PackInput:
    return PackInput(
        key=str(document.pk),
        name=document.original_name,
        label=label_of(document),
        group=group_of(document),
        data=data,
        content_type=document.content_type,
        pinned=document.pinned,
        tab=tab_of(document),
        rotations=tuple(
            sorted((int(page), degrees) for page, degrees in document.rotations.items())
        ),
    )
