"""The one outbox (notifications.outbox) every message goes through: claimed by one worker only,
taken back when its worker died, retried with backoff after a temporary refusal and given up after
the maximum attempts. Driven with reminders (催件) through a real SMTP server."""

from __future__ import annotations

import ast
import datetime as dt
import inspect

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import services
from notifications import delivery, outbox, reminders
from notifications.models import AlertReason, Reminder, ReminderStatus
from notifications.outbox import Sender, backoff
from notifications.reminders import ReminderMail
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.SITE_URL = "https://tracker.example"
    with SmtpServer() as server:
        server.use(settings)
        yield server


@pytest.fixture
def waiting(world, open_supplement):
    """A reminder to Priya and one to Acme's HR, recorded and not yet sent (no worker ran)."""
    for party in ("applicant", "employer"):
        services.item_add(
            supplement=open_supplement,
            actor=world.agency_staff,
            kind="document",
            description=f"Something from the {party}",
            waits_on=party,
        )
    rows = [
        row
        for party in ("applicant", "employer")
        for row in reminders.remind(
            supplement=open_supplement, actor=world.agency_staff, party=party
        )
    ]
    assert len(rows) == 2
    return rows


def test_two_claimers_race_for_the_same_rows_and_one_wins(smtp, waiting):
    first, second = Sender(ReminderMail()), Sender(ReminderMail())
    # Both look before either takes: each sees every row free.
    seen_by_first, seen_by_second = first.candidates(10), second.candidates(10)
    assert seen_by_first == seen_by_second == sorted(row.pk for row in waiting)

    won = first.take(seen_by_first)
    lost = second.take(seen_by_second)

    assert sorted(row.pk for row in won) == seen_by_first
    assert lost == []  # its conditional UPDATE found them taken
    assert second.deliver(waiting[0].pk) is None  # nor can it send one of them singly
    assert smtp.received == []
    claims = set(Reminder.objects.values_list("status", "claim"))
    assert claims == {(ReminderStatus.SENDING, won[0].claim)}


def test_an_expired_lease_is_taken_back_and_the_dead_worker_records_nothing(
    smtp, waiting, settings, time_machine
):
    settings.ALERT_CLAIM_LEASE_SECONDS = 600
    time_machine.move_to(timezone.now(), tick=False)
    row = waiting[0]
    dead = Sender(ReminderMail())
    held = dead.take([row.pk], due=False)  # claimed, then the worker is killed

    time_machine.shift(dt.timedelta(seconds=599))
    assert Sender(ReminderMail()).deliver(row.pk) is None  # still the dead worker's
    assert smtp.received == []

    time_machine.shift(dt.timedelta(seconds=2))
    assert Sender(ReminderMail()).deliver(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.claim, row.claimed_at, row.attempts) == (
        ReminderStatus.SENT,
        None,
        None,
        1,
    )
    assert len(smtp.received) == 1

    # The dead worker wakes and finishes its send: its claim is gone, so the outcome on record
    # stays its successor's.
    successor = row.message_id
    dead.send_message(held)
    row.refresh_from_db()
    assert (row.status, row.message_id, row.attempts) == (ReminderStatus.SENT, successor, 1)


def test_a_temporary_refusal_backs_off_then_gives_up_after_the_maximum(
    smtp, waiting, settings, time_machine
):
    settings.ALERT_MAX_ATTEMPTS = 3
    settings.ALERT_RETRY_BASE_SECONDS = 60
    settings.ALERT_RETRY_MAX_SECONDS = 3600
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    smtp.handler.mode = "temporary"
    row = waiting[0]

    for attempt, wait in ((1, 60), (2, 120)):
        assert Sender(ReminderMail()).deliver(row.pk) == dt.timedelta(seconds=wait)
        row.refresh_from_db()
        assert (row.status, row.reason, row.attempts) == (
            ReminderStatus.PENDING,
            AlertReason.SMTP_TEMPORARY,
            attempt,
        )
        assert row.send_after == now + dt.timedelta(seconds=wait)
        assert (row.claim, row.claimed_at) == (None, None)
        assert "451" in row.error

    assert Sender(ReminderMail()).deliver(row.pk) is None  # the third refusal is the last
    row.refresh_from_db()
    assert (row.status, row.reason, row.attempts) == (
        ReminderStatus.FAILED,
        AlertReason.GAVE_UP,
        3,
    )
    assert "451" in row.error
    assert Sender(ReminderMail()).deliver(row.pk) is None  # given up: never claimed again
    assert smtp.received == []


def test_the_backoff_doubles_up_to_its_ceiling(settings):
    settings.ALERT_RETRY_BASE_SECONDS = 60
    settings.ALERT_RETRY_MAX_SECONDS = 3600
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_rows_go_to_their_worker_only_once_recorded(
    smtp, world, open_supplement, eager_celery, django_capture_on_commit_callbacks
):
    services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind="document",
        description="Passport data page",
        waits_on="applicant",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (row,) = reminders.remind(
            supplement=open_supplement, actor=world.agency_staff, party="applicant"
        )
    assert smtp.received == []  # nothing handed over before the commit
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: the task, sent by name (cases.queue), sends it

    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT
    assert len(smtp.received) == 1


def test_the_services_never_import_the_tasks():
    """The circle reminders ↔ tasks is broken: services send the tasks by name (cases.queue)."""
    for module in (outbox, delivery, reminders):
        tree = ast.parse(inspect.getsource(module))
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert "notifications.tasks" not in imported, module.__name__
        assert "tasks" not in names, module.__name__


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_reminder_and_its_schedule(world, open_supplement):
    before, after = ("notifications", "0004_reminder"), ("notifications", "0006_outbox_fields")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    OldReminder = executor.loader.project_state([before]).apps.get_model(
        "notifications", "Reminder"
    )
    requested = timezone.now() - dt.timedelta(hours=1)
    retry_at = timezone.now() + dt.timedelta(minutes=2)
    old = {
        "waiting": {"status": "queued", "next_try_at": None},
        "retrying": {"status": "queued", "next_try_at": retry_at, "attempts": 1},
        "sent": {"status": "sent", "sent_at": requested, "attempts": 1, "message_id": "<m@x>"},
    }
    ids = {}
    for name, fields in old.items():
        row = OldReminder.objects.create(
            supplement_id=open_supplement.pk,
            party="applicant",
            email="priya@example.org",
            language="en",
            time_zone="Asia/Taipei",
            **fields,
        )
        OldReminder.objects.filter(pk=row.pk).update(created_at=requested)
        ids[name] = row.pk

    executor = MigrationExecutor(connection)
    executor.migrate([after])
    New = executor.loader.project_state([after]).apps.get_model("notifications", "Reminder")
    rows = {name: New.objects.get(pk=pk) for name, pk in ids.items()}
    assert [(rows[n].status, rows[n].send_after, rows[n].claim) for n in old] == [
        ("pending", requested, None),  # "at once": when it was asked for
        ("pending", retry_at, None),
        ("sent", requested, None),
    ]
    assert (rows["retrying"].attempts, rows["sent"].message_id) == (1, "<m@x>")

    # And back: "queued" again, the schedule under its old name.
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    Reverted = executor.loader.project_state([before]).apps.get_model("notifications", "Reminder")
    assert dict(Reverted.objects.values_list("pk", "status")) == {
        ids["waiting"]: "queued",
        ids["retrying"]: "queued",
        ids["sent"]: "sent",
    }
    assert Reverted.objects.get(pk=ids["retrying"]).next_try_at == retry_at
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
