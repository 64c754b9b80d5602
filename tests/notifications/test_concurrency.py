"""Two sweeps at once on PostgreSQL (threads, each with its own connection): every alert is
recorded once and sent once, whichever sweep gets there first."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Alert, AlertStatus, PlannedStage
from notifications.sweep import run_sweep
from tests.notifications.conftest import supplement_due, taipei

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

NOW = taipei(2026, 12, 10, 8, 30)


def sweeps_at_once(count: int, now) -> list:
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = run_sweep(now=now, batch_size=7)
        except Exception as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_two_sweeps_at_once_send_each_alert_once(postgres_only, world, settings):
    settings.SITE_URL = "https://tracker.example"
    settings.ALERT_SEND_BATCH_SIZE = 1  # many small claims: more chances to collide
    cases = [world.acme_case, world.globex_case]
    supplements = []
    for index in range(40):
        due = NOW.date() + dt.timedelta(days=(index % 18) - 3)  # overdue to 14 days ahead
        supplements.append(
            supplement_due(
                cases[index % 2],
                world.agency_staff,
                due,
                assignee=world.agency_staff if index % 3 else None,
            )
        )
    total_sent = 0
    for round_ in range(3):
        now = NOW + dt.timedelta(days=round_)
        results = sweeps_at_once(2, now)
        assert sum(r.failed + r.retrying for r in results) == 0
        total_sent += sum(r.sent for r in results)
    alerts = Alert.objects.all()
    assert alerts.count() > 40
    assert set(alerts.values_list("status", flat=True)) == {AlertStatus.SENT}
    # Recorded once: one row per person, subject, deadline and stage; one mark per stage.
    keys = Counter(alerts.values_list("recipient_id", "subject_id", "due_on", "offset"))
    assert max(keys.values()) == 1
    stages = Counter(PlannedStage.objects.values_list("subject_id", "due_on", "offset"))
    assert max(stages.values()) == 1
    # Sent once: each alert's link appears in exactly one email to its recipient.
    emails = {
        user.pk: user.email
        for user in (world.agency_staff, world.agency_admin, world.hr_acme, world.hr_globex)
    }
    seen = Counter()
    for message in mail.outbox:
        for supplement_id in re.findall(
            r"Open: https://tracker.example/supplements/(\d+)/", message.body
        ):
            seen[(message.to[0], int(supplement_id))] += 1
    expected = Counter(
        (emails[recipient], subject_id)
        for recipient, subject_id in alerts.values_list("recipient_id", "subject_id")
    )
    # One stage per subject per day: every alert has its own line in exactly one email.
    assert seen == expected
    assert total_sent == alerts.count()
