"""Second half of a sweep: send what is recorded and due, each alert exactly once.

A sweep claims a batch of recipients' due alerts with one conditional UPDATE (pending → sending,
stamped with its own claim id) and works only on the rows it changed; a concurrent sweep's UPDATE
finds them no longer pending. Each person then gets one email for everything due to them. Before
sending, every alert is checked again: the subject still open with the same deadline, the person
still able to see the case (cases.tenancy.party_for), not snoozing, an escalation not yet
acknowledged. Each email's rows are marked as soon as it is sent, so a crash resends at most one.

A sweep killed after claiming leaves rows in "sending"; after ALERT_CLAIM_LEASE_SECONDS the next
sweep takes them back. (A kill between the mail server's "250 OK" and our "sent" mark is the one
window where a person could get the same email twice: nothing can close it on the SMTP side.)
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from cases.choices import Party
from cases.clock import taipei_today
from cases.models import Case
from notifications.channels import PERMANENT, EmailChannel, describe
from notifications.directory import Directory
from notifications.emails import Digests, Line
from notifications.models import Alert, AlertReason, AlertResponse, AlertRole, AlertStatus
from notifications.planner import subject_filter
from notifications.rules import is_urgent
from notifications.subjects import load_items

logger = logging.getLogger(__name__)


@dataclass
class DeliveryResult:
    sent: int = 0  # alerts
    emails: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0


def _setting(name: str, default):
    return getattr(settings, name, default)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before retry number `attempts`: 1, 2, 4, 8... minutes, at most an hour by default."""
    base = _setting("ALERT_RETRY_BASE_SECONDS", 60)
    ceiling = _setting("ALERT_RETRY_MAX_SECONDS", 3600)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def release_stale_claims() -> int:
    """Rows claimed by a sweep that died: due again once the lease has run out (wall clock)."""
    lease = dt.timedelta(seconds=_setting("ALERT_CLAIM_LEASE_SECONDS", 600))
    expired = timezone.now() - lease
    return Alert.objects.filter(status=AlertStatus.SENDING, claimed_at__lt=expired).update(
        status=AlertStatus.PENDING, claim=None, claimed_at=None
    )


# What delivery reads of a claimed row (a batch holds thousands: the other columns are not loaded).
DELIVERY_FIELDS = (
    "id",
    "recipient_id",
    "subject_kind",
    "subject_id",
    "case_id",
    "due_on",
    "role",
    "attempts",
    "claim",
)


def claim(now: dt.datetime, batch_size: int) -> list[Alert] | None:
    """Claim the due alerts of up to `batch_size` recipients; None when nothing is due."""
    recipients = list(
        Alert.objects.due(now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:batch_size]
    )
    if not recipients:
        return None
    token = uuid.uuid4()
    Alert.objects.due(now).filter(recipient_id__in=recipients).update(
        status=AlertStatus.SENDING, claim=token, claimed_at=timezone.now()
    )
    return list(
        Alert.objects.filter(claim=token).only(*DELIVERY_FIELDS).order_by("recipient_id", "id")
    )


def _finish(rows: list[Alert], status: str, *, reason: str = "", error: str = "", **fields) -> None:
    """Record the outcome: `reason` is a code (AlertReason) shown translated, `error` only the raw
    technical detail."""
    if rows:
        Alert.objects.filter(pk__in=[row.pk for row in rows], claim=rows[0].claim).update(
            status=status, reason=reason, error=error[:2000], claim=None, **fields
        )


