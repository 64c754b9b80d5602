"""Reads of the documents capability: the state of a supplement's upload set (access to stored
files is cases.tenancy's, honouring each document's visibility)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.documents.limits import Limits
from cases.documents.models import PackedFile, PackJob, PackState
from cases.documents.upload_set import fingerprint, upload_set_documents
from cases.models import SupplementRequest


@dataclass(frozen=True)
class UploadSetStatus:
    """What a page or the API shows: the packing for the current documents (or the latest one,
    `is_current` False, while none exists for them) and its files."""

    job: PackJob | None
    is_current: bool
    files: tuple[PackedFile, ...]
    # Files left out because they hold a document the reader may not see (their number only:
    # cases.tenancy.visible_upload_set); 0 for those who file the set, who see it whole.
    hidden_files: int = 0

    @property
    def whole(self) -> bool:
        return self.hidden_files == 0

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
    files = (
        tuple(job.files.order_by("position").prefetch_related("documents"))
        if job and job.state == PackState.DONE
        else ()
    )
    return UploadSetStatus(job=job, is_current=is_current, files=files)
