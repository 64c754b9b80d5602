"""Reminders (催件): the party filing a supplement asks the applicant or the employer's HR for what
it still needs from them, by email, in the recipient's language, at once.

`remind` checks the rules and records one row per recipient before anything is sent, and queues
each row's task by name after commit (cases.queue: this module never imports the tasks).
A reminder is an outbox message (notifications.outbox): the Celery task `notifications.send_reminder`
sends each row exactly once through the shared sender, which claims it, waits out a backoff after a
temporary refusal and gives up after the maximum attempts; a worker killed mid-send leaves the row
claimed until the lease runs out, and the alert sweep re-queues rows whose task was lost. This
module supplies only the email (ReminderMail).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.preferences import applicant_zone
from cases import queue, tenancy
from cases.choices import ItemKind, Party, SupplementState
from cases.clock import taipei_today
from cases.errors import DomainError, InvalidInput
from cases.locking import lock_open_supplement
from cases.models import SupplementRequest
from cases.selectors import items_to_supply
from notifications import outbox
from notifications.directory import Directory
from notifications.emails import deadline_texts, status_text
from notifications.models import AlertReason, Reminder

REMINDABLE = (Party.APPLICANT, Party.EMPLOYER)
REMINDER = "reminder"  # the outbox kind
SEND_REMINDER = "notifications.send_reminder"  # its task (notifications.tasks), sent by name


class NothingAsked(DomainError):
    code = "nothing_asked"
    status = 409
    default_message = gettext_lazy("Nothing on this supplement waits on them.")


class RemindedRecently(DomainError):
    code = "reminded_recently"
    status = 409
    default_message = gettext_lazy("They were reminded a short while ago; give them time to act.")


class NoRecipient(DomainError):
    code = "no_recipient"
    status = 409
    default_message = gettext_lazy("Nobody on that side has an email address to remind.")


def _setting(name: str, default):
    return getattr(settings, name, default)


def min_interval() -> dt.timedelta:
    """One reminder per supplement and party in this time: a nudge, not a flood."""
    return dt.timedelta(hours=_setting("REMINDER_MIN_HOURS", 12))


# --- Who is asked what -------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    language: str
    time_zone: str


def asked_of(supplement: SupplementRequest, party: str) -> list[dict]:
    """What still waits on `party` (the readiness rule, cases.selectors.items_to_supply), as plain
    data for the record."""
    items = items_to_supply(supplement.items.filter(waits_on=party)).order_by("position", "id")
    return [dict(row) for row in items.values("id", "kind", "description")]


def recipients_for(supplement: SupplementRequest, party: str) -> list[Recipient]:
    """The applicant (their login, else the address on file), or the employer's HR (its admins
    where it has no HR): the alert sweep's Directory picks them, with their language and time
    zone, so a reminder reaches whom an alert would. Only active people who can see the case."""
    case = supplement.case
    directory = Directory()
    if party == Party.APPLICANT:
        applicant = case.applicant
        user_ids = [applicant.user_id] if applicant.user_id else []
    else:
        directory.load_organizations([case])
        user_ids = list(directory.people(case, None).employer_hr)
    directory.load_users(user_ids)
    people = []
    for user_id in user_ids:
        user = directory.user(user_id)  # None once inactive
        if user is None or not user.email or directory.party(user_id, case) != party:
            continue
        zone = directory.timing(user_id).time_zone
        if party == Party.APPLICANT:
            zone = applicant_zone(zone, applicant.time_zone)
        people.append(
            Recipient(
                user_id=user_id,
                email=user.email,
                language=directory.language(user_id),
                time_zone=zone,
            )
        )
    if party == Party.APPLICANT and not people and applicant.email:
        people.append(
            Recipient(
                user_id=None,
                email=applicant.email,
                language=settings.LANGUAGE_CODE,
                time_zone=applicant.time_zone,
            )
        )
    return people


def last_reminder(supplement: SupplementRequest, party: str) -> Reminder | None:
    return (
        Reminder.objects.filter(supplement=supplement, party=party)
        .select_related("sent_by")
        .order_by("-created_at", "-id")
        .first()
    )


# --- Asking ----------------------------------------------------------------------------------------
@transaction.atomic
def remind(*, supplement: SupplementRequest, actor, party: str) -> list[Reminder]:
    """Record a reminder to each recipient on `party`'s side and queue it for sending."""
    if party not in REMINDABLE:
        raise InvalidInput(_("Reminders go to the applicant or the employer's HR."), code="party")
    tenancy.check_can_remind(actor, supplement.case, party)
    # The row lock serialises two clicks at once; a submitted or withdrawn supplement asks nothing.
    supplement = lock_open_supplement(supplement.pk)
    asked = asked_of(supplement, party)
    if not asked:
        raise NothingAsked()
    previous = last_reminder(supplement, party)
    now = timezone.now()
    if previous is not None and previous.created_at > now - min_interval():
        raise RemindedRecently(
            _("Already reminded at %(when)s by %(who)s; the next reminder is possible at %(next)s.")
            % {
                "when": timezone.localtime(previous.created_at).strftime("%Y-%m-%d %H:%M"),
                "who": _who(previous.sent_by),
                "next": timezone.localtime(previous.created_at + min_interval()).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            },
            at=previous.created_at.isoformat(),
        )
    people = recipients_for(supplement, party)
    if not people:
        raise NoRecipient()
    rows = Reminder.objects.bulk_create(
        Reminder(
            supplement=supplement,
            party=party,
            recipient_id=person.user_id,
            email=person.email,
            language=person.language,
            time_zone=person.time_zone,
            asked=asked,
            sent_by=actor,
        )
        for person in people
    )
    for row in rows:
        queue.send_after_commit(SEND_REMINDER, row.pk)
    return rows


