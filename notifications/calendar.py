"""A person's deadlines as an iCalendar feed (RFC 5545) that Outlook and Google Calendar subscribe
to: one all-day event per open item, a UID that stays the same while the deadline moves, titles
with the case reference only (no names, no passport numbers)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cases import clock
from notifications.emails import status_text
from notifications.subjects import Item

PRODID = "-//Gold Card tracker//Deadlines//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _domain() -> str:
    return settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def event_uid(item: Item) -> str:
    return f"{item.kind}-{item.subject_id}@{_domain()}"


def build_calendar(*, items: list[Item], language: str, today: dt.date) -> bytes:
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = _("Gold Card deadlines (就業金卡)")
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # Ask clients to refresh hourly (Outlook reads X-PUBLISHED-TTL, others REFRESH-INTERVAL).
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for item in items:
            event = Event()
            event.add("uid", event_uid(item))
            event.add("dtstamp", stamp)
            event.add("summary", item.title())
            event.add("dtstart", item.due_on)
            event.add("dtend", item.due_on + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add(
                "description",
                "\n".join(
                    [
                        status_text(clock.days_left(item.due_on, today)),
                        _("Ends at the end of the day, Taipei time (臺北時間)."),
                        item.url,
                    ]
                ),
            )
            event.add("url", item.url)
            event.add("categories", [str(item.kind)])
            calendar.add_component(event)
    return calendar.to_ical()
