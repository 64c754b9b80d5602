"""The supplement lock: every change under a supplement locks its row first (one lock, always the
supplement first), and `lock_open_supplement` is the one place that keeps a submitted (送出) or
withdrawn supplement frozen. Public, so the document services and the reminders use it too."""

from __future__ import annotations

from cases.choices import (
    SupplementState,
)
from cases.errors import (
    StaleVersion,
    SupplementClosed,
    SupplementLocked,
)
from cases.models import (
    SupplementRequest,
    history_user,
)
from cases.readiness_facts import refresh_readiness


def lock_supplement(supplement_id: int) -> SupplementRequest:
    return SupplementRequest.objects.select_for_update().get(pk=supplement_id)


def lock_open_supplement(
    supplement_id: int, expected_version: int | None = None
) -> SupplementRequest:
    """Lock a supplement for a content change; refuse once submitted (送出) or withdrawn."""
    supplement = lock_supplement(supplement_id)
    if supplement.state == SupplementState.SUBMITTED:
        raise SupplementLocked()
    if supplement.state != SupplementState.OPEN:
        raise SupplementClosed()
    if expected_version is not None and expected_version != supplement.version:
        raise StaleVersion(current_version=supplement.version)
    return supplement


def touch(supplement: SupplementRequest, actor, *fields: str) -> None:
    """Save a content change: bump the version, refresh readiness, record who."""
    supplement.version += 1  # safe: the caller holds the row lock
    history_user(actor, supplement)
    supplement.save(update_fields=[*fields, "version", "updated_at"])
    refresh_readiness(supplement)
