"""Each thing people edit carries its own version (the reply, each comment, each item): a save is
refused only when that same thing changed since the person read it, and the refusal says who
changed it, when, and what it says now. Who and when come from the change history
(django-simple-history), the one place they are recorded."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.errors import StaleVersion


def last_change(obj: models.Model, field: str):
    """The history row that last changed `field` on `obj` (newest first; None: never recorded)."""
    rows = list(obj.history.order_by("-history_date", "-history_id")[:50])  # type: ignore[attr-defined]
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        if older is None or getattr(newer, field) != getattr(older, field):
            return newer
    return None


def check(obj: models.Model, expected: int | None, *, version_field: str, shows: str) -> None:
    """Refuse (StaleVersion, 409) when `obj` moved past the version the person read. `shows` is
    the field whose current text the refusal carries, so the page can show both texts."""
    current = getattr(obj, version_field)
    if expected is None or expected == current:
        return
    change = last_change(obj, shows)
    who = change.history_user if change is not None else None
    when = change.history_date if change is not None else None
    name = (who.get_full_name() or who.get_username()) if who is not None else _("someone")
    raise StaleVersion(
        _("%(who)s changed this at %(when)s, after you opened it. Yours was not saved.")
        % {
            "who": name,
            "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "—",
        },
        current_version=current,
        changed_by=name,
        changed_at=when.isoformat() if when else None,
        current=getattr(obj, shows),
    )


def bump(obj: models.Model, version_field: str = "version") -> None:
    """The next version; the caller holds the row lock and saves the field."""
    setattr(obj, version_field, getattr(obj, version_field) + 1)
