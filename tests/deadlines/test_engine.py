"""The Taiwan deadline engine: counting, month arithmetic, rolling, closures, time zone (no DB)."""

import os
import subprocess
import sys
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.clock import days_left, taipei_today
from cases.deadlines import (
    TAIPEI,
    Rule,
    Step,
    TaiwanCalendar,
    compute_deadline,
    parse_rule,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_contract_example_rolls_out_of_lunar_new_year():
    result = compute_deadline(date(2026, 1, 20), "30d")

    assert result.counted_day == date(2026, 2, 19)
    assert result.last_day == date(2026, 2, 23)
    assert result.rule == Rule(30, "d")
    assert [step.code for step in result.steps] == [
        "notice",
        "count_days",
        "rolled",
        "rolled",
        "rolled",
        "rolled",
        "ends",
    ]
    assert [step.params["day"] for step in result.steps if step.code == "rolled"] == [
        date(2026, 2, 19),
        date(2026, 2, 20),
        date(2026, 2, 21),
        date(2026, 2, 22),
    ]


def test_contract_example_explained_in_english():
    texts = [step.text() for step in compute_deadline(date(2026, 1, 20), "30d").steps]

    assert texts == [
        "Notice dated 2026-01-20 (Tue); counting starts the next day, 2026-01-21 (Wed)",
        "30 calendar days: day 30 is 2026-02-19 (Thu)",
        "2026-02-19 (Thu) is a rest day (Chinese New Year): moved to 2026-02-20 (Fri)",
        "2026-02-20 (Fri) is a rest day (Chinese New Year's Eve (observed)): "
        "moved to 2026-02-21 (Sat)",
        "2026-02-21 (Sat) is a rest day (Saturday): moved to 2026-02-22 (Sun)",
        "2026-02-22 (Sun) is a rest day (Sunday): moved to 2026-02-23 (Mon), a working day",
        "Ends at the end of 2026-02-23 (Mon), Taipei time",
    ]


def test_contract_example_explained_in_chinese():
    texts = [step.text("zh-hant") for step in compute_deadline(date(2026, 1, 20), "30d").steps]

    assert texts[0] == "通知日期 2026-01-20（週二），當日不計入，自翌日 2026-01-21（週三）起算"
    assert texts[1] == "30 個日曆天：第 30 天為 2026-02-19（週四）"
    assert texts[2] == "2026-02-19（週四）為休息日（春節），順延至 2026-02-20（週五）"
    assert texts[-1] == "期間於 2026-02-23（週一）臺北時間 24 時屆滿"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_step_text_names_its_dates(language):
    results = [
        compute_deadline(date(2026, 1, 20), "30d"),
        compute_deadline(date(2026, 1, 20), "3m"),
        compute_deadline(date(2026, 1, 30), "1m"),
        compute_deadline(date(2025, 1, 9), "30d"),
    ]
    steps = [step for result in results for step in result.steps]

    assert {step.code for step in steps} == {
        "notice",
        "count_days",
        "count_months",
        "month_clamped",
        "rolled",
        "makeup_workday",
        "ends",
    }
    for step in steps:
        text = step.text(language)
        dates = [value for value in step.params.values() if isinstance(value, date)]
        assert dates, step
        for value in dates:
            assert value.isoformat() in text, (step, text)


def test_step_text_rejects_an_unknown_language():
    step = Step("ends", {"day": date(2026, 2, 23)})

    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        step.text("fr")


def test_plain_30_days_with_no_roll():
    result = compute_deadline(date(2026, 3, 2), "30d")

    assert result.counted_day == date(2026, 4, 1)
    assert result.last_day == date(2026, 4, 1)
    assert [step.code for step in result.steps] == ["notice", "count_days", "ends"]


def test_15_days_for_documents_from_abroad():
    result = compute_deadline(date(2026, 3, 2), parse_rule("15d"))

    assert result.counted_day == date(2026, 3, 17)
    assert result.last_day == date(2026, 3, 17)


def test_saturday_rolls_to_monday():
    result = compute_deadline(date(2026, 2, 12), "30d")

    assert result.counted_day == date(2026, 3, 14)
    assert result.counted_day.strftime("%a") == "Sat"
    assert result.last_day == date(2026, 3, 16)


def test_sunday_rolls_to_monday():
    result = compute_deadline(date(2026, 2, 13), "30d")

    assert result.counted_day == date(2026, 3, 15)
    assert result.counted_day.strftime("%a") == "Sun"
    assert result.last_day == date(2026, 3, 16)


def test_national_day_on_a_friday_rolls_past_the_weekend():
    result = compute_deadline(date(2025, 9, 10), "30d")

    assert result.counted_day == date(2025, 10, 10)
    assert result.last_day == date(2025, 10, 13)
    assert result.steps[2].params["reason_en"] == "National Day"
    assert result.steps[2].params["reason_zh"] == "國慶日"


def test_national_day_on_a_thursday_rolls_one_day():
    result = compute_deadline(date(2024, 9, 10), "30d")

    assert result.counted_day == date(2024, 10, 10)
    assert result.last_day == date(2024, 10, 11)


def _makeup_saturdays(year):
    return sorted(
        day
        for day in holidays.TW(years=year, language="en_US").weekend_workdays
        if day.year == year
    )


def test_library_knows_the_dgpa_makeup_saturdays():
    # From the DGPA office calendars (行政機關辦公日曆表), rows marked 補行上班.
    assert _makeup_saturdays(2023) == [
        date(2023, 1, 7),
        date(2023, 2, 4),
        date(2023, 2, 18),
        date(2023, 3, 25),
        date(2023, 6, 17),
        date(2023, 9, 23),
    ]
    assert _makeup_saturdays(2024) == [date(2024, 2, 17)]
    assert _makeup_saturdays(2025) == [date(2025, 2, 8)]
    assert _makeup_saturdays(2026) == []


def test_makeup_saturday_does_not_roll():
    calendar = TaiwanCalendar()
    result = compute_deadline(date(2025, 1, 9), "30d", calendar=calendar)

    assert calendar.is_makeup_workday(date(2025, 2, 8)) is True
    assert calendar.is_working_day(date(2025, 2, 8)) is True
    assert calendar.rest_reason(date(2025, 2, 8)) is None
    assert result.counted_day == date(2025, 2, 8)
    assert result.last_day == date(2025, 2, 8)
    assert [step.code for step in result.steps] == [
        "notice",
        "count_days",
        "makeup_workday",
        "ends",
    ]


@pytest.mark.parametrize(
    "makeup_day",
    [day for year in range(2019, 2026) for day in _makeup_saturdays(year)],
    ids=str,
)
def test_no_makeup_saturday_from_the_library_rolls(makeup_day):
    result = compute_deadline(makeup_day - timedelta(days=30), "30d")

    assert result.last_day == makeup_day


def test_months_end_the_day_before_the_corresponding_date():
    result = compute_deadline(date(2026, 1, 20), "3m")

    assert result.counted_day == date(2026, 4, 20)
    assert result.last_day == date(2026, 4, 20)
    assert result.steps[1].code == "count_months"
    assert result.steps[1].params["corresponding"] == date(2026, 4, 21)


def test_month_from_the_first_ends_at_the_month_end_not_notice_plus_a_month():
    # Notice 02-28: the start day is 03-01, the corresponding date 04-01, the last day 03-31.
    result = compute_deadline(date(2026, 2, 28), "1m")

    assert result.counted_day == date(2026, 3, 31)
    assert result.last_day == date(2026, 3, 31)


def test_month_with_no_corresponding_date_clamps_to_the_month_end():
    # Start 01-31: February has no 31st, so the last day is 02-28 (art. 121(2) proviso).
    result = compute_deadline(date(2026, 1, 30), "1m")

    assert result.steps[1].code == "month_clamped"
    assert result.steps[1].params["day_of_month"] == 31
    assert result.counted_day == date(2026, 2, 28)
    # 02-28 is Peace Memorial Day (a Saturday), 03-01 a Sunday.
    assert result.last_day == date(2026, 3, 2)


def test_month_clamps_to_february_29_in_a_leap_year():
    assert compute_deadline(date(2024, 1, 29), "1m").counted_day == date(2024, 2, 29)
    assert compute_deadline(date(2024, 1, 28), "1m").counted_day == date(2024, 2, 28)


def test_six_months_across_a_year_end():
    result = compute_deadline(date(2025, 9, 30), "6m")

    assert result.counted_day == date(2026, 3, 31)
    assert result.last_day == date(2026, 3, 31)


def test_six_months_into_lunar_new_year_rolls():
    result = compute_deadline(date(2025, 8, 15), "6m")

    assert result.counted_day == date(2026, 2, 15)
    assert result.last_day == date(2026, 2, 23)


def test_closure_on_the_last_day_rolls():
    calendar = TaiwanCalendar({date(2026, 4, 1): "Typhoon Danas"})
    result = compute_deadline(date(2026, 3, 2), "30d", calendar=calendar)

    assert result.counted_day == date(2026, 4, 1)
    assert result.last_day == date(2026, 4, 2)
    assert result.steps[2].text() == (
        "2026-04-01 (Wed) is a rest day (closure: Typhoon Danas): "
        "moved to 2026-04-02 (Thu), a working day"
    )
    assert calendar.rest_reason(date(2026, 4, 1), "zh-hant") == "停止上班：Typhoon Danas"


def test_closure_followed_by_a_weekend_rolls_further():
    calendar = TaiwanCalendar([date(2026, 3, 13)])
    result = compute_deadline(date(2026, 2, 11), "30d", calendar=calendar)

    assert result.counted_day == date(2026, 3, 13)
    assert result.last_day == date(2026, 3, 16)
    assert calendar.rest_reason(date(2026, 3, 13)) == "closure"
    assert compute_deadline(date(2026, 2, 11), "30d").last_day == date(2026, 3, 13)


def test_closure_on_a_makeup_saturday_rolls():
    calendar = TaiwanCalendar({date(2025, 2, 8): "Typhoon"})

    assert compute_deadline(date(2025, 1, 9), "30d", calendar=calendar).last_day == date(
        2025, 2, 10
    )


def test_rest_reasons():
    calendar = TaiwanCalendar()

    assert calendar.rest_reason(date(2026, 3, 14)) == "Saturday"
    assert calendar.rest_reason(date(2026, 3, 15)) == "Sunday"
    assert calendar.rest_reason(date(2026, 3, 14), "zh-hant") == "星期六"
    assert calendar.rest_reason(date(2026, 3, 15), "zh-hant") == "星期日"
    assert calendar.rest_reason(date(2026, 2, 28)) == "Peace Memorial Day"
    assert calendar.rest_reason(date(2026, 2, 28), "zh-hant") == "和平紀念日"
    assert calendar.rest_reason(date(2026, 3, 16)) is None


def test_next_working_day():
    calendar = TaiwanCalendar()

    assert calendar.next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)
    assert calendar.next_working_day(date(2026, 2, 23)) == date(2026, 2, 23)


