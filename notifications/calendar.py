"""A person's deadlines as an iCalendar feed (RFC 5545) that Outlook and Google Calendar subscribe
to: one all-day event per open item, a UID that stays the same while the deadline moves (and when
the site moves to another domain), titles with the case reference only (no names, no passport
numbers). An event that changes says so (SEQUENCE, LAST-MODIFIED), and the feed as a whole
carries an ETag and a Last-Modified date so that polling clients get 304 Not Modified."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cases import clock
from cases.deadlines import TAIPEI
from notifications.emails import deadline_texts, status_text
from notifications.models import CalendarFeed
from notifications.subjects import Item
from notifications.team_feeds import TeamCalendarFeed

PRODID = "-//Gold Card tracker//Deadlines//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# The UIDs' right-hand side: fixed, not the site's domain, so that moving the site to another
# domain (SITE_URL) does not make every subscribed calendar show each deadline twice.
UID_DOMAIN = "goldcard-tracker"


def event_uid(item: Item) -> str:
    return f"{item.kind}-{item.subject_id}@{UID_DOMAIN}"


def _fingerprint(item: Item) -> str:
    """What makes an event a different one for a calendar: its date and its title."""
    return hashlib.sha256(f"{item.due_on.isoformat()}|{item.title()}".encode()).hexdigest()[:16]


def revise(previous: dict, current: dict[str, str], now: dt.datetime) -> dict[str, list]:
    """Each event's [fingerprint, SEQUENCE, LAST-MODIFIED]: a new event starts at 0; one whose
    fingerprint changed counts one up and is modified now; the others are kept as they were."""
    revisions: dict[str, list] = {}
    for uid, fingerprint in current.items():
        old = previous.get(uid)
        if old is None:
            revisions[uid] = [fingerprint, 0, now.isoformat()]
        elif old[0] != fingerprint:
            revisions[uid] = [fingerprint, int(old[1]) + 1, now.isoformat()]
        else:
            revisions[uid] = list(old)
    return revisions


@dataclass(frozen=True)
class FeedBody:
    body: bytes
    etag: str
    last_modified: dt.datetime
    language: str


def feed_body(
    *,
    feed: CalendarFeed | TeamCalendarFeed,
    items: list[Item],
    language: str,
    time_zone: str,
    today: dt.date,
    name: str = "",
) -> FeedBody:
    """The feed's iCalendar text, its ETag and when it last changed; records what it served on
    the feed when that changed (a feed polled without change writes nothing)."""
    now = timezone.now().replace(microsecond=0)
    with translation.override(language):
        current = {event_uid(item): _fingerprint(item) for item in items}
    revisions = revise(feed.revisions or {}, current, now)
    body = build_calendar(
        items=items,
        language=language,
        today=today,
        time_zone=time_zone,
        revisions=revisions,
        name=name,
    )
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag != feed.etag or revisions != feed.revisions:
        feed.etag, feed.revisions, feed.changed_at = etag, revisions, now
        type(feed)._default_manager.filter(pk=feed.pk).update(
            etag=etag, revisions=revisions, changed_at=now
        )
    return FeedBody(
        body=body, etag=etag, last_modified=feed.changed_at or now, language=bcp47(language)
    )


def bcp47(code: str) -> str:
    """Django's language code as HTTP writes it (RFC 5646): zh-hant → zh-Hant."""
    first, *rest = code.split("-")
    parts = [part.title() if len(part) == 4 else part.upper() for part in rest]
    return "-".join([first.lower(), *parts])


def build_calendar(
    *,
    items: list[Item],
    language: str,
    today: dt.date,
    time_zone: str = "",
    revisions: dict | None = None,
    name: str = "",
) -> bytes:
    revisions = revisions or {}
    # DTSTAMP is the event's last change, not the time of the request: the same content gives
    # the same bytes, so the feed's ETag holds until something changes.
    fallback = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = name or _("Gold Card deadlines (就業金卡)")
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # Ask clients to refresh hourly (Outlook reads X-PUBLISHED-TTL, others REFRESH-INTERVAL).
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for item in items:
            uid = event_uid(item)
            _fp, sequence, modified = revisions.get(uid, ("", 0, ""))
            changed = dt.datetime.fromisoformat(modified).astimezone(dt.UTC) if modified else None
            event = Event()
            event.add("uid", uid)
            event.add("dtstamp", changed or fallback)
            if changed is not None:
                event.add("last-modified", changed)
            event.add("sequence", sequence)
            event.add("summary", item.title())
            event.add("dtstart", item.due_on)
            event.add("dtend", item.due_on + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add(
                "description",
                "\n".join(
                    line
                    for line in [
                        status_text(clock.days_left(item.due_on, today)),
                        _("Ends at the end of the day, Taipei time (臺北時間)."),
                        # An all-day event shows on the same date everywhere; west of Taipei
                        # the deadline passes during that day: say when, in their own time.
                        _deadline_instant(item.due_on, time_zone),
                        item.url,
                    ]
                    if line
                ),
            )
            event.add("url", item.url)
            event.add("categories", [str(item.kind)])
            calendar.add_component(event)
    return calendar.to_ical()


def _deadline_instant(due_on: dt.date, time_zone: str) -> str:
    """When the period ends (midnight after the last day, Taipei), in UTC and in the reader's own
    time zone when it differs from Taipei's."""
    ends = dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(0), tzinfo=TAIPEI)
    _taipei, local = deadline_texts(due_on, time_zone or settings.TIME_ZONE)
    text = _("The period ends at %(utc)s UTC") % {
        "utc": ends.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    }
    return f"{text} {local}".strip()
