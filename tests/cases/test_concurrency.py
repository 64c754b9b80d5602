"""Two people acting on one supplement at once, on real PostgreSQL row locks.

Each writer runs in its own thread with its own connection. The deterministic tests hold the first
writer's transaction open until PostgreSQL shows the second one waiting on the row lock, so the
interleaving under test is the one that would lose an update without the lock; the racing tests
start both writers at one barrier and accept either order, but never both.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from cases import services
from cases.choices import DeadlineRule, PlatformTab, RequestingBody
from cases.errors import NotReady, StaleVersion, SupplementLocked
from cases.models import ReviewerComment, SupplementRequest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


class Writer(threading.Thread):
    """Runs one call on its own database connection and keeps what it returned or raised."""

    def __init__(self, call: Callable, *, barrier: threading.Barrier | None = None) -> None:
        super().__init__(daemon=True)
        self.call, self.barrier = call, barrier
        self.result = self.error = None

    def run(self) -> None:
        try:
            if self.barrier is not None:
                self.barrier.wait(timeout=10)
            self.result = self.call()
        except Exception as exc:  # kept for the assertions
            self.error = exc
        finally:
            connections.close_all()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked_on_a_lock(*, exclude: set[int], timeout: float = 10.0) -> None:
    """Return once another session of this database waits on a lock (the second writer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if {pid for (pid,) in cursor.fetchall()} - exclude:
                return
        time.sleep(0.02)
    raise AssertionError("the second writer never waited on the supplement's row lock")


def hold_open_then(first: Callable, second: Callable) -> tuple[Writer, Writer]:
    """Run `first` inside a transaction kept open until `second` blocks on the lock, then commit."""
    started = threading.Event()
    release = threading.Event()

    def first_in_open_transaction():
        with transaction.atomic():
            value = first()
            started.set()
            if not release.wait(timeout=15):
                raise AssertionError("never released")
            return value

    one = Writer(first_in_open_transaction)
    one.start()
    assert started.wait(timeout=15), one.error
    two = Writer(second)
    two.start()
    try:
        wait_until_blocked_on_a_lock(exclude={backend_pid()})
    finally:
        release.set()
        one.join(timeout=15)
        two.join(timeout=15)
    assert not one.is_alive()
    assert not two.is_alive()
    return one, two


def race(first: Callable, second: Callable) -> tuple[Writer, Writer]:
    barrier = threading.Barrier(2)
    writers = Writer(first, barrier=barrier), Writer(second, barrier=barrier)
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=20)
    assert not any(writer.is_alive() for writer in writers)
    return writers


def new_supplement(world, *, ready: bool = False) -> SupplementRequest:
    """A fresh round on Priya's case (each scenario gets its own supplement)."""
    rounds = SupplementRequest.objects.filter(case=world.acme_case).count()
    supplement = services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=dt.date(2026, 1, 20) + dt.timedelta(days=rounds),
        rule=DeadlineRule.DAYS_30,
    )
    if ready:
        services.supplement_set_reply(supplement=supplement, actor=world.agency_staff, reply="ok")
    return SupplementRequest.objects.get(pk=supplement.pk)


def set_reply(supplement, user, text, version):
    return lambda: services.supplement_set_reply(
        supplement=supplement, actor=user, reply=text, expected_version=version
    )


def add_comment(world, supplement):
    return lambda: services.comment_add(
        supplement=supplement, actor=world.agency_admin, tab=PlatformTab.BASIC, text="late comment"
    )


def submit(world, supplement):
    return lambda: services.supplement_submit(supplement=supplement, actor=world.agency_staff)


def test_two_replies_on_the_same_version_one_wins(world, postgres_only):
    # The second writer waits on the row lock while the first holds it, then finds the version
    # moved on: StaleVersion, and the stored reply is the first one's.
    supplement = new_supplement(world)
    one, two = hold_open_then(
        set_reply(supplement, world.agency_staff, "staff's reply", 1),
        set_reply(supplement, world.agency_admin, "admin's reply", 1),
    )

    assert one.error is None
    assert isinstance(two.error, StaleVersion)
    assert two.error.params["current_version"] == 2
    assert two.error.params["current"] == "staff's reply"  # shown beside the refused text
    row = SupplementRequest.objects.get(pk=supplement.pk)
    assert (row.reply, row.reply_version) == ("staff's reply", 2)

    # Started together, in whichever order the database lets them in: exactly one wins.
    for attempt in range(5):
        supplement = new_supplement(world)
        staff, admin = race(
            set_reply(supplement, world.agency_staff, f"staff {attempt}", 1),
            set_reply(supplement, world.agency_admin, f"admin {attempt}", 1),
        )

        outcomes = sorted(type(w.error).__name__ for w in (staff, admin))
        assert outcomes == ["NoneType", "StaleVersion"], (staff.error, admin.error)
        winner = staff if staff.error is None else admin
        row = SupplementRequest.objects.get(pk=supplement.pk)
        assert (row.reply, row.reply_version) == (winner.result.reply, 2)


def test_submit_and_a_comment_at_once_never_both(world, postgres_only):
    # Submit first: the comment waits, then meets the freeze.
    supplement = new_supplement(world, ready=True)
    one, two = hold_open_then(submit(world, supplement), add_comment(world, supplement))

    assert one.error is None
    assert isinstance(two.error, SupplementLocked)
    assert SupplementRequest.objects.get(pk=supplement.pk).state == "submitted"
    assert ReviewerComment.objects.filter(supplement=supplement).count() == 0

    # Comment first: the submission waits, then finds an unresolved comment.
    supplement = new_supplement(world, ready=True)
    one, two = hold_open_then(add_comment(world, supplement), submit(world, supplement))

    assert one.error is None
    assert isinstance(two.error, NotReady)
    assert two.error.params == {
        "missing": [{"code": "comment_unresolved", "params": {"tab": "basic"}}]
    }
    row = SupplementRequest.objects.get(pk=supplement.pk)
    assert (row.state, row.is_ready) == ("open", False)
    assert ReviewerComment.objects.filter(supplement=supplement).count() == 1

    # Started together: one or the other, never a comment on a submitted supplement.
    for _attempt in range(5):
        supplement = new_supplement(world, ready=True)
        submitter, commenter = race(submit(world, supplement), add_comment(world, supplement))

        row = SupplementRequest.objects.get(pk=supplement.pk)
        comments = ReviewerComment.objects.filter(supplement=supplement).count()
        if submitter.error is None:
            assert isinstance(commenter.error, SupplementLocked), commenter.error
            assert (row.state, comments) == ("submitted", 0)
        else:
            assert isinstance(submitter.error, NotReady), submitter.error
            assert commenter.error is None
            assert (row.state, comments) == ("open", 1)