def test_labour_day_is_a_government_working_day_before_2026_only():
    calendar = TaiwanCalendar()

    assert calendar.is_working_day(date(2025, 5, 1)) is True
    assert calendar.is_working_day(date(2026, 5, 1)) is False


def test_ends_at_is_next_day_midnight_in_taipei():
    ends_at = compute_deadline(date(2026, 1, 20), "30d").ends_at

    assert ends_at == datetime(2026, 2, 24, 0, 0, tzinfo=TAIPEI)
    assert ends_at.utcoffset() == timedelta(hours=8)
    assert str(ends_at.tzinfo) == "Asia/Taipei"
    assert ends_at.astimezone(UTC) == datetime(2026, 2, 23, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 2, 22, 15, 59, 59, tzinfo=UTC), 1),
        (datetime(2026, 2, 22, 16, 0, tzinfo=UTC), 0),
        (datetime(2026, 2, 23, 15, 59, tzinfo=UTC), 0),
        (datetime(2026, 2, 23, 16, 0, tzinfo=UTC), -1),
        (datetime(2026, 2, 23, 23, 59, tzinfo=TAIPEI), 0),
        (datetime(2026, 1, 20, 9, 0, tzinfo=TAIPEI), 34),
    ],
)
def test_days_left_counts_taipei_days(now, expected):
    assert days_left(date(2026, 2, 23), taipei_today(now)) == expected


