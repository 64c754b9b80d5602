"""Taipei time, once for the whole tracker: deadlines are Taipei dates (domain.md), whatever zone
the server's clock or the reader is in. "Today" and "days left" come from here only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.deadlines.engine import TAIPEI


def taipei_today(now: dt.datetime | None = None) -> dt.date:
    """The Taipei calendar date at the aware instant `now` (default: this moment)."""
    now = timezone.now() if now is None else now
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(TAIPEI).date()


def days_left(deadline: dt.date, today: dt.date | None = None) -> int:
    """Whole Taipei days from today to `deadline`: 0 on the day itself, negative once overdue."""
    return (deadline - (today or taipei_today())).days
