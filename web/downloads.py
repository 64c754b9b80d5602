"""Private downloads: every stored file leaves only through these views, after the access check
(cases.tenancy, honouring visibility), and every download is recorded (who, when, which file)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

from cases.documents.selectors import access_packed_file
from cases.documents.services import record_download
from cases.tenancy import access_document


def file_response(field, filename: str, content_type: str) -> FileResponse:
    # The name came from the uploader: no control characters in a header.
    safe_name = "".join(char for char in filename if char.isprintable()) or "document"
    response = FileResponse(
        field.storage.open(field.name, "rb"),
        as_attachment=True,
        filename=safe_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    # Opened by mistake in the browser, the file runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_safe
def download_document(request: HttpRequest, pk: int) -> FileResponse:
    document = access_document(request.user, pk)
    if request.method == "GET":
        record_download(
            actor=request.user, document=document, ip_address=request.META.get("REMOTE_ADDR")
        )
    return file_response(document.file, document.original_name, document.content_type)


@login_required
@require_safe
def download_packed_file(request: HttpRequest, pk: int) -> FileResponse:
    packed = access_packed_file(request.user, pk)
    if request.method == "GET":
        record_download(
            actor=request.user, packed_file=packed, ip_address=request.META.get("REMOTE_ADDR")
        )
    return file_response(packed.file, packed.name, "application/pdf")
