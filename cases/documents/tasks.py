"""Celery tasks of the documents capability: thin, ids in, a service call.

Registered through CELERY_IMPORTS in settings (autodiscovery looks at cases/tasks.py only).
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.documents.pack_upload_set", ignore_result=True)
def pack_upload_set(job_id: int) -> None:
    from cases.documents.services import pack_run

    pack_run(job_id=job_id)


@shared_task(name="cases.documents.recover_stale_pack_jobs", ignore_result=True)
def recover_stale_pack_jobs() -> int:
    from cases.documents.services import pack_recover_stale

    return pack_recover_stale()
