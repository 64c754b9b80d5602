"""The alert email: one per person per sweep, listing every item for them (overdue first), in
their language (rendered inside translation.override), HTML and plain text, with the Chinese
platform terms beside the English and a link to each item and to acknowledge or snooze it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        self.roles = {
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


def _entry(line: Line, *, user_id: int, today: dt.date, time_zone: str, phrases: Phrases) -> dict:
    item = line.item
    days_left = (item.due_on - today).days
    taipei, local = deadline_texts(item.due_on, time_zone)
    return {
        "title": item.title(),
        "detail": item.detail(),
        "status": status_text(days_left),
        "overdue": days_left < 0,
        "urgent": days_left <= 1,
        "deadline": taipei,
        "deadline_local": local,
        "waits_on": ", ".join(phrases.party(party) for party in item.waits_on),
        "missing": item.missing_messages()[:MAX_MISSING_LINES] if line.show_missing else [],
        "why": phrases.roles.get(line.role, ""),
        "url": item.url,
        "respond_url": respond_url(
            user_id=user_id, subject_kind=item.kind, subject_id=item.subject_id
        ),
        "_key": ordering_key(days_left, item.due_on, item.case.reference),
    }


def render_digest(
    *, user, language: str, time_zone: str, lines: list[Line], today: dt.date
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one person's email."""
    with translation.override(language):
        phrases = Phrases()
        entries = sorted(
            (
                _entry(line, user_id=user.pk, today=today, time_zone=time_zone, phrases=phrases)
                for line in lines
            ),
            key=lambda entry: entry["_key"],
        )
        overdue = sum(1 for entry in entries if entry["overdue"])
        if len(entries) == 1:
            subject = _("%(status)s: %(title)s") % {
                "status": entries[0]["status"],
                "title": entries[0]["title"],
            }
        else:
            subject = ngettext(
                "%(count)d deadlines need attention (%(overdue)d overdue)",
                "%(count)d deadlines need attention (%(overdue)d overdue)",
                len(entries),
            ) % {"count": len(entries), "overdue": overdue}
        context = {
            "name": user.get_full_name() or user.get_username(),
            "entries": entries,
            "labels": phrases.labels,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "overdue": overdue,
            "today": today.isoformat(),
            "language": language,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    prefix = "[" + _("Gold Card") + "] "
    return prefix + " ".join(subject.split()), text, html
