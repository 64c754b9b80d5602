"""Second half of a sweep: send what is recorded and due, each alert exactly once.

Alerts are outbox messages (notifications.outbox): the shared sender claims the due alerts of a
batch of recipients with one conditional UPDATE, takes back rows whose sweep died once their lease
has run out, retries temporary refusals with backoff and gives up after ALERT_MAX_ATTEMPTS. This
module supplies only the alerts' part: one digest per recipient for everything due to them, and
the checks made again just before sending: the subject still open with the same deadline, the
person still able to see the case (cases.tenancy.party_for), not snoozing, an escalation not yet
acknowledged. Each email's rows are marked as soon as it is sent, so a crash resends at most one.

(A kill between the mail server's "250 OK" and our "sent" mark is the one window where a person
could get the same email twice: nothing can close it on the SMTP side.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from cases import clock
from cases.choices import Party
from cases.clock import taipei_today
from cases.models import Case
from notifications.directory import Directory
from notifications.emails import Digests, Line
from notifications.links import unsubscribe_url
from notifications.models import Alert, AlertReason, AlertResponse, AlertRole
from notifications.outbox import Draft, Kind, Sender, Tally
from notifications.planner import subject_filter
from notifications.rules import is_urgent
from notifications.subjects import load_items

ALERT = "alert"

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


class AlertDigests(Kind):
    """Alerts as outbox messages: one digest email per recipient for their claimed rows."""

    name = ALERT
    model = Alert
    group_by = "recipient_id"

    def __init__(self, now: dt.datetime, directory: Directory | None = None) -> None:
        self.today = taipei_today(now)
        # The planner's directory, when there is one: its users keep their tenancy scope.
        self.directory = directory or Directory()
        self._cases: dict[int, Case] = {}
        # What the claimed batch needs, loaded once by prepare().
        self.items: dict = {}
        self.acknowledged: set[tuple[str, int]] = set()
        self.snoozed: dict[tuple, dt.date | None] = {}
        self.digests = Digests(self.today)

    def rows(self) -> QuerySet[Alert]:
        return Alert.objects.only(*DELIVERY_FIELDS)

    def addressee(self, rows: list[Alert]) -> str:
        return f"user {rows[0].recipient_id}"

    def prepare(self, rows: list[Alert]) -> None:
        keys = {(row.subject_kind, row.subject_id) for row in rows}
        self.items = load_items(keys)
        self.acknowledged = set(
            AlertResponse.objects.filter(subject_filter(keys), acknowledged_at__isnull=False)
            .values_list("subject_kind", "subject_id")
            .distinct()
        )
        self.snoozed = {
            (user_id, kind, subject_id): until
            for user_id, kind, subject_id, until in AlertResponse.objects.filter(
                subject_filter(keys),
                user_id__in={row.recipient_id for row in rows},
                snoozed_until__gte=self.today,
            ).values_list("user_id", "subject_kind", "subject_id", "snoozed_until")
        }
        self.directory.load_users({row.recipient_id for row in rows})
        # Texts shared by this batch's emails; a new set per batch keeps memory bounded.
        self.digests = Digests(self.today)

    def compose(self, rows: list[Alert], draft: Draft) -> None:
        recipient_id = rows[0].recipient_id
        user = self.directory.user(recipient_id)
        if user is None:
            draft.skip(rows, AlertReason.INACTIVE)
            return
        early_alerts = self.directory.timing(recipient_id).early_alerts
        # (reason, the snooze date for a snoozed one) → the rows skipped for it
        skip: dict[tuple[str, dt.date | None], list[Alert]] = defaultdict(list)
        lines: dict[tuple[str, int], Line] = {}
        sending: list[Alert] = []
        for row in rows:
            key = (row.subject_kind, row.subject_id)
            item = self.items.get(key)
            until = self.snoozed.get((recipient_id, *key))
            if item is None or not item.current or item.due_on != row.due_on:
                skip[(AlertReason.NOT_DUE, None)].append(row)
            elif (party := self.directory.party(recipient_id, self.case_of(row, item))) is None:
                skip[(AlertReason.NO_ACCESS, None)].append(row)
            elif row.role == AlertRole.ESCALATION and key in self.acknowledged:
                skip[(AlertReason.ACKNOWLEDGED, None)].append(row)
            elif until is not None and not is_urgent(clock.days_left(item.due_on, self.today)):
                skip[(AlertReason.SNOOZED, until)].append(row)
            elif not early_alerts and not is_urgent(clock.days_left(item.due_on, self.today)):
                skip[(AlertReason.UNSUBSCRIBED, None)].append(row)
            else:
                sending.append(row)
                # Several stages of one subject (say, after a pause) make one line.
                # What is missing can name agency-only documents: the agency's side only.
                lines.setdefault(
                    key, Line(item=item, role=row.role, show_missing=party == Party.AGENCY)
                )
        for (reason, until), skipped in skip.items():
            draft.skip(skipped, reason, snoozed_until=until)
        if not sending:
            return
        if not user.email:
            draft.fail(sending, AlertReason.NO_EMAIL)
            return
        subject, text, html = self.digests.render(
            user=user,
            language=self.directory.language(recipient_id),
            time_zone=self.directory.timing(recipient_id).time_zone,
            lines=list(lines.values()),
        )
        draft.send(
            sending,
            to=user.email,
            subject=subject,
            text=text,
            html=html,
            unsubscribe_url=unsubscribe_url(user_id=user.pk),
        )

    def case_of(self, row: Alert, item) -> Case:
        """The case the alert was planned on (a passport's "latest case" may since differ)."""
        if row.case_id == item.case.pk:
            return item.case
        if row.case_id not in self._cases:
            self._cases[row.case_id] = Case.objects.select_related("applicant").get(pk=row.case_id)
        return self._cases[row.case_id]


def deliver_due(
    *, now: dt.datetime, batch_size: int = 50, directory: Directory | None = None
) -> Tally:
    """Send every alert due at `now`, the due alerts of `batch_size` recipients at a time."""
    return Sender(AlertDigests(now, directory), now=now).run(batch_size)