def test_days_left_with_a_frozen_clock():
    with time_machine.travel(datetime(2026, 2, 23, 15, 59, tzinfo=UTC), tick=False):
        assert days_left(date(2026, 2, 23)) == 0  # the clock's default: this moment
        assert taipei_today(datetime.now(UTC)) == date(2026, 2, 23)
    with time_machine.travel(datetime(2026, 2, 23, 16, 0, tzinfo=UTC), tick=False):
        assert days_left(date(2026, 2, 23)) == -1  # the clock's default: this moment
        assert taipei_today(datetime.now(UTC)) == date(2026, 2, 24)


def test_days_left_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        days_left(date(2026, 2, 23), taipei_today(datetime(2026, 2, 23, 12, 0)))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("30d", Rule(30, "d")),
        ("15d", Rule(15, "d")),
        ("1d", Rule(1, "d")),
        ("3650d", Rule(3650, "d")),
        ("3m", Rule(3, "m")),
        ("6m", Rule(6, "m")),
        ("120m", Rule(120, "m")),
        (" 30d\n", Rule(30, "d")),
    ],
)
def test_parse_rule_accepts(text, rule):
    parsed = parse_rule(text)

    assert parsed == rule
    assert parsed.code == text.strip()


@pytest.mark.parametrize(
    "text",
    ["", " ", "0d", "0m", "-5d", "30x", "30", "d", "30D", "3.5m", "30 d", "30dd", "030d",
     "３０d", "3651d", "121m", "99999999d", "1y", None],
)  # fmt: skip
def test_parse_rule_rejects(text):
    with pytest.raises(ValueError, match="invalid deadline rule") as excinfo:
        parse_rule(text)

    assert "\n" not in str(excinfo.value)


