"""Taiwan deadline arithmetic for supplement (補正) requests: pure, no Django.

The rules follow the Civil Code (the Administrative Procedure Act's procedural articles do not
govern foreigners' entry and exit, APA art. 3(3)(2), and art. 48 gives the same answer anyway):

* art. 120(2): the notice day is not counted; counting starts the next day (Immigration Act
  Enforcement Rules art. 7: "書面通知送達之翌日起"). The NIA supplement-upload tutorial gives the
  periods: upload within 30 days of the notice, at the latest 6 months for documents from abroad.
* art. 121: the period ends at the end of its last day. A month period ends the day before the
  corresponding date; when the final month has no corresponding date, on that month's last day.
* art. 122: a last day on a Saturday, Sunday, national holiday or other rest day moves to the next
  working day. A government make-up working Saturday (補行上班日) is a working day: no move.

Rest days come from python-holidays (checked against the DGPA office calendar, 行政機關辦公日曆表)
plus closures staff mark by hand (typhoon 停班停課). All dates are Taipei dates (UTC+8, no DST).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal

import holidays

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
MAX_AMOUNT = {"d": 3650, "m": 120}
_RULE_RE = re.compile(r"([1-9][0-9]{0,5})([dm])")
_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("週一", "週二", "週三", "週四", "週五", "週六", "週日"),
}
_MONTHS = "January February March April May June July August September October November December"


def _lang(language: str) -> Literal["en", "zh"]:
    """Normalise "en" / "zh-hant" (also "zh_TW", "zh-Hant", "zh-tw") to "en" or "zh"."""
    code = language.lower().replace("_", "-")
    if code == "en" or code.startswith("en-"):
        return "en"
    if code in {"zh-hant", "zh-tw", "zh-hant-tw"}:
        return "zh"
    raise ValueError(f"unsupported language {language!r}: use 'en' or 'zh-hant'")


def _fmt(day: date, lang: str) -> str:
    weekday = _WEEKDAYS[lang][day.weekday()]
    return f"{day.isoformat()} ({weekday})" if lang == "en" else f"{day.isoformat()}（{weekday}）"


@dataclass(frozen=True)
class Rule:
    """A period: `amount` calendar days ("d") or months ("m")."""

    amount: int
    unit: Literal["d", "m"]

    def __post_init__(self) -> None:
        if self.unit not in MAX_AMOUNT:
            raise ValueError(f"invalid deadline rule unit {self.unit!r}: use 'd' or 'm'")
        limit = MAX_AMOUNT[self.unit]
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"invalid deadline rule amount {self.amount!r}: must be an integer")
        if not 1 <= self.amount <= limit:
            unit = "days" if self.unit == "d" else "months"
            raise ValueError(f"invalid deadline rule {self.code!r}: must be 1 to {limit} {unit}")

    @property
    def code(self) -> str:
        return f"{self.amount}{self.unit}"

    def __str__(self) -> str:
        return self.code


def parse_rule(text: str) -> Rule:
    """Parse "30d" (calendar days) or "6m" (months); raise ValueError on anything else."""
    match = _RULE_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"invalid deadline rule {text!r}: expected a positive number of days or months, "
            "such as '30d' or '6m'"
        )
    return Rule(int(match[1]), match[2])  # type: ignore[arg-type]


@lru_cache(maxsize=128)
def _holidays(year: int, language: str) -> holidays.HolidayBase:
    # Building a year is slow (lunar calendar); the object is never mutated after (expand=False).
    return holidays.TW(years=year, language=language, expand=False)


class TaiwanCalendar:
    """Government office calendar: weekends, national holidays, make-up Saturdays, closures."""

    def __init__(self, closures: Mapping[date, str] | Iterable[date] = ()) -> None:
        items = closures.items() if isinstance(closures, Mapping) else ((d, "") for d in closures)
        self.closures: dict[date, str] = {}
        for day, reason in items:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError(f"closure days must be dates, got {day!r}")
            self.closures[day] = str(reason or "")

    def is_working_day(self, day: date) -> bool:
        return day not in self.closures and _holidays(day.year, "en_US").is_working_day(day)

    def is_makeup_workday(self, day: date) -> bool:
        """A Saturday or Sunday the government works to make up for a bridge holiday."""
        return day.weekday() >= 5 and day in _holidays(day.year, "en_US").weekend_workdays

    def rest_reason(self, day: date, language: str = "en") -> str | None:
        """Why `day` is not a working day ("Saturday", a holiday name, "closure: ..."), or None."""
        if self.is_working_day(day):
            return None
        lang = _lang(language)
        name = _holidays(day.year, "en_US" if lang == "en" else "zh_TW").get(day)
        if name:
            return name
        if day in self.closures:
            reason = self.closures[day]
            if lang == "en":
                return f"closure: {reason}" if reason else "closure"
            return f"停止上班：{reason}" if reason else "停止上班"
        if lang == "en":
            return "Saturday" if day.weekday() == 5 else "Sunday"
        return "星期六" if day.weekday() == 5 else "星期日"

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day`."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


_DEFAULT_CALENDAR = TaiwanCalendar()


@dataclass(frozen=True)
class Step:
    """One line of the explanation of a count; `params` holds the dates it talks about."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        lang = _lang(language)
        p: dict[str, Any] = {
            k: _fmt(v, lang) if isinstance(v, date) else v for k, v in self.params.items()
        }
        en = lang == "en"
        match self.code:
            case "notice":
                if en:
                    return f"Notice dated {p['notice']}; counting starts the next day, {p['start']}"
                return f"通知日期 {p['notice']}，當日不計入，自翌日 {p['start']}起算"
            case "count_days":
                n = p["amount"]
                if en:
                    unit = "calendar day" if n == 1 else "calendar days"
                    return f"{n} {unit}: day {n} is {p['day']}"
                return f"{n} 個日曆天：第 {n} 天為 {p['day']}"
            case "count_months":
                n = p["amount"]
                if en:
                    unit = "month" if n == 1 else "months"
                    return (
                        f"{n} {unit} from {p['start']}: the corresponding date is "
                        f"{p['corresponding']}, so the last day is the day before, {p['day']}"
                    )
                return (
                    f"自 {p['start']}起算 {n} 個月：相當日為 {p['corresponding']}，"
                    f"其前一日 {p['day']}為末日"
                )
            case "month_clamped":
                n, year, month, dom = p["amount"], p["year"], p["month"], p["day_of_month"]
                if en:
                    unit = "month" if n == 1 else "months"
                    return (
                        f"{n} {unit} from {p['start']}: {_MONTHS.split()[month - 1]} {year} has "
                        f"no day {dom}, so the last day is the end of that month, {p['day']}"
                    )
                return (
                    f"自 {p['start']}起算 {n} 個月：{year} 年 {month} 月無 {dom} 日（無相當日），"
                    f"以該月末日 {p['day']}為末日"
                )
            case "rolled":
                reason = p["reason_en"] if en else p["reason_zh"]
                if en:
                    tail = ", a working day" if p["to_is_working"] else ""
                    return f"{p['day']} is a rest day ({reason}): moved to {p['to']}{tail}"
                tail = "（上班日）" if p["to_is_working"] else ""
                return f"{p['day']}為休息日（{reason}），順延至 {p['to']}{tail}"
            case "makeup_workday":
                if en:
                    return f"{p['day']} is a government make-up working day (補行上班日): no roll"
                return f"{p['day']}為補行上班日，不順延"
            case "ends":
                if en:
                    return f"Ends at the end of {p['day']}, Taipei time"
                return f"期間於 {p['day']}臺北時間 24 時屆滿"
        raise ValueError(f"unknown step code {self.code!r}")


