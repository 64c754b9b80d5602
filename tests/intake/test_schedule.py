"""Celery beat polls the notice mailboxes: the entry is data in settings, with its expiry."""

from __future__ import annotations

from django.conf import settings


def test_beat_polls_the_mailboxes_every_interval_and_a_stale_poll_expires():
    from tracker.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["poll-notice-mailboxes"]

    assert entry["task"] == "intake.poll_mailboxes"
    assert entry["schedule"] == 300.0
    assert entry["options"] == {"expires": 300.0}
    app.loader.import_default_modules()
    assert "intake.poll_mailboxes" in app.tasks
