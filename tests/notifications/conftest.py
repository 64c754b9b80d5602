"""Helpers for the alert tests: Taipei instants, supplements with an exact deadline, the sweep."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from cases import services
from cases.choices import DeadlineRule, RequestingBody

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")


def taipei(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


def supplement_due(case, actor, due: dt.date, **extra):
    """An open supplement whose deadline is exactly `due` (the date printed in the notice)."""
    return services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=due - dt.timedelta(days=30),
        rule=DeadlineRule.CUSTOM,
        deadline_override=due,
        override_reason="Date printed in the notice",
        **extra,
    )
