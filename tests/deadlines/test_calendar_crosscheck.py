"""TaiwanCalendar against the official DGPA office calendar (行政機關辦公日曆表), day by day.

The `taiwan-holidays` package ships the DGPA's per-year CSV files (no 2021). Each row is a date
(西元日期 YYYYMMDD), a weekday, 是否放假 (2 = day off, 0 = office day) and a note (備註).
"""

import csv
import importlib.util
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from cases.deadlines import TaiwanCalendar

ROC_YEAR_OFFSET = 1911


def _dgpa_files() -> dict[int, Path]:
    # find_spec finds the data folder without importing the package (its API pulls in pandas).
    spec = importlib.util.find_spec("taiwan_holidays")
    assert spec is not None, "taiwan-holidays is a dev dependency: install the dev extras"
    data_dir = Path(next(iter(spec.submodule_search_locations))) / "data"
    files = {}
    for path in data_dir.glob("*.csv"):
        match = re.match(r"(\d+)年", path.name)
        assert match, path.name
        files[int(match[1]) + ROC_YEAR_OFFSET] = path
    return files


DGPA_FILES = _dgpa_files()


def _dgpa_days(year: int) -> dict[date, tuple[bool, str]]:
    with DGPA_FILES[year].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    days = {}
    for row in rows:
        day = datetime.strptime(row["西元日期"], "%Y%m%d").date()
        assert row["是否放假"] in {"0", "2"}, row
        days[day] = (row["是否放假"] == "2", row["備註"])
    return days


def test_the_package_ships_the_expected_years():
    assert {2019, 2020, 2022, 2023, 2024, 2025, 2026, 2027} <= set(DGPA_FILES)


@pytest.mark.parametrize("year", sorted(DGPA_FILES))
def test_working_days_match_the_dgpa_calendar(year):
    dgpa = _dgpa_days(year)
    calendar = TaiwanCalendar()
    days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days

    assert len(dgpa) == days_in_year
    mismatches = [
        (day.isoformat(), "DGPA day off" if off else "DGPA office day", note)
        for day, (off, note) in sorted(dgpa.items())
        if calendar.is_working_day(day) == off
    ]
    assert mismatches == []


@pytest.mark.parametrize("year", sorted(DGPA_FILES))
def test_makeup_workdays_match_the_dgpa_calendar(year):
    calendar = TaiwanCalendar()
    dgpa_makeup = sorted(
        day for day, (off, _note) in _dgpa_days(year).items() if day.weekday() >= 5 and not off
    )
    ours = sorted(day for day in _dgpa_days(year) if calendar.is_makeup_workday(day))

    assert ours == dgpa_makeup


def test_dgpa_notes_name_the_2025_makeup_saturday():
    assert _dgpa_days(2025)[date(2025, 2, 8)] == (False, "補行上班")


def test_csv_reading_agrees_with_the_package_api():
    from taiwan_holidays.taiwan_calendar import TaiwanCalendar as DgpaCalendar

    dgpa = DgpaCalendar()
    for day in [date(2026, 2, 19), date(2026, 2, 23), date(2025, 2, 8), date(2020, 1, 1)]:
        assert dgpa.is_holiday(day.isoformat()) == _dgpa_days(day.year)[day][0]
