"""One outbox for every message the tracker sends: record it, claim it with a lease, send it, retry a
temporary refusal with backoff, give up after ALERT_MAX_ATTEMPTS, record the outcome.

Deadline alerts (notifications.delivery: a sweep sends one digest per recipient for all their due
rows) and reminders (notifications.reminders, 催件: one row, one email, sent by a Celery task) are
both outbox messages; only what they say and whom they group differ.

- Recording: a message is a row saved (status "pending", `send_after`) inside the transaction that
  decides it, so nothing is sent for work that rolls back and nothing decided is lost.
- Claiming: one conditional UPDATE stamps the rows with the claimer's own token and the time;
  whoever's UPDATE changed a row owns it, so two workers never send the same row.
- Taking back: a claim holds for ALERT_CLAIM_LEASE_SECONDS. A worker killed mid-job leaves its rows
  "sending"; once the lease has run out, the next claim takes them as if they were pending.
- Recording the outcome: only rows still carrying the claimer's token are written, so a worker that
  wakes after losing its lease cannot overwrite its successor's outcome.

How a new kind of message plugs in (outbound webhooks, say):

1. Its model inherits `OutboxMessage` and adds what the message is about.
2. A `Kind` subclass names the model and supplies only the message: `compose(rows, draft)` turns
   the rows of one message into `draft.send(rows, **message)` (the channel's `send` arguments) or
   settles them unsent (`draft.skip`, `draft.fail`). `group_by` puts several rows into one message,
   `prepare(rows)` loads what a claimed batch needs at once, `channel()` says how it goes out (an
   object with `send(**message) -> channels.Outcome` and `close()`; email by default).
3. A sweep sends what is due with `Sender(kind).run(batch_size)`; a task sends one row with
   `Sender(kind).deliver(pk)` and waits out the backoff it answers, and a sweep hands it the rows
   whose task was lost (`Sender(kind).stranded`). The service that records rows queues the task by
   name after commit (cases.queue.send_after_commit), never importing the tasks module; the app's
   ready() imports it so the name is registered in every process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.channels import PERMANENT, EmailChannel, Outcome, describe

logger = logging.getLogger(__name__)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no longer needed)")


class Reason(models.TextChoices):
    """Why a message was skipped, failed or is waiting to be tried again: stored as a code, shown
    in the reader's language. The raw technical detail (a mail server's reply) stays in `error`."""

    NOT_DUE = "not_due", _("No longer due: done, withdrawn, or the deadline moved.")
    NO_ACCESS = "no_access", _("The recipient can no longer see this case.")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by someone on the case: no escalation.")
    SNOOZED = "snoozed", _("Snoozed by the recipient.")
    INACTIVE = "inactive", _("The account is inactive or gone.")
    NO_EMAIL = "no_email", _("The user has no email address.")
    GAVE_UP = "gave_up", _("Gave up after repeated temporary failures.")
    SMTP_PERMANENT = "smtp_permanent", _("The mail server refused the message.")
    SMTP_TEMPORARY = (
        "smtp_temporary",
        _("The mail server did not take the message yet; it will be tried again."),
    )
    INTERNAL = "internal", _("An error in the tracker stopped this alert; see the server log.")
    UNSUBSCRIBED = "unsubscribed", _("The recipient turned off early reminders by email.")


class OutboxMessage(models.Model):
    """The delivery state every outbox message shares. `claim` and `claimed_at` are the lease:
    set together by the claiming UPDATE, cleared together when the outcome is recorded."""

    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    # Only the raw technical detail (a mail server's reply, an exception): never shown translated.
    error = models.TextField(_("error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)

    class Meta:
        abstract = True


# --- The schedule ----------------------------------------------------------------------------------
def _setting(name: str, default):
    return getattr(settings, name, default)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before retry number `attempts`: 1, 2, 4, 8... minutes, at most an hour by default."""
    base = _setting("ALERT_RETRY_BASE_SECONDS", 60)
    ceiling = _setting("ALERT_RETRY_MAX_SECONDS", 3600)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def lease_expired(now: dt.datetime | None = None) -> dt.datetime:
    """Claims older than this belong to a worker presumed dead (wall clock, not a sweep's `now`)."""
    lease = dt.timedelta(seconds=_setting("ALERT_CLAIM_LEASE_SECONDS", 600))
    return (now or timezone.now()) - lease