class Deliverer:
    def __init__(self, now: dt.datetime, directory: Directory | None = None) -> None:
        self.now = now
        self.today = taipei_today(now)
        self.result = DeliveryResult()
        self.channel = EmailChannel()
        # The planner's directory, when there is one: its users keep their tenancy scope.
        self.directory = directory or Directory()
        self.max_attempts = _setting("ALERT_MAX_ATTEMPTS", 8)
        self._cases: dict[int, Case] = {}

    def run(self, batch_size: int) -> DeliveryResult:
        release_stale_claims()
        try:
            while (rows := claim(self.now, batch_size)) is not None:
                self.deliver_batch(rows)
        finally:
            self.channel.close()
        return self.result

    def deliver_batch(self, rows: list[Alert]) -> None:
        if not rows:
            return
        keys = {(row.subject_kind, row.subject_id) for row in rows}
        items = load_items(keys)
        acknowledged = set(
            AlertResponse.objects.filter(subject_filter(keys), acknowledged_at__isnull=False)
            .values_list("subject_kind", "subject_id")
            .distinct()
        )
        snoozed = {
            (user_id, kind, subject_id): until
            for user_id, kind, subject_id, until in AlertResponse.objects.filter(
                subject_filter(keys),
                user_id__in={row.recipient_id for row in rows},
                snoozed_until__gte=self.today,
            ).values_list("user_id", "subject_kind", "subject_id", "snoozed_until")
        }
        by_recipient: dict[int, list[Alert]] = defaultdict(list)
        for row in rows:
            by_recipient[row.recipient_id].append(row)
        self.directory.load_users(by_recipient)
        # Texts shared by this batch's emails; a new set per batch keeps memory bounded.
        self.digests = Digests(self.today)
        for recipient_id, mine in by_recipient.items():
            try:
                self.deliver_to(recipient_id, mine, items, acknowledged, snoozed)
            except Exception as exc:
                # A bug must not leave rows claimed forever or stop everyone else's mail.
                logger.exception("alert delivery to user %s failed", recipient_id)
                _finish(
                    mine,
                    AlertStatus.FAILED,
                    reason=AlertReason.INTERNAL,
                    error=describe(exc),
                    attempts=F("attempts") + 1,
                )
                self.result.failed += len(mine)

    def case_of(self, row: Alert, item) -> Case:
        """The case the alert was planned on (a passport's "latest case" may since differ)."""
        if row.case_id == item.case.pk:
            return item.case
        if row.case_id not in self._cases:
            self._cases[row.case_id] = Case.objects.select_related("applicant").get(pk=row.case_id)
        return self._cases[row.case_id]

    def deliver_to(self, recipient_id, rows, items, acknowledged, snoozed) -> None:
        user = self.directory.user(recipient_id)
        if user is None:
            _finish(rows, AlertStatus.SKIPPED, reason=AlertReason.INACTIVE)
            self.result.skipped += len(rows)
            return
        # (reason, the snooze date for a snoozed one) → the rows skipped for it
        skip: dict[tuple[str, dt.date | None], list[Alert]] = defaultdict(list)
        lines: dict[tuple[str, int], Line] = {}
        sending: list[Alert] = []
        for row in rows:
            item = items.get((row.subject_kind, row.subject_id))
            key = (row.subject_kind, row.subject_id)
            until = snoozed.get((recipient_id, *key))
            if item is None or not item.current or item.due_on != row.due_on:
                skip[(AlertReason.NOT_DUE, None)].append(row)
            elif (party := self.directory.party(recipient_id, self.case_of(row, item))) is None:
                skip[(AlertReason.NO_ACCESS, None)].append(row)
            elif row.role == AlertRole.ESCALATION and key in acknowledged:
                skip[(AlertReason.ACKNOWLEDGED, None)].append(row)
            elif until is not None and not is_urgent((item.due_on - self.today).days):
                skip[(AlertReason.SNOOZED, until)].append(row)
            else:
                sending.append(row)
                # Several stages of one subject (say, after a pause) make one line.
                # What is missing can name agency-only documents: the agency's side only.
                lines.setdefault(
                    key, Line(item=item, role=row.role, show_missing=party == Party.AGENCY)
                )
        for (reason, until), skipped in skip.items():
            _finish(skipped, AlertStatus.SKIPPED, reason=reason, snoozed_until=until)
            self.result.skipped += len(skipped)
        if not sending:
            return
        if not user.email:
            _finish(sending, AlertStatus.FAILED, reason=AlertReason.NO_EMAIL)
            self.result.failed += len(sending)
            return
        subject, text, html = self.digests.render(
            user=user,
            language=self.directory.language(recipient_id),
            time_zone=self.directory.timing(recipient_id).time_zone,
            lines=list(lines.values()),
        )
        outcome = self.channel.send(to=user.email, subject=subject, text=text, html=html)
        if outcome.ok:
            _finish(
                sending,
                AlertStatus.SENT,
                sent_at=timezone.now(),
                message_id=outcome.message_id,
                attempts=F("attempts") + 1,
            )
            self.result.sent += len(sending)
            self.result.emails += 1
            return
        attempts = max(row.attempts for row in sending) + 1
        if outcome.kind == PERMANENT or attempts >= self.max_attempts:
            reason = (
                AlertReason.SMTP_PERMANENT if outcome.kind == PERMANENT else AlertReason.GAVE_UP
            )
            _finish(
                sending,
                AlertStatus.FAILED,
                reason=reason,
                error=outcome.error,
                attempts=F("attempts") + 1,
            )
            self.result.failed += len(sending)
            logger.warning("alert email to user %s failed: %s", recipient_id, outcome.error)
            return
        _finish(
            sending,
            AlertStatus.PENDING,
            reason=AlertReason.SMTP_TEMPORARY,
            error=outcome.error,
            attempts=F("attempts") + 1,
            claimed_at=None,
            send_after=self.now + backoff(attempts),
        )
        self.result.retrying += len(sending)


def deliver_due(
    *, now: dt.datetime, batch_size: int = 50, directory: Directory | None = None
) -> DeliveryResult:
    return Deliverer(now, directory).run(batch_size)
