"""The packing task: run eagerly (task body and service), sent after commit by an upload, and on a
real Celery worker on Redis that is killed mid-job: the job is recovered and finished."""

from __future__ import annotations

import os
import signal
import time

import pytest

from cases import services
from cases.documents.limits import Limits
from cases.documents.models import PackJob, PackState
from cases.documents.upload_set import fingerprint, upload_set_documents
from cases.tasks import pack_upload_set, recover_stale_pack_jobs
from tests.documents import files


@pytest.mark.django_db
def test_the_task_runs_the_service_eagerly(world, open_supplement):
    services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=files.small_pdf(), name="a.pdf"
    )
    job = PackJob.objects.get()
    pack_upload_set.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.progress, job.files.count()) == (PackState.DONE, 100, 1)
    assert recover_stale_pack_jobs.apply().get() == 0


@pytest.mark.django_db
def test_an_upload_sends_the_task_after_commit(
    world, open_supplement, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.document_add(
            supplement=open_supplement,
            actor=world.agency_staff,
            data=files.jpeg(files.photo(1, (1600, 1200))),
            name="IMG_0001.JPG",
        )
    assert len(callbacks) == 1
    job = PackJob.objects.get()
    assert (job.state, [f.name for f in job.files.all()]) == (PackState.DONE, ["01-img-0001.pdf"])
    open_supplement.refresh_from_db()
    assert open_supplement.missing == [{"code": "reply_empty", "params": {}}]


@pytest.mark.django_db
def test_no_automatic_packing_when_switched_off(world, open_supplement, settings):
    settings.UPLOAD_SET_AUTO_PACK = False
    services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=files.small_pdf(), name="a.pdf"
    )
    assert PackJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
def test_a_worker_killed_mid_job_leaves_a_job_that_is_finished_later(
    postgres_only, redis_url, world, open_supplement, settings, tmp_path
):
    from tests.notifications.worker import Worker

    settings.UPLOAD_SET_AUTO_PACK = False  # the test process sends nothing to any broker
    services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.scan_30_pages(),
        name="scan.pdf",
    )
    # A job whose message was lost (the embedded broker loses in-flight messages on a kill):
    # nothing but the recovery sweep will ever send it.
    job = PackJob.objects.create(
        supplement=open_supplement,
        fingerprint=fingerprint(upload_set_documents(open_supplement), Limits.from_settings()),
    )
    environment = {
        "DOCUMENTS_DIR": settings.STORAGES["default"]["OPTIONS"]["location"],
        "PACK_STALE_SECONDS": "2",
        "PACK_RECOVER_SECONDS": "1",
    }

    first = Worker(data_dir=tmp_path / "first", broker_url=redis_url, schedule="off", **environment)
    first.start()
    try:
        first.wait_for(
            lambda: PackJob.objects.get(pk=job.pk).state == PackState.RUNNING,
            timeout=90,
            what="the job to start",
        )
    finally:
        os.killpg(first.process.pid, signal.SIGKILL)  # no warm shutdown: the job stays running
        first.process.wait(timeout=10)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (PackState.RUNNING, 1)

    time.sleep(2.5)  # the heartbeat goes stale
    second = Worker(
        data_dir=tmp_path / "second", broker_url=redis_url, schedule="off", **environment
    )
    second.start()
    try:
        second.wait_for(
            lambda: PackJob.objects.get(pk=job.pk).state == PackState.DONE,
            timeout=120,
            what="the recovered job to finish",
        )
    finally:
        second.stop()
    job.refresh_from_db()
    assert job.attempts == 2
    assert sum(job.files.values_list("pages", flat=True)) == 30
    assert max(job.files.values_list("size", flat=True)) <= settings.UPLOAD_SET_MAX_FILE_BYTES
