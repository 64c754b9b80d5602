"""Private downloads: every stored file leaves only through these views, after the access check
(cases.tenancy, honouring visibility), and every download is recorded (who, when, which file)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from accounts.client_ip import client_ip
from cases.documents.storage import file_response, zip_response
from cases.services import record_download, upload_set_zip
from cases.tenancy import access_document, access_packed_file, access_supplement


@login_required
@require_safe
def download_document(request: HttpRequest, pk: int) -> FileResponse:
    document = access_document(request.user, pk)
    if request.method == "GET":
        record_download(actor=request.user, document=document, ip_address=client_ip(request))
    return file_response(document.file, document.original_name, document.content_type)


@login_required
@require_safe
def download_packed_file(request: HttpRequest, pk: int) -> FileResponse:
    packed = access_packed_file(request.user, pk)
    if request.method == "GET":
        record_download(actor=request.user, packed_file=packed, ip_address=client_ip(request))
    return file_response(packed.file, packed.name, "application/pdf")


@login_required
@require_safe
def download_upload_set(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole packed upload set as one zip (the same names as the packed files)."""
    supplement = access_supplement(request.user, pk)
    name, data = upload_set_zip(
        actor=request.user, supplement=supplement, ip_address=client_ip(request)
    )
    return zip_response(data, name)
