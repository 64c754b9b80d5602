"""The alert email: one per person per sweep, listing every item for them (overdue first), in
their language (rendered inside translation.override), HTML and plain text, with the Chinese
platform terms beside the English and a link to each item and to acknowledge or snooze it."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import clock
from cases.deadlines import TAIPEI
from notifications.links import respond_url
from notifications.models import AlertRole
from notifications.rules import ordering_key
from notifications.subjects import Item

MAX_MISSING_LINES = 5


@dataclass(frozen=True)
class Line:
    """One item in one person's email, with why they receive it."""

    item: Item
    role: str
    show_missing: bool = True


def status_text(days_left: int) -> str:
    if days_left < 0:
        return ngettext(
            "Overdue by %(days)d day (逾期)", "Overdue by %(days)d days (逾期)", -days_left
        ) % {"days": -days_left}
    if days_left == 0:
        return _("Due today (今日到期)")
    if days_left == 1:
        return _("Due tomorrow (明日到期)")
    return ngettext("%(days)d day left", "%(days)d days left", days_left) % {"days": days_left}


class Phrases:
    """The fixed phrases of one email, translated once in the active language."""

    def __init__(self) -> None:
        self.parties = {
            "applicant": _("the applicant (申請人)"),
            "employer": _("the employer's HR (雇主)"),
            "agency": _("the agency staff (代辦機構)"),
        }
        self.roles: dict[str, str] = {
            AlertRole.WAITING: _("It waits on you."),
            AlertRole.ASSIGNEE: _("You are assigned to it."),
            AlertRole.RESPONSIBLE: _("Nobody is assigned: your agency's admins own it."),
            AlertRole.ESCALATION: _("Escalated to you: nobody has acknowledged it yet."),
            AlertRole.INFORMED: _("For your information: your employee's case."),
        }
        self.labels = {
            "deadline": _("Deadline"),
            "waiting_on": _("Waiting on"),
            "missing": _("Still missing"),
            "open": _("Open"),
            "respond": _("Acknowledge or snooze"),
        }

    def party(self, party: str) -> str:
        return self.parties.get(party, party)


def deadline_texts(due_on: dt.date, time_zone: str) -> tuple[str, str]:
    """("2026-12-01, end of the day, Taipei time", "= 2026-12-01 17:00 in Europe/Berlin" or "")."""
    taipei = _("%(date)s, end of the day, Taipei time (臺北時間)") % {"date": due_on.isoformat()}
    ends_at = dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(0), tzinfo=TAIPEI)
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return taipei, ""
    local = ends_at.astimezone(zone)
    if local.utcoffset() == ends_at.utcoffset():
        return taipei, ""
    return taipei, _("= %(when)s in your time zone (%(zone)s)") % {
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "zone": time_zone,
    }


@dataclass(frozen=True)
class ItemTexts:
    """What an email says about one item in one language and time zone: the same for everyone
    whose email lists it, so worked out once per batch of emails (Digests)."""

    title: str
    detail: str
    status: str
    overdue: bool
    urgent: bool
    deadline: str
    deadline_local: str
    waits_on: str
    url: str
    order: tuple


def item_texts(item: Item, *, today: dt.date, time_zone: str, phrases: Phrases) -> ItemTexts:
    days_left = clock.days_left(item.due_on, today)
    taipei, local = deadline_texts(item.due_on, time_zone)
    return ItemTexts(
        title=item.title(),
        detail=item.detail(),
        status=status_text(days_left),
        overdue=days_left < 0,
        urgent=days_left <= 1,
        deadline=taipei,
        deadline_local=local,
        waits_on=", ".join(phrases.party(party) for party in item.waits_on),
        url=item.url,
        order=ordering_key(days_left, item.due_on, item.case.reference),
    )


# The entries of the list, as plain text and as HTML. Composed here rather than in the templates:
# a digest lists up to hundreds of entries, and the template engine's cost per node made rendering
# the larger part of a sweep. The templates keep the frame around the list.
ENTRY_HTML = (
    '<li style="margin-bottom:1rem">\n'
    '  <strong><a href="{url}">{title}</a></strong><br>\n'
    "  <span{emphasis}>{status}</span><br>\n"
    "  {deadline_label}: {deadline}<br>\n"
    "  {detail}<br>\n"
    "  {waiting_label}: {waits_on}\n"
    "  {missing}\n"
    "  <br><em>{why}</em><br>\n"
    '  <a href="{url}">{open_label}</a> · <a href="{respond_url}">{respond_label}</a>\n'
    "</li>"
)
OVERDUE_STYLE = ' style="color:#b00020;font-weight:bold"'
URGENT_STYLE = ' style="font-weight:bold"'


def _escape(text: str) -> str:
    # What django.utils.html.escape does, without its lazy-string wrapper, which cost more than
    # the escaping itself at fifteen calls per entry.
    return html.escape(str(text))


def _deadline(texts: ItemTexts) -> str:
    return texts.deadline + (f" {texts.deadline_local}" if texts.deadline_local else "")