def _who(user) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


# --- Sending ---------------------------------------------------------------------------------------
def render_reminder(row: Reminder, *, today: dt.date | None = None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) in the recipient's language."""
    supplement = row.supplement
    case = supplement.case
    today = today or taipei_today()
    with translation.override(row.language):
        kinds = dict(ItemKind.choices)
        taipei, local = deadline_texts(supplement.deadline, row.time_zone)
        if row.party == Party.EMPLOYER:
            where = settings.SITE_URL + reverse("web:hr")
        elif row.recipient_id:
            where = settings.SITE_URL + reverse("web:applicant")
        else:
            where = ""  # no login: they answer by replying to the email
        context = {
            "name": _recipient_name(row),
            "sender": _who(row.sent_by),
            "agency": case.agency.name if case.agency else "",
            "reference": case.reference,
            "application_number": case.application_number,
            "round": supplement.round,
            "items": [
                {"kind": str(kinds.get(entry["kind"], entry["kind"])), "text": entry["description"]}
                for entry in row.asked
            ],
            "status": status_text((supplement.deadline - today).days),
            "deadline": taipei,
            "deadline_local": local,
            "where": where,
            "language": row.language,
        }
        subject = _("%(reference)s: please send what the supplement (補件) needs by %(date)s") % {
            "reference": case.reference,
            "date": supplement.deadline.isoformat(),
        }
        text = render_to_string("notifications/email/reminder.txt", context)
        html = render_to_string("notifications/email/reminder.html", context)
        prefix = "[" + _("Gold Card") + "] "
    return prefix + subject, text, html


def _recipient_name(row: Reminder) -> str:
    if row.party == Party.APPLICANT:
        applicant = row.supplement.case.applicant
        return applicant.given_name_en or applicant.family_name_en
    if row.recipient is not None:
        return row.recipient.get_full_name() or row.recipient.get_username()
    return row.email


class ReminderMail(outbox.Kind):
    """Reminders as outbox messages: one row, one email, with a reply-to its sender."""

    name = REMINDER
    model = Reminder

    def rows(self) -> QuerySet[Reminder]:
        return Reminder.objects.select_related(
            "supplement__case__applicant", "supplement__case__agency", "sent_by", "recipient"
        )

    def compose(self, rows: list[Reminder], draft: outbox.Draft) -> None:
        (row,) = rows
        if row.supplement.state != SupplementState.OPEN:
            draft.fail(rows, AlertReason.NOT_DUE)
            return
        subject, text, html = render_reminder(row)
        reply_to = row.sent_by.email if row.sent_by and row.sent_by.email else ""
        draft.send(rows, to=row.email, subject=subject, text=text, html=html, reply_to=reply_to)


def deliver(reminder_id: int) -> dt.timedelta | None:
    """Send one recorded reminder. Answers the wait before the next try after a temporary
    failure, else None (sent, failed for good, or not ours to send)."""
    return outbox.Sender(ReminderMail()).deliver(reminder_id)


def requeue_stranded(*, now: dt.datetime | None = None) -> int:
    """Queue again the reminders whose task was lost (a broker restart, a worker killed before it
    claimed them: waiting for more than five minutes past their time) or whose sender died
    mid-send (lease run out). Answers how many."""
    ids = outbox.Sender(ReminderMail(), now=now).stranded(late=dt.timedelta(minutes=5))
    for reminder_id in ids:
        queue.send(SEND_REMINDER, reminder_id)
    return len(ids)


# --- What the workspace offers ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReminderOption:
    party: str
    pending: int
    last: Reminder | None
    next_possible_at: dt.datetime | None  # None: possible now


def options_for(supplement: SupplementRequest, actor, items) -> list[ReminderOption]:
    """The reminders `actor` may send now or later: one per other party with pending items."""
    if supplement.state != SupplementState.OPEN:
        return []
    options = []
    for party in REMINDABLE:
        pending = sum(
            1
            for item in items
            if item.waits_on == party
            and item.is_pending
            and not getattr(item, "awaiting_review", False)
        )
        if not pending or not tenancy.can_remind(actor, supplement.case, party):
            continue
        last = last_reminder(supplement, party)
        next_at = last.created_at + min_interval() if last else None
        options.append(
            ReminderOption(
                party=party,
                pending=pending,
                last=last,
                next_possible_at=next_at if next_at and next_at > timezone.now() else None,
            )
        )
    return options
