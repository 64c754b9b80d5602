"""The team calendar: an organization's open deadlines in one feed (parsed back with icalendar),
case references and no names, the organization's cases only, revocable by its admins only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from accounts.models import Role
from notifications import team_calendar
from notifications.calendar import UID_DOMAIN
from notifications.team_calendar import NotTeamAdmin
from tests.factories import MembershipFactory
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


def test_the_feed_lists_the_organization_s_open_deadlines_without_names(client, world):
    acme_admin = MembershipFactory(organization=world.acme, role=Role.EMPLOYER_ADMIN).user
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        acme = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        supplement_due(world.globex_case, world.agency_staff, dt.date(2026, 12, 20))
        # Another agency's case of an Acme employee: Acme sees it (across agencies).
        other = supplement_due(world.other_agency_case, None, dt.date(2026, 12, 21))
        feed = team_calendar.team_feed_rotate(actor=acme_admin, organization=world.acme)
        response = client.get(f"/team-calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Acme: Gold Card deadlines (就業金卡)"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"supplement-{acme.pk}@{UID_DOMAIN}",
        f"supplement-{other.pk}@{UID_DOMAIN}",
    }
    event = events[f"supplement-{acme.pk}@{UID_DOMAIN}"]
    assert event.decoded("DTSTART") == dt.date(2026, 12, 15)
    assert str(event["SUMMARY"]) == f"{world.acme_case.reference}: supplement (補正) round 1 due"
    body = response.content.decode()
    assert "Sharma" not in body
    assert "Priya" not in body
    assert world.priya.passport_number not in body


def test_the_agency_feed_has_its_own_cases(client, world):
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        mine = supplement_due(world.globex_case, world.agency_staff, dt.date(2026, 12, 20))
        supplement_due(world.other_agency_case, None, dt.date(2026, 12, 21))
        feed = team_calendar.team_feed_rotate(actor=world.agency_admin, organization=world.agency)
        response = client.get(f"/team-calendar/{feed.token}.ics")
    uids = {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {f"supplement-{mine.pk}@{UID_DOMAIN}"}


def test_a_polling_calendar_gets_304_until_a_deadline_changes(client, world):
    """The team feed revalidates like a person's feed: ETag and Last-Modified, 304 while nothing
    changed, and a changed event counts up its SEQUENCE."""
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(world.globex_case, world.agency_staff, dt.date(2026, 12, 20))
        feed = team_calendar.team_feed_rotate(actor=world.agency_admin, organization=world.agency)
        url = f"/team-calendar/{feed.token}.ics"
        first = client.get(url)
        assert first.status_code == 200
        assert first["Content-Language"] == "en"
        assert "no-store" not in first["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
    with time_machine.travel(taipei(2026, 11, 26, 9), tick=False):
        supplement.deadline = dt.date(2026, 12, 22)
        supplement.save(update_fields=["deadline"])
        changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    (event,) = Calendar.from_ical(changed.content).walk("VEVENT")
    assert event.decoded("DTSTART") == dt.date(2026, 12, 22)
    assert int(event["SEQUENCE"]) == 1


def test_rotating_and_revoking_end_the_old_link_and_only_admins_may(client, world):
    feed = team_calendar.team_feed_rotate(actor=world.agency_admin, organization=world.agency)
    old = f"/team-calendar/{feed.token}.ics"
    assert client.get(old).status_code == 200
    new = team_calendar.team_feed_rotate(actor=world.agency_admin, organization=world.agency)
    assert client.get(old).status_code == 404
    assert client.get(f"/team-calendar/{new.token}.ics").status_code == 200
    with pytest.raises(NotTeamAdmin):
        team_calendar.team_feed_revoke(actor=world.agency_staff, organization=world.agency)
    with pytest.raises(NotTeamAdmin):
        team_calendar.team_feed_rotate(actor=world.hr_acme, organization=world.agency)
    assert client.get(f"/team-calendar/{new.token}.ics").status_code == 200
    team_calendar.team_feed_revoke(actor=world.agency_admin, organization=world.agency)
    assert client.get(f"/team-calendar/{new.token}.ics").status_code == 404
