"""Turn the alert-sweep schedule from settings (a string, overridable by environment) into a
Celery beat entry. Imported by tracker/settings.py, so it touches no models.

ALERT_SWEEP_SCHEDULE is either a crontab of five fields ("*/5 * * * *", the default: every five
minutes), a number of seconds ("30"), or "off" (no scheduled sweep; run the command by hand).
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

SWEEP_TASK = "notifications.sweep_deadline_alerts"
OFF = {"", "off", "none", "disabled", "false", "0"}


def parse_schedule(text: str) -> crontab | timedelta | None:
    value = text.strip()
    if value.lower() in OFF:
        return None
    try:
        seconds = float(value)
    except ValueError:
        fields = value.split()
        if len(fields) != 5:
            raise ValueError(
                f"ALERT_SWEEP_SCHEDULE must be a 5-field crontab, a number of seconds or 'off', "
                f"got {text!r}"
            ) from None
        minute, hour, day_of_month, month_of_year, day_of_week = fields
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    if seconds <= 0:
        raise ValueError(f"ALERT_SWEEP_SCHEDULE seconds must be positive, got {text!r}")
    return timedelta(seconds=seconds)


def sweep_entries(text: str, *, expires: float | None = None) -> dict:
    """The beat entries for the alert sweep: {} when switched off. A queued sweep that waited
    longer than `expires` seconds (default: the interval, or 5 minutes for a crontab) is dropped;
    the next one covers it."""
    schedule = parse_schedule(text)
    if schedule is None:
        return {}
    if expires is None:
        expires = schedule.total_seconds() if isinstance(schedule, timedelta) else 300.0
    return {
        "deadline-alerts-sweep": {
            "task": SWEEP_TASK,
            "schedule": schedule,
            "options": {"expires": max(float(expires), 1.0)},
        }
    }
