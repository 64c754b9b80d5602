"""Deadlines as the services count them: the government calendar plus staff-marked closure days."""

from __future__ import annotations

import datetime as dt

from cases.choices import (
    DeadlineRule,
)
from cases.deadlines import DeadlineResult, TaiwanCalendar, compute_deadline
from cases.models import (
    ClosureDay,
)


def taiwan_calendar() -> TaiwanCalendar:
    """The government calendar plus the closure days staff have marked (typhoons)."""
    return TaiwanCalendar(dict(ClosureDay.objects.values_list("date", "reason")))


def propose_deadline(*, notice_date: dt.date, rule: str) -> DeadlineResult | None:
    """The deadline a rule gives for a notice; None for a custom rule (the notice's own date)."""
    if rule == DeadlineRule.CUSTOM:
        return None
    return compute_deadline(notice_date, rule, calendar=taiwan_calendar())
