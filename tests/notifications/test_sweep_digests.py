"""Three sweeps at once (issue 12, item 8): nothing is sent twice, and each person still gets their
whole digest in one email, not split into two or three: a sweep started while another runs leaves
the work to it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Alert, AlertStatus
from notifications.sweep import run_sweep, sweep_lock
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db(transaction=True)

NOW = taipei(2026, 12, 10, 8, 30)


def staggered_sweeps(now, delays: list[float]) -> list:
    """Sweeps in threads (each its own connection), started `delays` seconds apart: as the beat,
    a retried task and an operator's command would be, never exactly together."""
    barrier = threading.Barrier(len(delays))
    results, errors = [None] * len(delays), []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            time.sleep(delays[index])
            results[index] = run_sweep(now=now, batch_size=2)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(delays))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.postgres
def test_three_sweeps_at_once_send_one_digest_per_person(postgres_only, world, settings):
    settings.SITE_URL = "https://tracker.example"
    cases = [world.acme_case, world.globex_case]
    for index in range(60):
        supplement_due(
            cases[index % 2],
            world.agency_staff,
            NOW.date() + dt.timedelta(days=(index % 18) - 3),
            assignee=world.agency_staff,
        )

    for round_, delays in enumerate([[0, 0.05, 0.1], [0.1, 0, 0.02], [0, 0, 0]]):
        mail.outbox.clear()
        results = staggered_sweeps(NOW + dt.timedelta(days=round_), delays)

        assert sum(r.failed + r.retrying for r in results) == 0
        per_person = Counter(message.to[0] for message in mail.outbox)
        assert per_person, "the sweeps sent nothing"
        assert set(per_person.values()) == {1}, (round_, per_person)

    assert set(Alert.objects.values_list("status", flat=True)) == {AlertStatus.SENT}


def test_a_sweep_started_while_another_runs_leaves_the_work_to_it(world, settings):
    settings.SITE_URL = "https://tracker.example"
    supplement_due(world.acme_case, world.agency_staff, NOW.date(), assignee=world.agency_staff)
    holding, release = threading.Event(), threading.Event()

    def running_sweep() -> None:
        try:
            with sweep_lock() as acquired:
                assert acquired
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=running_sweep)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        meanwhile = run_sweep(now=NOW)
    finally:
        release.set()
        thread.join(timeout=30)
    after = run_sweep(now=NOW)

    assert meanwhile.busy is True
    assert (meanwhile.recorded, meanwhile.sent) == (0, 0)
    assert after.busy is False
    assert after.sent > 0