def claimable(*, due_by: dt.datetime | None = None) -> Q:
    """Pending (and due by `due_by`, when given), or claimed by a worker whose lease ran out."""
    ready = Q(status=OutboxStatus.PENDING)
    if due_by is not None:
        ready &= Q(send_after__lte=due_by)
    return ready | Q(status=OutboxStatus.SENDING, claimed_at__lt=lease_expired())


# --- What a kind of message supplies ---------------------------------------------------------------
class Channel(Protocol):
    def send(self, *args: Any, **message: Any) -> Outcome: ...

    def close(self) -> None: ...


@dataclass
class Draft:
    """What `Kind.compose` makes of one message's rows: the rows sent together with the channel's
    arguments, and the rows settled without sending (status, reason, extra columns)."""

    sending: list = field(default_factory=list)
    message: dict[str, Any] = field(default_factory=dict)
    settled: list[tuple[list, str, str, dict]] = field(default_factory=list)

    def send(self, rows: Sequence, **message: Any) -> None:
        self.sending, self.message = list(rows), message

    def skip(self, rows: Sequence, reason: str, **fields: Any) -> None:
        self.settled.append((list(rows), OutboxStatus.SKIPPED, reason, fields))

    def fail(self, rows: Sequence, reason: str, **fields: Any) -> None:
        self.settled.append((list(rows), OutboxStatus.FAILED, reason, fields))


