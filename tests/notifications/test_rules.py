"""The pure alert rules: stages, recipients, digest and quiet-hour timing, schedule parsing."""

import datetime as dt
import zoneinfo

import pytest
from celery.schedules import crontab

from notifications.rules import (
    ASSIGNEE,
    ESCALATION,
    INFORMED,
    RESPONSIBLE,
    WAITING,
    People,
    Timing,
    choose_recipients,
    current_stage,
    in_quiet_hours,
    parse_offsets,
    send_after,
    stage_windows,
    validate_offsets,
)
from notifications.schedule import parse_schedule, sweep_entries

DEFAULT = (14, 7, 3, 1, 0, -1)
UTC = dt.UTC


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (30, None),
        (15, None),
        (14, 14),
        (10, 14),
        (8, 14),
        (7, 7),
        (4, 7),
        (3, 3),
        (2, 3),
        (1, 1),
        (0, 0),
        (-1, -1),
        (-40, -1),
    ],
)
def test_current_stage_is_the_smallest_offset_not_below_days_left(days_left, stage):
    assert current_stage(days_left, DEFAULT) == stage


def test_stage_windows_cover_each_days_left_once():
    assert stage_windows(DEFAULT) == [
        (14, 8, 14),
        (7, 4, 7),
        (3, 2, 3),
        (1, 1, 1),
        (0, 0, 0),
        (-1, None, -1),
    ]


