"""Private storage helpers over Django's `STORAGES["default"]` (a local folder, or an S3 bucket
with private ACLs and signed URLs never handed out): files are only ever served by
web.downloads after the access check."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse

logger = logging.getLogger(__name__)


def read_bytes(field: FieldFile) -> bytes:
    if not field.name:
        raise FileNotFoundError("the field holds no file")
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def delete_quietly(names: Iterable[str]) -> None:
    """Remove stored files; a file already gone is fine, a storage error is logged, not raised
    (the rows are already consistent; a leftover file is harmless and private)."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("could not delete stored file %s", name)


def delete_after_commit(names: Iterable[str]) -> None:
    names = list(names)
    if names:
        transaction.on_commit(lambda: delete_quietly(names))


def file_response(field: FieldFile, filename: str, content_type: str) -> FileResponse:
    """How a stored file leaves (pages and API alike): an attachment that runs nothing."""
    # The name came from the uploader: no control characters in a header.
    safe_name = "".join(char for char in filename if char.isprintable()) or "document"
    if not field.name:
        raise FileNotFoundError("the field holds no file")
    response = FileResponse(
        field.storage.open(field.name or "", "rb"),
        as_attachment=True,
        filename=safe_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    # Opened by mistake in the browser, the file runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def zip_bytes(entries: Iterable[tuple[str, FieldFile]]) -> bytes:
    """The files as one zip, under the given names. Stored, not deflated: the packed PDFs are
    compressed already, and each entry stays the very file the platform takes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, field in entries:
            archive.writestr(name, read_bytes(field))
    return buffer.getvalue()


def zip_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
