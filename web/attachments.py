"""The workspace's "Notice and proof" card: attach, remove and download a supplement's notice and
proof of submission (issue 11, item 8). Thin views over cases.services.attachment_add/remove;
every result is shown beside the card (the "attachments" feedback part)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.client_ip import client_ip
from cases import services
from cases.documents.storage import file_response
from cases.errors import DomainError
from cases.tenancy import access_attachment, access_supplement
from web import feedback
from web.attachment_forms import AttachmentForm
from web.workspace import done, failed, render_workspace

PART = "attachments"


def _attachment(request, pk: int, attachment_id: int):
    supplement = access_supplement(request.user, pk)
    # Through the tenancy rule: another tenant's, or a notice the applicant may not see, is 404.
    attachment = access_attachment(request.user, attachment_id)
    if attachment.supplement_id != supplement.pk:
        raise Http404
    return supplement, attachment


@login_required
@require_POST
def attachment_add(request, pk: int):
    supplement = access_supplement(request.user, pk)  # who may attach which kind: the service's
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        feedback.error(request, " ".join(errors) or _("Choose a file."), PART)
        return render_workspace(request, supplement, status=400)
    try:
        upload = form.cleaned_data["file"]
        attachment = services.attachment_add(
            supplement=supplement,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            data=b"".join(upload.chunks()),
            name=upload.name,
        )
    except DomainError as exc:
        return failed(request, supplement, exc, PART)
    text = _("“%(name)s” attached as the %(kind)s.") % {
        "name": attachment.original_name,
        "kind": attachment.get_kind_display(),
    }
    return done(request, supplement, text, PART)


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_id: int):
    supplement, attachment = _attachment(request, pk, attachment_id)
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc, PART)
    return done(
        request, supplement, _("“%(name)s” removed.") % {"name": attachment.original_name}, PART
    )


@login_required
@require_safe
def attachment_download(request, pk: int, attachment_id: int) -> FileResponse:
    """Only after the access check; an attachment that runs nothing (cases.documents.storage)."""
    _supplement, attachment = _attachment(request, pk, attachment_id)
    if request.method == "GET":
        services.record_download(
            actor=request.user, attachment=attachment, ip_address=client_ip(request)
        )
    return file_response(attachment.file, attachment.original_name, attachment.content_type)