def entry_text(
    texts: ItemTexts, *, why: str, respond_url: str, missing: Sequence[str], labels
) -> str:
    """The entry without its number (the template numbers the list)."""
    lines = [
        texts.title,
        f"   {texts.status}",
        f"   {labels['deadline']}: {_deadline(texts)}",
        f"   {texts.detail}",
        f"   {labels['waiting_on']}: {texts.waits_on}",
    ]
    if missing:
        lines.append(f"   {labels['missing']}:")
        lines.extend(f"   - {message}" for message in missing)
    lines += [
        f"   {why}",
        f"   {labels['open']}: {texts.url}",
        f"   {labels['respond']}: {respond_url}",
    ]
    return "\n".join(lines)


def entry_html(
    texts: ItemTexts, *, why: str, respond_url: str, missing: Sequence[str], labels
) -> SafeString:
    missing_html = ""
    if missing:
        listed = "".join(f"<li>{_escape(message)}</li>" for message in missing)
        missing_html = f"<br>{_escape(labels['missing'])}:<ul>{listed}</ul>"
    emphasis = OVERDUE_STYLE if texts.overdue else URGENT_STYLE if texts.urgent else ""
    # Every value is escaped here; the markup around them is the constant above.
    return mark_safe(  # noqa: S308
        ENTRY_HTML.format(
            url=_escape(texts.url),
            title=_escape(texts.title),
            emphasis=emphasis,
            status=_escape(texts.status),
            deadline_label=_escape(labels["deadline"]),
            deadline=_escape(_deadline(texts)),
            detail=_escape(texts.detail),
            waiting_label=_escape(labels["waiting_on"]),
            waits_on=_escape(texts.waits_on),
            missing=missing_html,
            why=_escape(why),
            open_label=_escape(labels["open"]),
            respond_url=_escape(respond_url),
            respond_label=_escape(labels["respond"]),
        )
    )


class Digests:
    """Composes a batch of emails (delivery takes a new one per claimed batch, which bounds its
    memory): the fixed phrases once per language, each item's texts once per language and time
    zone, however many people's emails list the item."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._phrases: dict[str, Phrases] = {}
        self._texts: dict[tuple, ItemTexts] = {}
        self._missing_messages: dict[tuple, tuple[str, ...]] = {}

    def _item_texts(self, item: Item, language: str, time_zone: str, phrases: Phrases) -> ItemTexts:
        key = (item.kind, item.subject_id, item.due_on, language, time_zone)
        texts = self._texts.get(key)
        if texts is None:
            texts = item_texts(item, today=self.today, time_zone=time_zone, phrases=phrases)
            self._texts[key] = texts
        return texts

    def _missing(self, item: Item, language: str) -> tuple[str, ...]:
        key = (item.kind, item.subject_id, language)
        if key not in self._missing_messages:
            messages = item.missing_messages()[:MAX_MISSING_LINES]
            self._missing_messages[key] = tuple(messages)
        return self._missing_messages[key]

    def render(
        self, *, user, language: str, time_zone: str, lines: list[Line]
    ) -> tuple[str, str, str]:
        """(subject, plain text, HTML) of one person's email, in their language."""
        with translation.override(language):
            phrases = self._phrases.get(language)
            if phrases is None:
                phrases = self._phrases[language] = Phrases()
            labels = phrases.labels
            chosen = sorted(
                (
                    (self._item_texts(line.item, language, time_zone, phrases), line)
                    for line in lines
                ),
                key=lambda pair: pair[0].order,
            )
            texts_out, html_out = [], []
            for number, (texts, line) in enumerate(chosen, start=1):
                why = phrases.roles.get(line.role, "")
                url = respond_url(
                    user_id=user.pk,
                    subject_kind=line.item.kind,
                    subject_id=line.item.subject_id,
                )
                # Only the agency's side is told what is missing (Line.show_missing).
                missing = self._missing(line.item, language) if line.show_missing else ()
                text = entry_text(texts, why=why, respond_url=url, missing=missing, labels=labels)
                html_entry = entry_html(
                    texts, why=why, respond_url=url, missing=missing, labels=labels
                )
                texts_out.append(f"\n{number}. {text}\n")
                html_out.append(f"\n{html_entry}\n")
            overdue = sum(1 for texts, _line in chosen if texts.overdue)
            if len(chosen) == 1:
                subject = _("%(status)s: %(title)s") % {
                    "status": chosen[0][0].status,
                    "title": chosen[0][0].title,
                }
            else:
                subject = ngettext(
                    "%(count)d deadlines need attention (%(overdue)d overdue)",
                    "%(count)d deadlines need attention (%(overdue)d overdue)",
                    len(chosen),
                ) % {"count": len(chosen), "overdue": overdue}
            context = {
                "name": user.get_full_name() or user.get_username(),
                "count": len(chosen),
                # The numbered list, each entry escaped in entry_html.
                "entries_text": "".join(texts_out),
                "entries_html": mark_safe("".join(html_out)),  # noqa: S308
                "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
                "overdue": overdue,
                "today": self.today.isoformat(),
                "language": language,
            }
            text = render_to_string("notifications/email/digest.txt", context)
            html = render_to_string("notifications/email/digest.html", context)
            prefix = "[" + _("Gold Card") + "] "  # in the recipient's language too
        return prefix + " ".join(subject.split()), text, html
