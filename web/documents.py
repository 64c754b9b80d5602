"""Documents on the pages: upload, remove, reorder, review, the packed upload set and its progress.

A thin layer over the documents services (cases.services.document_add/remove and
cases.services / selectors), so the page views stay small.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from cases import services, tenancy
from cases import services as document_services
from cases.documents.selectors import UploadSetStatus
from cases.errors import InvalidInput
from cases.models import Document, SupplementRequest


def add(*, supplement: SupplementRequest, actor, upload, item=None, visibility="all") -> Document:
    data = b"".join(upload.chunks())
    return services.document_add(
        supplement=supplement,
        actor=actor,
        data=data,
        name=upload.name,
        item=item,
        visibility=visibility,
    )


def remove(*, document: Document, actor) -> None:
    services.document_remove(document=document, actor=actor)


def review(*, document: Document, actor, action: str, note: str = "") -> Document:
    if action == "check":
        return document_services.document_mark_checked(document=document, actor=actor, note=note)
    if action == "approve":
        return document_services.document_approve(document=document, actor=actor, note=note)
    if action == "reject":
        return document_services.document_reject(document=document, actor=actor, reason=note)
    raise InvalidInput(field="action")


def move(*, supplement: SupplementRequest, actor, document: Document, step: int) -> None:
    """Move one document up (-1) or down (+1) in the upload order."""
    order = list(supplement.documents.order_by("position", "id").values_list("pk", flat=True))
    index = order.index(document.pk)
    target = index + step
    if not 0 <= target < len(order):
        tenancy.check_can_manage_supplement(actor, supplement.case)  # refused as a real move is
        return
    order[index], order[target] = order[target], order[index]
    document_services.document_reorder(supplement=supplement, actor=actor, order=order)


def pin(*, document: Document, actor, pinned: bool) -> Document:
    return document_services.document_pin(document=document, actor=actor, pinned=pinned)


def pack(*, supplement: SupplementRequest, actor):
    return document_services.pack_request(supplement=supplement, actor=actor)


def pack_status(supplement: SupplementRequest, user) -> UploadSetStatus:
    """The upload set as `user` may see it: no name of a file holding what they may not see."""
    return tenancy.visible_upload_set(user, supplement)


@dataclass(frozen=True)
class SheetFile:
    """One file of the upload set as the filing sheet lists it."""

    name: str
    size: int
    pages: int | None
    url: str = ""
    parts: tuple[dict, ...] = ()  # a packed file's contents (documents and pages)

    @property
    def over_limit(self) -> bool:
        return self.size > settings.UPLOAD_SET_MAX_FILE_BYTES


def as_sheet_files(documents) -> list[SheetFile]:
    return [
        SheetFile(
            name=d.original_name,
            size=d.size,
            pages=d.pages,
            url=reverse("documents:download", args=[d.pk]),
        )
        for d in documents
    ]


def packed_files(status: UploadSetStatus | None) -> list[SheetFile] | None:
    """The packed upload set's files, or None while there is no finished packing of the current
    documents."""
    if status is None or not status.ready:
        return None
    return [
        SheetFile(
            name=f.name,
            size=f.size,
            pages=f.pages,
            url=reverse("documents:packed-download", args=[f.pk]),
            parts=tuple(getattr(f, "parts", ())),
        )
        for f in status.files
    ]
