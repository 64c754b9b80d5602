"""Reads of the documents capability: access to stored files (through cases.tenancy, honouring
each document's visibility) and the state of a supplement's upload set."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from cases.documents.limits import Limits
from cases.documents.models import PackedFile, PackJob, PackState
from cases.documents.upload_set import fingerprint, upload_set_documents
from cases.models import SupplementRequest
from cases.tenancy import case_filter, party_for, scope_for, visible_documents


def access_packed_file(user, file_id) -> PackedFile:
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
    sources = set(packed.documents.values_list("pk", flat=True))
    if party_for(user, case) is None:
        raise Http404(_("No such file."))
    visible = set(visible_documents(user, case).filter(pk__in=sources).values_list("pk", flat=True))
    if sources - visible:
        raise Http404(_("No such file."))
    return packed


@dataclass(frozen=True)
class UploadSetStatus:
    """What a page or the API shows: the packing for the current documents (or the latest one,
    `is_current` False, while none exists for them) and its files."""

    job: PackJob | None
    is_current: bool
    files: tuple[PackedFile, ...]

    @property
    def ready(self) -> bool:
        return self.is_current and self.job is not None and self.job.state == PackState.DONE


def upload_set_status(*, supplement: SupplementRequest) -> UploadSetStatus:
    current = fingerprint(upload_set_documents(supplement), Limits.from_settings())
    jobs = PackJob.objects.filter(supplement_id=supplement.pk)
    job = jobs.filter(fingerprint=current).order_by("-created_at", "-id").first()
    is_current = job is not None
    if job is None:
        job = jobs.order_by("-created_at", "-id").first()
    files = tuple(job.files.order_by("position")) if job and job.state == PackState.DONE else ()
    return UploadSetStatus(job=job, is_current=is_current, files=files)
