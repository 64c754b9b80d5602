"""Packing the upload set (cases.documents.packer does the PDF work): a job per set of documents,
queued after commit, run by a worker that claims it, and taken back if that worker dies. Locks
follow the rule: the supplement row first, always."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.standing import Writer
from cases import queue, tenancy
from cases.documents.confined import MemoryLimitExceeded, run_confined
from cases.documents.limits import Limits
from cases.documents.models import (
    ACTIVE_STATES,
    PackedFile,
    PackJob,
    PackState,
)
from cases.documents.packer import PackInput, PackResult, Part, Progress, pack
from cases.documents.storage import delete_after_commit, delete_quietly, read_bytes
from cases.documents.upload_set import fingerprint, pack_input, upload_set_documents
from cases.errors import UploadSetTooLarge
from cases.locking import lock_supplement
from cases.models import Document, SupplementRequest
from cases.readiness_facts import refresh_readiness

logger = logging.getLogger(__name__)

# A job over its memory limit: the documents explain it, like UploadSetTooLarge.
PACK_MEMORY_CODE = "pack_memory_exceeded"


def _stale_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=getattr(settings, "PACK_STALE_SECONDS", 900))


def _is_stale(job: PackJob, now: dt.datetime) -> bool:
    cutoff = _stale_before(now)
    if job.state == PackState.RUNNING:
        return job.heartbeat_at is None or job.heartbeat_at < cutoff
    return job.state == PackState.QUEUED and job.enqueued_at < cutoff


def _enqueue(job: PackJob) -> None:
    # After commit and robust (cases.queue): a broker outage does not fail the upload that asked
    # for packing; the job stays queued and the stale sweep sends it again.
    queue.send_after_commit(queue.PACK_UPLOAD_SET, job.pk)


@transaction.atomic
def pack_request(
    *, supplement: SupplementRequest, actor: Writer, automatic: bool = False
) -> PackJob | None:
    """Ask for the upload set of the supplement's current documents. Answers the done job when
    one exists for them (reused until the documents change), the queued or running one when
    packing is under way, else a new queued job, sent to the worker after commit.
    `automatic` (after a document change) does nothing when UPLOAD_SET_AUTO_PACK is off."""
    if automatic and not getattr(settings, "UPLOAD_SET_AUTO_PACK", True):
        return None
    if not automatic:  # after a document change the set is packed for everyone who sees it
        tenancy.check_can_pack(actor, supplement.case)
    supplement = lock_supplement(supplement.pk)
    current = fingerprint(upload_set_documents(supplement), Limits.from_settings())
    existing = (
        PackJob.objects.filter(supplement=supplement, fingerprint=current)
        .exclude(state=PackState.FAILED)
        .order_by("-created_at", "-id")
        .first()
    )
    now = timezone.now()
    if existing is not None:
        if existing.state in ACTIVE_STATES and _is_stale(existing, now):
            _requeue(existing, now)
        return existing
    if automatic:
        # A failure the documents explain (too large, or too big to decode within the memory
        # limit) is the answer until they change.
        failed = PackJob.objects.filter(
            supplement=supplement,
            fingerprint=current,
            state=PackState.FAILED,
            error_code__in=(UploadSetTooLarge.code, PACK_MEMORY_CODE),
        ).exists()
        if failed:
            return None
    # Jobs still waiting for documents that have changed since would only be superseded.
    PackJob.objects.filter(supplement=supplement, state=PackState.QUEUED).exclude(
        fingerprint=current
    ).update(
        state=PackState.FAILED,
        error_code="superseded",
        error=_("The documents changed before packing started; a newer packing follows."),
        finished_at=now,
    )
    job = PackJob.objects.create(
        supplement=supplement, fingerprint=current, requested_by=actor, created_at=now
    )
    _enqueue(job)
    return job


def _requeue(job: PackJob, now: dt.datetime) -> None:
    updated = PackJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=PackState.QUEUED, enqueued_at=now, progress=0
    )
    if updated:
        job.state, job.enqueued_at, job.progress = PackState.QUEUED, now, 0
        _enqueue(job)


def pack_recover_stale(*, now: dt.datetime | None = None) -> int:
    """Send again the jobs a killed worker left running (stale heartbeat) or a lost message left
    queued; give up after PACK_MAX_ATTEMPTS. Answers how many were sent again."""
    now = now or timezone.now()
    cutoff = _stale_before(now)
    stale = PackJob.objects.filter(
        Q(state=PackState.RUNNING, heartbeat_at__lt=cutoff)
        | Q(state=PackState.RUNNING, heartbeat_at__isnull=True)
        | Q(state=PackState.QUEUED, enqueued_at__lt=cutoff)
    )
    max_attempts = getattr(settings, "PACK_MAX_ATTEMPTS", 3)
    sent = 0
    for job in stale:
        with transaction.atomic():
            if job.attempts >= max_attempts:
                PackJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
                    state=PackState.FAILED,
                    error_code="worker_lost",
                    error=_("Packing stopped %(attempts)d times without finishing.")
                    % {"attempts": job.attempts},
                    finished_at=now,
                )
                continue
            _requeue(job, now)
            sent += 1
    return sent


class _Reporter:
    """Progress into the job row, at most every 5 points or 2 seconds (each is a write); every
    write is also the heartbeat that tells the stale sweep this worker is alive."""

    def __init__(self, job: PackJob) -> None:
        self.job = job
        self.last_percent = 0
        self.last_time = time.monotonic()

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if percent - self.last_percent < 5 and now - self.last_time < 2:
            return
        self.last_percent, self.last_time = percent, now
        PackJob.objects.filter(
            pk=self.job.pk, state=PackState.RUNNING, attempts=self.job.attempts
        ).update(progress=min(percent, 99), heartbeat_at=timezone.now())


def _claim(job_id: int) -> PackJob | None:
    now = timezone.now()
    claimable = Q(state=PackState.QUEUED) | Q(
        state=PackState.RUNNING, heartbeat_at__lt=_stale_before(now)
    )
    claimed = PackJob.objects.filter(claimable, pk=job_id).update(
        state=PackState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None  # done, failed, or another worker holds it
    return PackJob.objects.select_related("supplement").get(pk=job_id)


def _fail(
    job: PackJob, *, code: str, message: str, params: dict[str, object] | None = None
) -> None:
    PackJob.objects.filter(pk=job.pk, state=PackState.RUNNING, attempts=job.attempts).update(
        state=PackState.FAILED,
        error_code=code,
        error=message,
        error_params=params or {},
        finished_at=timezone.now(),
    )


def pack_run(*, job_id: int) -> PackJob | None:
    """Do one packing job (the Celery task's whole body). Safe to run twice: only the claimant
    of the job writes, and a done job is never redone."""
    job = _claim(job_id)
    if job is None:
        return None
    limits = Limits.from_settings()
    documents = upload_set_documents(job.supplement)
    if fingerprint(documents, limits) != job.fingerprint:
        _fail(
            job,
            code="superseded",
            message=_("The documents changed before packing started; a newer packing follows."),
        )
        return PackJob.objects.get(pk=job.pk)
    limit_mb = int(getattr(settings, "PACK_MEMORY_LIMIT_MB", 1024))
    try:
        inputs = [pack_input(document, read_bytes(document.file)) for document in documents]
        result = _pack_bounded(inputs, limits, _Reporter(job), limit_mb)
    except UploadSetTooLarge as exc:
        _fail(job, code=exc.code, message=exc.message, params=exc.params)
        return PackJob.objects.get(pk=job.pk)
    except MemoryLimitExceeded:
        logger.warning("packing job %s went over its %s MB memory limit", job.pk, limit_mb)
        _fail(
            job,
            code=PACK_MEMORY_CODE,
            message=_(
                "The files are too large to pack: packing them needs more than the "
                "%(limit_mb)d MB of memory one packing may use. Scan the largest ones at a lower "
                "resolution (300 dpi is plenty) or split them, then upload them again."
            )
            % {"limit_mb": limit_mb},
            params={"limit_mb": limit_mb},
        )
        return PackJob.objects.get(pk=job.pk)
    except Exception as exc:
        logger.exception("packing job %s failed", job.pk)
        _fail(
            job,
            code="pack_failed",
            message=_("Packing failed unexpectedly (%(error)s); try again.")
            % {"error": type(exc).__name__},
        )
        return PackJob.objects.get(pk=job.pk)
    _store_result(job, result, documents)
    return PackJob.objects.get(pk=job.pk)


def _pack_bounded(
    inputs: list[PackInput], limits: Limits, progress: Progress, limit_mb: int
) -> PackResult:
    """The packer in a child process capped at PACK_MEMORY_LIMIT_MB (0: in this process), so an
    upload that needs gigabytes fails its own job instead of the worker or the machine."""
    if limit_mb <= 0:
        return pack(inputs, limits=limits, progress=progress)
    result: PackResult = run_confined(
        lambda report: pack(inputs, limits=limits, progress=report),
        limit_bytes=limit_mb * 1024 * 1024,
        progress=progress,
    )
    return result


def _store_result(job: PackJob, result: PackResult, documents: list[Document]) -> None:
    """Files first, rows after, in one transaction; anything that fails removes what was written
    (nothing half-stored). Older packs of the supplement go once this one is recorded."""
    by_key = {str(document.pk): document for document in documents}
    packed: list[PackedFile] = []
    try:
        for position, output in enumerate(result.files, start=1):
            packed_file = PackedFile(
                job=job,
                position=position,
                name=output.name,
                size=output.size,
                pages=output.pages,
                sha256=hashlib.sha256(output.data).hexdigest(),
                contents=[_content(part) for part in output.contents],
            )
            packed_file.file.save(output.name, ContentFile(output.data), save=False)
            packed.append(packed_file)
        with transaction.atomic():
            supplement = lock_supplement(job.supplement_id)
            finished = PackJob.objects.filter(
                pk=job.pk, state=PackState.RUNNING, attempts=job.attempts
            ).update(
                state=PackState.DONE,
                progress=100,
                finished_at=timezone.now(),
                quality_dpi=result.quality.dpi if result.quality else None,
                plan=result.plan,
            )
            if not finished:
                raise _LostClaim()
            for packed_file, output in zip(packed, result.files, strict=True):
                packed_file.save()
                packed_file.documents.set([by_key[key] for key in output.sources])
            older = PackJob.objects.filter(supplement=supplement, pk__lt=job.pk).exclude(
                state__in=ACTIVE_STATES
            )
            delete_after_commit(
                PackedFile.objects.filter(job__in=older).values_list("file", flat=True)
            )
            older.delete()
            refresh_readiness(supplement)
    except _LostClaim:
        delete_quietly(packed_file.file.name for packed_file in packed)
    except Exception:
        delete_quietly(packed_file.file.name for packed_file in packed)
        raise


def _content(part: Part) -> dict[str, object]:
    entry: dict[str, object] = part.as_dict()
    entry["document"] = int(part.key)  # the packer's key is the document's id
    return entry


class _LostClaim(Exception):
    """Another worker claimed the job meanwhile (this one was taken for dead): its result wins."""


def discard_packs_with(document: Document) -> None:
    """A removed document's pages must not stay downloadable inside an old packed file: the
    packs holding it go now (rows at once, files after commit); the next packing replaces them."""
    jobs = PackJob.objects.filter(files__documents=document).distinct()
    delete_after_commit(PackedFile.objects.filter(job__in=jobs).values_list("file", flat=True))
    PackJob.objects.filter(pk__in=list(jobs.values_list("pk", flat=True))).delete()
