"""Documents on the pages: upload, remove, reorder, review, the packed upload set and its progress.

A thin layer over the documents services (cases.services.document_add and cases.documents), so the
views stay the same while those grow.
"""

from __future__ import annotations

from cases import services
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


def pack_status(supplement: SupplementRequest):
    """The latest packing of the upload set, if the documents app provides packing."""
    return None


class SheetFile:
    """One file of the upload set as the filing sheet lists it."""

    def __init__(self, *, name: str, size: int, pages: int | None, limit: int, url: str = ""):
        self.name, self.size, self.pages, self.url = name, size, pages, url
        self.over_limit = size > limit


def as_sheet_files(documents) -> list[SheetFile]:
    from django.conf import settings

    return [
        SheetFile(
            name=d.original_name,
            size=d.size,
            pages=d.pages,
            limit=settings.UPLOAD_SET_MAX_FILE_BYTES,
        )
        for d in documents
    ]


def packed_files(pack) -> list[SheetFile] | None:
    """The packed upload set's files, or None while there is no finished packing."""
    return None
