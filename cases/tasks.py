"""Celery tasks of the cases app: thin, ids in, a service call. Found by the Celery app's
autodiscovery (cases.tasks) and imported by CasesConfig.ready, so every process knows them.

The services never import this module: they send a task by its name (cases.queue), so the
dependency runs one way, tasks → services.
"""

from __future__ import annotations

from celery import shared_task

from cases.queue import PACK_UPLOAD_SET, RECOVER_STALE_PACK_JOBS
from cases.services import pack_recover_stale, pack_run


@shared_task(name=PACK_UPLOAD_SET, ignore_result=True)
def pack_upload_set(job_id: int) -> None:
    pack_run(job_id=job_id)


@shared_task(name=RECOVER_STALE_PACK_JOBS, ignore_result=True)
def recover_stale_pack_jobs() -> int:
    return pack_recover_stale()