@dataclass(frozen=True)
class DeadlineResult:
    notice_date: date
    rule: Rule
    counted_day: date  # the last day before rolling past rest days
    last_day: date  # the last day on which filing is still in time
    steps: tuple[Step, ...]

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period: 00:00 Taipei on the day after `last_day`.

        Exclusive bound: a filing is in time when its timestamp is strictly before `ends_at`.
        (A "23:59:59" end would drop the last second; midnight is exact.)
        """
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=TAIPEI)


def _add_months(start: date, months: int) -> tuple[date, bool]:
    """The date `months` after `start`, clamped to the month's end; True when clamped."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    month_end = (first_of_next - timedelta(days=1)).day
    return date(year, month, min(start.day, month_end)), start.day > month_end


def compute_deadline(
    notice_date: date, rule: Rule | str, *, calendar: TaiwanCalendar | None = None
) -> DeadlineResult:
    """Count `rule` from the day after `notice_date`, rolling a last day that is a rest day."""
    if not isinstance(notice_date, date) or isinstance(notice_date, datetime):
        raise TypeError(f"notice_date must be a date, got {notice_date!r}")
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a Rule or a string such as '30d', got {rule!r}")
    calendar = _DEFAULT_CALENDAR if calendar is None else calendar
    try:
        start = notice_date + timedelta(days=1)
        steps = [Step("notice", {"notice": notice_date, "start": start})]
        if rule.unit == "d":
            counted = notice_date + timedelta(days=rule.amount)
            steps.append(Step("count_days", {"amount": rule.amount, "day": counted}))
        else:
            corresponding, clamped = _add_months(start, rule.amount)
            params = {"amount": rule.amount, "start": start}
            if clamped:  # art. 121(2) proviso: no corresponding date, so the month's last day
                counted = corresponding
                params |= {"year": counted.year, "month": counted.month, "day_of_month": start.day}
                steps.append(Step("month_clamped", params | {"day": counted}))
            else:
                counted = corresponding - timedelta(days=1)
                params |= {"corresponding": corresponding}
                steps.append(Step("count_months", params | {"day": counted}))
        last_day = counted
        while not calendar.is_working_day(last_day):  # art. 122
            following = last_day + timedelta(days=1)
            params = {
                "day": last_day,
                "to": following,
                "to_is_working": calendar.is_working_day(following),
                "reason_en": calendar.rest_reason(last_day, "en"),
                "reason_zh": calendar.rest_reason(last_day, "zh-hant"),
            }
            steps.append(Step("rolled", params))
            last_day = following
    except OverflowError as exc:
        raise ValueError(f"deadline out of the supported date range: {exc}") from None
    if calendar.is_makeup_workday(last_day):
        steps.append(Step("makeup_workday", {"day": last_day}))
    steps.append(Step("ends", {"day": last_day}))
    return DeadlineResult(notice_date, rule, counted, last_day, tuple(steps))