class Kind:
    """One kind of message: its model and how its rows become a message. Subclass and override."""

    name: ClassVar[str]
    model: ClassVar[type[OutboxMessage]]
    # Rows with the same value here make one message (a digest); None: one message per row.
    group_by: ClassVar[str | None] = None
    # What the channel's refusals are recorded as.
    temporary_reason: ClassVar[str] = Reason.SMTP_TEMPORARY
    permanent_reason: ClassVar[str] = Reason.SMTP_PERMANENT
    # A kind with a schedule of its own (webhooks retry over a day); None: the alerts' settings.
    max_attempts: ClassVar[int | None] = None

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait before retry number `attempts`."""
        return backoff(attempts)

    def rows(self) -> QuerySet:
        """How claimed rows are loaded (select_related, only); must load `claim` and `attempts`."""
        return self.model._default_manager.all()

    def prepare(self, rows: list) -> None:
        """Load what a whole claimed batch needs, once."""

    def compose(self, rows: list, draft: Draft) -> None:
        raise NotImplementedError

    def channel(self) -> Channel:
        return EmailChannel()

    def addressee(self, rows: list) -> str:
        """Who a message was for, in the log."""
        return f"{self.name} {rows[0].pk}"


# --- The sender ------------------------------------------------------------------------------------
@dataclass
class Tally:
    sent: int = 0  # rows
    messages: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0


class Sender:
    """Claims, sends and records one kind of message. `now` is when the work is due (a sweep's
    clock); leases always run on the wall clock."""

    def __init__(self, kind: Kind, *, now: dt.datetime | None = None) -> None:
        self.kind = kind
        self.now = now or timezone.now()
        self.tally = Tally()
        self.max_attempts = kind.max_attempts or _setting("ALERT_MAX_ATTEMPTS", 8)
        self._channel: Channel | None = None

    # Claiming. Reading the candidates and taking them are separate steps, as they are in a race:
    # a rival may take the rows in between, and the conditional UPDATE then finds nothing.
    def candidates(self, batch_size: int) -> list:
        """Up to `batch_size` messages due now: their `group_by` values, or row ids."""
        column = self.kind.group_by or "pk"
        due = self.kind.model._default_manager.filter(claimable(due_by=self.now))
        return list(due.order_by(column).values_list(column, flat=True).distinct()[:batch_size])

    def take(self, keys: Iterable, *, due: bool = True) -> list:
        """Claim the rows of these messages that are still free; [] when a rival was first."""
        column = self.kind.group_by or "pk"
        free = claimable(due_by=self.now if due else None)
        token = uuid.uuid4()
        taken = self.kind.model._default_manager.filter(
            free, **{f"{column}__in": list(keys)}
        ).update(status=OutboxStatus.SENDING, claim=token, claimed_at=timezone.now())
        if not taken:
            return []
        return list(self.kind.rows().filter(claim=token).order_by(column, "pk"))

    # Sending.
    def run(self, batch_size: int) -> Tally:
        """Send everything due, a batch of `batch_size` messages at a time."""
        try:
            while keys := self.candidates(batch_size):
                rows = self.take(keys)
                if rows:
                    self.kind.prepare(rows)
                    for _key, message in self._messages(rows):
                        self.send_message(list(message))
        finally:
            self.close()
        return self.tally

    def deliver(self, pk: int) -> dt.timedelta | None:
        """Send one row now, due or not (its task's countdown is the schedule). Answers the wait
        before the next try after a temporary refusal, else None (done, or not ours to send)."""
        rows = self.take([pk], due=False)
        if not rows:
            return None
        try:
            self.kind.prepare(rows)
            return self.send_message(rows)
        finally:
            self.close()

    def stranded(self, *, late: dt.timedelta, limit: int = 500) -> list[int]:
        """Rows whose task was lost (pending for `late` past their time) or whose worker died (lease
        run out): for a sweep to hand to the workers again."""
        rows = self.kind.model._default_manager.filter(
            Q(status=OutboxStatus.PENDING, send_after__lt=self.now - late)
            | Q(status=OutboxStatus.SENDING, claimed_at__lt=lease_expired(self.now))
        )
        return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def _messages(self, rows: list):
        group_by = self.kind.group_by
        if group_by is None:
            return ((row.pk, [row]) for row in rows)
        return itertools.groupby(rows, key=lambda row: getattr(row, group_by))

    def send_message(self, rows: list) -> dt.timedelta | None:
        """Compose one message from its claimed rows, send it, record the outcome on the rows
        this claim still holds. Answers the wait before the next try, as `deliver` does."""
        draft = Draft()
        try:
            self.kind.compose(rows, draft)
            for settled, status, reason, fields in draft.settled:
                self._finish(settled, status, reason=reason, **fields)
            if not draft.sending:
                return None
            if self._channel is None:
                self._channel = self.kind.channel()
            outcome = self._channel.send(**draft.message)
            return self._record(draft.sending, outcome)
        except Exception as exc:
            # A bug must not leave rows claimed until the lease runs out, nor stop other messages.
            # Rows already settled no longer carry the claim, so this touches only the rest.
            logger.exception("%s delivery to %s failed", self.kind.name, self.kind.addressee(rows))
            self._finish(
                rows,
                OutboxStatus.FAILED,
                reason=Reason.INTERNAL,
                error=describe(exc),
                attempts=F("attempts") + 1,
            )
            return None

    def _record(self, rows: list, outcome: Outcome) -> dt.timedelta | None:
        attempts = max(row.attempts for row in rows) + 1
        tried: dict[str, Any] = {"attempts": F("attempts") + 1}
        if outcome.ok:
            self._finish(
                rows,
                OutboxStatus.SENT,
                sent_at=timezone.now(),
                message_id=outcome.message_id,
                **tried,
            )
            self.tally.messages += 1
            return None
        if outcome.kind == PERMANENT or attempts >= self.max_attempts:
            reason = self.kind.permanent_reason if outcome.kind == PERMANENT else Reason.GAVE_UP
            self._finish(rows, OutboxStatus.FAILED, reason=reason, error=outcome.error, **tried)
            logger.warning(
                "%s to %s failed: %s", self.kind.name, self.kind.addressee(rows), outcome.error
            )
            return None
        wait = self.kind.backoff(attempts)
        self._finish(
            rows,
            OutboxStatus.PENDING,
            reason=self.kind.temporary_reason,
            error=outcome.error,
            send_after=self.now + wait,
            **tried,
        )
        return wait

    def _finish(
        self, rows: list, status: str, *, reason: str = "", error: str = "", **fields: Any
    ) -> None:
        """Record the outcome on the rows this claim still holds, and end the claim."""
        if not rows:
            return
        done = self.kind.model._default_manager.filter(
            pk__in=[row.pk for row in rows], claim=rows[0].claim
        ).update(
            status=status,
            reason=reason,
            error=error[:2000],
            claim=None,
            claimed_at=None,
            **fields,
        )
        counter = {
            OutboxStatus.SENT: "sent",
            OutboxStatus.FAILED: "failed",
            OutboxStatus.SKIPPED: "skipped",
            OutboxStatus.PENDING: "retrying",
        }[OutboxStatus(status)]
        setattr(self.tally, counter, getattr(self.tally, counter) + done)
