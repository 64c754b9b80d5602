"""Background work by task name. A service asks for a task after its transaction commits, so the
worker finds the rows; it names the task rather than importing it, so task modules import the
services and never the other way round. The tasks are registered when the app is ready
(CasesConfig.ready), in the web processes as in the workers.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction

PACK_UPLOAD_SET = "cases.documents.pack_upload_set"
RECOVER_STALE_PACK_JOBS = "cases.documents.recover_stale_pack_jobs"
# The notifications app's: a case request's email to one person (notifications.case_requests).
CASE_REQUEST_MAIL = "notifications.send_case_request_mail"


def send(task_name: str, *args: object) -> None:
    """Send now (a broker outage raises: callers that must not fail use `send_after_commit`)."""
    current_app.tasks[task_name].delay(*args)


def send_after_commit(task_name: str, *args: object) -> None:
    """Send once the current transaction commits; robust, so a broker outage does not fail the
    request that asked: the database keeps what is due and a sweep sends it again."""

    def send_task() -> None:  # named: Django logs the callback's __qualname__ when it fails
        send(task_name, *args)

    transaction.on_commit(send_task, robust=True)
