"""Reads that several callers share (admin, API, pages), always through the tenancy rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import SupplementRequest
from cases.readiness import Readiness
from cases.tenancy import visible_supplements


def taipei_today() -> dt.date:
    """Today's date in Taipei (settings.TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


def supplements_needing_attention(*, user, today: dt.date | None = None) -> QuerySet:
    """Open supplements the user may see, in triage order, with what lists show preloaded."""
    today = today or taipei_today()
    return (
        visible_supplements(user)
        .open()
        .with_triage(today)
        .select_related(
            "case",
            "case__applicant",
            "case__employer",
            "case__agency",
            "case__field",
            "assignee",
        )
    )


def days_left(supplement: SupplementRequest, today: dt.date | None = None) -> int:
    """Whole Taipei days until the deadline: 0 on the day, negative once overdue."""
    return (supplement.deadline - (today or taipei_today())).days


def readiness_of(supplement: SupplementRequest) -> Readiness:
    """The stored verdict (refreshed by every service that changes an input)."""
    return Readiness.from_stored(supplement.missing)
