"""Celery tasks: thin wrappers around the sweep and the outbox's sender (the beat schedule lives in
settings).

No retry policy on the sweep task: the database holds what is due and what failed, and the next
scheduled sweep picks up whatever this one could not finish (including transient send errors,
which wait out their backoff on the alert row). A reminder (催件) is one email sent at once: its
task retries itself after a temporary refusal, and the sweep re-queues any whose task was lost.

The services never import this module: they send these tasks by name (cases.queue), registered
in every process by NotificationsConfig.ready().
"""

from __future__ import annotations

from celery import shared_task

from cases.queue import CASE_REQUEST_MAIL
from notifications import case_requests, reminders
from notifications.reminders import SEND_REMINDER
from notifications.schedule import SWEEP_TASK
from notifications.sweep import run_sweep


@shared_task(name=SWEEP_TASK, ignore_result=True)
def sweep_deadline_alerts() -> dict:
    result = run_sweep().as_dict()
    # Reminders whose own task was lost ride on the sweep's schedule.
    result["reminders_requeued"] = reminders.requeue_stranded()
    return result


# acks_late: a worker killed mid-send leaves the message to be delivered again; the row's claim
# (with its lease) keeps two deliveries from both sending.
@shared_task(name=SEND_REMINDER, bind=True, acks_late=True, ignore_result=True)
def send_reminder(self, reminder_id: int) -> None:
    wait = reminders.deliver(reminder_id)
    if wait is not None:
        raise self.retry(countdown=wait.total_seconds(), max_retries=None)


# One email to one person: retried on a refused or failed connection (SMTP errors are OSErrors),
# which resends only that person's email.
@shared_task(
    name=CASE_REQUEST_MAIL,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def send_case_request_mail(request_id: int, event: str, user_id: int) -> None:
    case_requests.send_case_request_mail(request_id, event, user_id)
