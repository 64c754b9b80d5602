"""The private iCal feed: parsed back with icalendar, all-day events, stable UIDs, the case
reference and no personal data in titles, tenancy, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from icalendar import Calendar

from cases import services
from notifications import services as alert_services
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


def feed(client, user):
    feed = alert_services.feed_rotate(user=user)
    return client.get(f"/calendar/{feed.token}.ics"), feed


def events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_lists_the_users_deadlines_as_all_day_events(client, world):
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        acme = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        globex = supplement_due(world.globex_case, world.agency_staff, dt.date(2026, 12, 20))
        supplement_due(world.other_agency_case, world.outsider, dt.date(2026, 12, 21))
        response, _feed = feed(client, world.hr_acme)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Gold Card tracker//Deadlines//EN"
    found = events(response)
    # HR at Acme sees Acme's cases across agencies (two here), not Globex's.
    assert set(found) == {
        f"supplement-{acme.pk}@goldcard-tracker",
        f"supplement-{world.other_agency_case.supplements.get().pk}@goldcard-tracker",
    }
    event = found[f"supplement-{acme.pk}@goldcard-tracker"]
    assert event.decoded("DTSTART") == dt.date(2026, 12, 15)
    assert event.decoded("DTEND") == dt.date(2026, 12, 16)
    assert str(event["SUMMARY"]) == f"{acme.case.reference}: supplement (補正) round 1 due"
    assert str(event["URL"]) == f"https://tracker.example/supplements/{acme.pk}/"
    assert "DTSTAMP" in event
    # No personal data anywhere in the feed.
    text = response.content.decode()
    priya = world.priya
    for private in (priya.family_name_en, priya.given_name_en, priya.passport_number):
        assert private not in text
    assert f"supplement-{globex.pk}@" not in text


def test_uids_stay_while_the_deadline_moves(client, world):
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        alert_services.feed_rotate(user=world.agency_staff)
        token = world.agency_staff.calendar_feed.token
        before = events(client.get(f"/calendar/{token}.ics"))
        services.supplement_override_deadline(
            supplement=supplement,
            actor=world.agency_staff,
            deadline=dt.date(2027, 1, 10),
            reason="Extended",
        )
        after = events(client.get(f"/calendar/{token}.ics"))
    uid = f"supplement-{supplement.pk}@goldcard-tracker"
    assert set(before) == set(after) == {uid}
    assert after[uid].decoded("DTSTART") == dt.date(2027, 1, 10)


def test_submitted_supplements_leave_the_feed_and_other_obligations_join(client, world):
    case = world.acme_case
    case.card_valid_to = dt.date(2027, 2, 28)
    case.save()
    world.priya.passport_expiry = dt.date(2027, 5, 31)
    world.priya.save()
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(case, world.agency_staff, dt.date(2026, 12, 15))
        services.supplement_submit(supplement=supplement, actor=world.agency_staff, force=True)
        obligation = alert_services.obligation_create(
            actor=world.agency_staff,
            case=case,
            kind="address_change",
            starts_on=dt.date(2026, 11, 20),
        )
        response, _feed = feed(client, world.applicant_user)
    found = events(response)
    assert set(found) == {
        f"obligation-{obligation.pk}@goldcard-tracker",
        f"passport-{world.priya.pk}@goldcard-tracker",
    }
    assert found[f"obligation-{obligation.pk}@goldcard-tracker"].decoded("DTSTART") == dt.date(
        2026, 12, 21
    )
    assert found[f"passport-{world.priya.pk}@goldcard-tracker"].decoded("DTSTART") == dt.date(
        2026, 11, 30
    )
    # The extension window shows for a case holding a card (status approved, card ready, collected).
    case.status = "collected"
    case.save()
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        found = events(client.get(f"/calendar/{world.applicant_user.calendar_feed.token}.ics"))
    assert found[f"extension-{case.pk}@goldcard-tracker"].decoded("DTSTART") == dt.date(2027, 2, 28)
    assert case.card_valid_to - relativedelta(months=4) == dt.date(2026, 10, 28)


def test_a_revoked_or_rotated_link_stops_working(client, world):
    response, old = feed(client, world.agency_staff)
    assert response.status_code == 200
    new = alert_services.feed_rotate(user=world.agency_staff)
    assert new.token != old.token
    assert client.get(f"/calendar/{old.token}.ics").status_code == 404
    assert client.get(f"/calendar/{new.token}.ics").status_code == 200
    alert_services.feed_revoke(user=world.agency_staff)
    assert client.get(f"/calendar/{new.token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_calendar_page_creates_and_revokes(client, world):
    client.force_login(world.agency_staff)
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert "/calendar/" in page.content.decode()
    client.post("/calendar/", {"action": "rotate"})
    token = world.agency_staff.calendar_feed.token
    page = client.get("/calendar/")
    assert f"https://tracker.example/calendar/{token}.ics" in page.content.decode()
    client.post("/calendar/", {"action": "revoke"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_polling_gets_304_until_an_event_changes_and_then_its_sequence(client, world, settings):
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        first, feed_row = feed(client, world.agency_staff)
        url = f"/calendar/{feed_row.token}.ics"
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200
    assert first["Content-Language"] == "en"
    assert modified == "Wed, 25 Nov 2026 01:00:00 GMT"
    assert "no-cache" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    uid = f"supplement-{supplement.pk}@goldcard-tracker"
    event = events(first)[uid]
    assert int(event["SEQUENCE"]) == 0

    # An hour later nothing changed: the same bytes, and 304 to either kind of question.
    with time_machine.travel(taipei(2026, 11, 25, 10), tick=False):
        again = client.get(url)
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert again.content == first.content
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert (by_date.status_code, by_date.content) == (304, b"")
    assert by_etag["ETag"] == etag

    # The deadline moves: a new ETag, the event's SEQUENCE counts up, LAST-MODIFIED says when.
    with time_machine.travel(taipei(2026, 11, 26, 9), tick=False):
        services.supplement_override_deadline(
            supplement=supplement,
            actor=world.agency_staff,
            deadline=dt.date(2027, 1, 10),
            reason="Extended",
        )
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed["Last-Modified"] == "Thu, 26 Nov 2026 01:00:00 GMT"
    event = events(changed)[uid]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("LAST-MODIFIED") == dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert event.decoded("DTSTART") == dt.date(2027, 1, 10)


def test_uids_survive_a_change_of_domain(client, world, settings):
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        before, feed_row = feed(client, world.agency_staff)
        settings.SITE_URL = "https://goldcard.agency.example"
        after = client.get(f"/calendar/{feed_row.token}.ics")
    assert (
        set(events(before))
        == set(events(after))
        == {f"supplement-{supplement.pk}@goldcard-tracker"}
    )
    assert str(events(after)[f"supplement-{supplement.pk}@goldcard-tracker"]["URL"]) == (
        f"https://goldcard.agency.example/supplements/{supplement.pk}/"
    )


def test_feed_speaks_its_language_and_states_the_deadline_for_people_west_of_taipei(client, world):
    from accounts.preferences import profile_set_language, profile_set_time_zone

    profile_set_language(user=world.applicant_user, language="zh-hant")
    profile_set_time_zone(user=world.applicant_user, time_zone="Europe/Berlin")
    with time_machine.travel(taipei(2026, 11, 25, 9), tick=False):
        supplement = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 15))
        response, _feed = feed(client, world.applicant_user)
    assert response["Content-Language"] == "zh-Hant"
    event = events(response)[f"supplement-{supplement.pk}@goldcard-tracker"]
    description = str(event["DESCRIPTION"])
    # The period ends at midnight after 2026-12-15 in Taipei: 16:00 UTC, 17:00 in Berlin.
    assert "2026-12-15 16:00（UTC）" in description  # in the feed's language (zh-Hant)
    assert "2026-12-15 17:00" in description
    assert "Europe/Berlin" in description