def test_offsets_are_validated_and_sorted():
    assert parse_offsets(" 1, 14,7 ,3,0,-1,7") == (14, 7, 3, 1, 0, -1)
    assert validate_offsets([30, -7]) == (30, -7)
    for bad, message in [
        ("", "at least one offset"),
        ("a,b", "whole days separated by commas"),
        ("1.5", "whole days separated by commas"),
        ("400", "outside -60..365"),
        ("-61", "outside -60..365"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_offsets(bad)
    with pytest.raises(ValueError, match="whole days, got True"):
        validate_offsets([True])


AGENCY_CASE = People(
    assignee=10, agency_admins=(20, 21), employer_hr=(30,), applicant_user=40, channel="agency"
)


def test_the_waited_on_party_hears_first_and_hr_only_when_late():
    early = choose_recipients(
        people=AGENCY_CASE,
        waits_on=["applicant"],
        days_left=14,
        escalate_days=3,
        acknowledged=False,
    )
    assert early == {40: WAITING, 10: ASSIGNEE}
    late = choose_recipients(
        people=AGENCY_CASE, waits_on=["applicant"], days_left=3, escalate_days=3, acknowledged=False
    )
    assert late == {40: WAITING, 10: ASSIGNEE, 20: ESCALATION, 21: ESCALATION, 30: INFORMED}


def test_an_acknowledgement_stops_escalation_only():
    late = choose_recipients(
        people=AGENCY_CASE, waits_on=["agency"], days_left=0, escalate_days=3, acknowledged=True
    )
    assert late == {10: WAITING, 30: INFORMED}


def test_waiting_on_the_employer_tells_hr_from_the_first_stage():
    early = choose_recipients(
        people=AGENCY_CASE, waits_on=["employer"], days_left=14, escalate_days=3, acknowledged=False
    )
    assert early == {30: WAITING, 10: ASSIGNEE}


def test_unassigned_work_goes_to_the_agency_admins():
    people = People(agency_admins=(20,), employer_hr=(30,), applicant_user=40, channel="agency")
    assert choose_recipients(
        people=people, waits_on=["agency"], days_left=7, escalate_days=3, acknowledged=False
    ) == {20: RESPONSIBLE}


def test_without_an_agency_the_filer_is_the_one_waited_on():
    self_filed = People(applicant_user=40, has_agency=False, channel="self")
    assert choose_recipients(
        people=self_filed, waits_on=["agency"], days_left=14, escalate_days=3, acknowledged=False
    ) == {40: WAITING}
    employer_filed = People(
        employer_hr=(30, 31), applicant_user=40, has_agency=False, channel="employer"
    )
    assert choose_recipients(
        people=employer_filed,
        waits_on=["agency"],
        days_left=14,
        escalate_days=3,
        acknowledged=False,
    ) == {30: WAITING, 31: WAITING}


def _at(zone, *args):
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def test_urgent_alerts_go_at_once_others_at_the_next_digest():
    timing = Timing(time_zone="Asia/Taipei", digest_hour=8)
    now = _at("Asia/Taipei", 2026, 11, 25, 0, 5)
    assert send_after(now=now, urgent=True, timing=timing) == now.astimezone(UTC)
    assert send_after(now=now, urgent=False, timing=timing) == _at("Asia/Taipei", 2026, 11, 25, 8)
    # Inside the digest hour: today's digest; after it: tomorrow's.
    at_8_30 = _at("Asia/Taipei", 2026, 11, 25, 8, 30)
    assert send_after(now=at_8_30, urgent=False, timing=timing) == at_8_30
    at_10 = _at("Asia/Taipei", 2026, 11, 25, 10)
    assert send_after(now=at_10, urgent=False, timing=timing) == _at("Asia/Taipei", 2026, 11, 26, 8)


def test_digest_time_is_in_the_persons_own_time_zone():
    now = _at("Asia/Taipei", 2026, 11, 25, 0, 5)  # 2026-11-24 17:05 in Berlin, 08:05 in LA
    berlin = Timing(time_zone="Europe/Berlin", digest_hour=8)
    assert send_after(now=now, urgent=False, timing=berlin) == _at("Europe/Berlin", 2026, 11, 25, 8)
    los_angeles = Timing(time_zone="America/Los_Angeles", digest_hour=8)
    assert send_after(now=now, urgent=False, timing=los_angeles) == now.astimezone(UTC)


def test_quiet_hours_across_midnight_hold_even_urgent_alerts():
    timing = Timing(
        time_zone="Asia/Taipei", digest_hour=8, quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    assert in_quiet_hours(_at("Asia/Taipei", 2026, 11, 25, 23), timing)
    assert in_quiet_hours(_at("Asia/Taipei", 2026, 11, 25, 6, 59), timing)
    assert not in_quiet_hours(_at("Asia/Taipei", 2026, 11, 25, 7), timing)
    late = _at("Asia/Taipei", 2026, 11, 25, 23, 30)
    assert send_after(now=late, urgent=True, timing=timing) == _at("Asia/Taipei", 2026, 11, 26, 7)
    early = _at("Asia/Taipei", 2026, 11, 26, 3)
    assert send_after(now=early, urgent=True, timing=timing) == _at("Asia/Taipei", 2026, 11, 26, 7)
    # A digest hour inside quiet hours waits for their end.
    sleepy = Timing(
        time_zone="Asia/Taipei", digest_hour=6, quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    assert send_after(now=_at("Asia/Taipei", 2026, 11, 26, 1), urgent=False, timing=sleepy) == _at(
        "Asia/Taipei", 2026, 11, 26, 7
    )


def test_an_unknown_time_zone_falls_back_to_taipei():
    timing = Timing(time_zone="Mars/Olympus", digest_hour=8)
    now = _at("Asia/Taipei", 2026, 11, 25, 1)
    assert send_after(now=now, urgent=False, timing=timing) == _at("Asia/Taipei", 2026, 11, 25, 8)


def test_schedule_is_data_with_expiry():
    assert sweep_entries("*/5 * * * *") == {
        "deadline-alerts-sweep": {
            "task": "notifications.sweep_deadline_alerts",
            "schedule": crontab(minute="*/5"),
            "options": {"expires": 300.0},
        }
    }
    entries = sweep_entries("2")
    assert entries["deadline-alerts-sweep"]["schedule"] == dt.timedelta(seconds=2)
    assert entries["deadline-alerts-sweep"]["options"] == {"expires": 2.0}
    assert sweep_entries("off") == {}
    assert sweep_entries("30", expires=10)["deadline-alerts-sweep"]["options"] == {"expires": 10.0}
    for bad in ("every day", "-5", "* * *"):
        with pytest.raises(ValueError, match="ALERT_SWEEP_SCHEDULE"):
            parse_schedule(bad)


def test_settings_carry_the_sweep_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-alerts-sweep"]
    assert entry["task"] == "notifications.sweep_deadline_alerts"
    assert entry["options"]["expires"] > 0
