"""Visibility on top of case scope: a document (and a packed file made of documents) carries who may
see it (everyone on the case, not the applicant, the agency only). What a person may not see is
absent, so every reader of documents comes through here."""

from __future__ import annotations

import copy

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.standing import Actor
from cases.choices import AttachmentKind, Party, Visibility
from cases.documents.models import PackedFile, PackJob, PackState
from cases.documents.selectors import UploadSetStatus, upload_set_status
from cases.models import Case, Document, SupplementAttachment, SupplementRequest
from cases.tenancy.checks import (
    can_see_notice,
    check_can_remove_attachment,
    check_can_remove_document,
)
from cases.tenancy.scope import case_filter, party_for, scope_for

# What each party may see of a case's documents.
SEEN_BY: dict[str, frozenset[str]] = {
    Party.AGENCY: frozenset(Visibility.values),
    Party.EMPLOYER: frozenset({Visibility.ALL, Visibility.NO_APPLICANT}),
    Party.APPLICANT: frozenset({Visibility.ALL}),
}


def visible_documents(user: Actor, case: Case) -> QuerySet[Document]:
    """Documents of a case the user may see, honouring each document's visibility."""
    seen = SEEN_BY.get(party_for(user, case) or "", frozenset())
    return Document.objects.filter(supplement__case=case, visibility__in=seen)


def allowed_visibilities(user: Actor, case: Case) -> frozenset[str]:
    """Who may be shown a document a party uploads: never narrower than the uploader can see."""
    return SEEN_BY.get(party_for(user, case) or "", frozenset({Visibility.ALL}))


def access_document(user: Actor, document_id: int | str, *, for_write: bool = False) -> Document:
    """A document the user may see (case scope and the document's own visibility). Its uploader
    and whoever manages the supplement may remove it."""
    try:
        document = (
            Document.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))
            .select_related("supplement__case__applicant", "uploaded_by")
            .get(pk=document_id)
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such document.")) from exc
    case = document.supplement.case
    if document.visibility not in SEEN_BY.get(party_for(user, case) or "", frozenset()):
        raise Http404(_("No such document."))
    if for_write:
        check_can_remove_document(user, document)
    return document


def access_packed_file(user: Actor, file_id: int | str) -> PackedFile:
    """A packed file holds pages of several documents: the user must be allowed to see every one
    of them (an agency-only document packed with the rest keeps the file agency-only)."""
    try:
        packed = (
            PackedFile.objects.filter(
                case_filter(scope_for(user), prefix="job__supplement__case__")
            )
            .select_related("job__supplement__case__applicant")
            .get(pk=file_id)
        )
    except (PackedFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such file.")) from exc
    case = packed.job.supplement.case
    if party_for(user, case) is None:
        raise Http404(_("No such file."))
    sources = set(packed.documents.values_list("pk", flat=True))
    visible = set(visible_documents(user, case).filter(pk__in=sources).values_list("pk", flat=True))
    if sources - visible:
        raise Http404(_("No such file."))
    return packed


def visible_upload_set(user: Actor, supplement: SupplementRequest) -> UploadSetStatus:
    """The upload set as this reader may see it: a packed file holding a document they may not
    see is left out (counted, never named), so are its documents' names and ids in a failed
    packing's message; each file shown carries `parts`, its contents with the documents. Those
    who file the set see it whole."""
    status = upload_set_status(supplement=supplement)
    visible = {
        document.pk: document
        for document in visible_documents(user, supplement.case).filter(supplement=supplement)
    }
    hides = Document.objects.filter(supplement=supplement).exclude(pk__in=visible).exists()
    files: list[PackedFile] = []
    for packed in status.files:
        sources = {document.pk for document in packed.documents.all()}
        if not sources <= visible.keys():
            continue
        packed.parts = _parts(packed, visible)  # type: ignore[attr-defined]
        files.append(packed)
    job = status.job
    if hides and job is not None and job.state == PackState.FAILED:
        job = _redacted(job, visible)
    return UploadSetStatus(
        job=job,
        is_current=status.is_current,
        files=tuple(files),
        hidden_files=len(status.files) - len(files),
    )


def _parts(packed: PackedFile, visible: dict[int, Document]) -> list[dict[str, object]]:
    parts = []
    for entry in packed.contents or [
        {"document": pk, "label": "", "source_pages": None, "file_pages": None}
        for pk in sorted(document.pk for document in packed.documents.all())
    ]:  # a packing stored before contents were recorded: its documents, without pages
        document = visible.get(entry["document"])
        if document is not None:
            parts.append({**entry, "name": document.original_name, "document_id": document.pk})
    return parts


def _redacted(job: PackJob, visible: dict[int, Document]) -> PackJob:
    """A failed packing's message names documents: keep those the reader may see."""
    job = copy.copy(job)
    params = dict(job.error_params or {})
    if "documents" in params:
        params["documents"] = [
            entry for entry in params["documents"] if int(entry.get("key", 0)) in visible
        ]
    job.error_params = params
    job.error = _(
        "The upload set cannot be packed as it is; the agency preparing it has the details."
    )
    return job


def check_whole_upload_set(user: Actor, supplement: SupplementRequest) -> UploadSetStatus:
    """The packed set, for downloading it all at once: only when it is current, done, and the
    reader may see every file (else 404, naming nothing)."""
    status = visible_upload_set(user, supplement)
    if not status.ready or not status.files or not status.whole:
        raise Http404(_("No packed upload set to download."))
    return status


# --- The notice and the proof ---------------------------------------------------------------
def visible_attachments(
    user: Actor, supplement: SupplementRequest
) -> QuerySet[SupplementAttachment]:
    """A supplement's notice and proof as the user may see them (cases.tenancy.checks
    `can_see_attachment`): nothing for someone off the case, no notice for an applicant who does
    not file."""
    case = supplement.case
    if party_for(user, case) is None:
        return SupplementAttachment.objects.none()
    found = SupplementAttachment.objects.filter(supplement=supplement).select_related("uploaded_by")
    if not can_see_notice(user, case):
        found = found.filter(kind=AttachmentKind.PROOF)
    return found


def access_attachment(
    user: Actor, attachment_id: int | str, *, for_write: bool = False
) -> SupplementAttachment:
    """A notice or proof the user may see (404 otherwise, as for documents); `for_write`: one
    they may also remove."""
    try:
        attachment = (
            SupplementAttachment.objects.filter(
                case_filter(scope_for(user), prefix="supplement__case__")
            )
            .select_related("supplement__case__applicant", "uploaded_by")
            .get(pk=attachment_id)
        )
    except (SupplementAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such file.")) from exc
    case = attachment.supplement.case
    if party_for(user, case) is None:
        raise Http404(_("No such file."))
    if attachment.kind != AttachmentKind.PROOF and not can_see_notice(user, case):
        raise Http404(_("No such file."))
    if for_write:
        check_can_remove_attachment(user, attachment)
    return attachment
