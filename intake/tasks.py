"""Celery beat polls the notice mailboxes (intake.mailboxes); thin, like every task here."""

from __future__ import annotations

from celery import shared_task

from intake.mailboxes import poll_all


@shared_task(name="intake.poll_mailboxes", ignore_result=True)
def poll_mailboxes() -> int:
    """How many mails were read; each mailbox's error is recorded on it."""
    return sum(len(report.results) + report.unreadable for report in poll_all())