def test_rule_validates_itself():
    with pytest.raises(ValueError, match="must be 1 to 120 months"):
        Rule(0, "m")
    with pytest.raises(ValueError, match="use 'd' or 'm'"):
        Rule(3, "y")


def test_compute_deadline_refuses_a_datetime_notice():
    with pytest.raises(TypeError, match="notice_date must be a date"):
        compute_deadline(datetime(2026, 1, 20, 9, 0, tzinfo=TAIPEI), "30d")


def test_engine_imports_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys; from datetime import date; from cases.deadlines import compute_deadline; "
        "print(compute_deadline(date(2026, 1, 20), '30d').last_day, "
        "any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )

    assert completed.stderr == ""
    assert completed.stdout == "2026-02-23 False\n"


@settings(max_examples=300, deadline=None)
@given(
    notice=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    amount=st.integers(min_value=1, max_value=200),
)
def test_property_day_periods_end_on_a_working_day_after_rest_days_only(notice, amount):
    calendar = TaiwanCalendar()
    result = compute_deadline(notice, Rule(amount, "d"), calendar=calendar)

    assert result.counted_day == notice + timedelta(days=amount)
    assert result.last_day >= notice + timedelta(days=amount)
    assert calendar.is_working_day(result.last_day)
    day = result.counted_day
    while day < result.last_day:
        assert not calendar.is_working_day(day)
        day += timedelta(days=1)
    assert result.last_day - result.counted_day < timedelta(days=12)


@settings(max_examples=200, deadline=None)
@given(
    notice=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    months=st.integers(min_value=1, max_value=24),
)
def test_property_month_periods(notice, months):
    result = compute_deadline(notice, Rule(months, "m"))
    start = notice + timedelta(days=1)
    index = start.year * 12 + start.month - 1 + months
    target_year, target_month = index // 12, index % 12 + 1

    month_length = monthrange(target_year, target_month)[1]

    if start.day <= month_length:
        assert result.steps[1].code == "count_months"
        expected = date(target_year, target_month, start.day) - timedelta(days=1)
    else:
        assert result.steps[1].code == "month_clamped"
        expected = date(target_year, target_month, month_length)
    assert result.counted_day == expected
    if start.day == 1:  # art. 121(1): a period starting on the 1st ends at a month's end
        assert (result.counted_day + timedelta(days=1)).day == 1
    assert result.last_day >= result.counted_day
