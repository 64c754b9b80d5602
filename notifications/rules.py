"""The alert rules as data and the pure decisions made from them (no database).

- Offsets are whole Taipei days before the deadline: 14, 7, 3, 1, 0 (on the day) and -1 (overdue:
  the day after). Negative offsets are days overdue; an organization may add more (-3, -7).
- The stage a subject is in today is the smallest offset not below the days left. A sweep that
  missed days (worker down, a deadline set late) sends the current stage only, never a backlog of
  stale "14 days left" mail; the alert text always uses the real days left.
- Whom to tell: the party the work waits on first (from the first offset), the assigned agency
  staff throughout, and from the escalation point on (3 days left by default) also the agency's
  admins when nobody has acknowledged, and the employer's HR for their employees' cases.
- "Due tomorrow", "due today" and "overdue" go out at once; earlier stages wait for the person's
  daily digest. Quiet hours hold both.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_OFFSETS: tuple[int, ...] = (14, 7, 3, 1, 0, -1)
DEFAULT_ESCALATE_DAYS = 3
# Stages at or below this many days left are sent at once; earlier ones go in the digest.
URGENT_DAYS = 1
OFFSET_RANGE = (-60, 365)

# Why someone receives an alert, most specific first: a person who qualifies twice keeps the first.
WAITING = "waiting"  # the work waits on their side
ASSIGNEE = "assignee"  # the agency staff member assigned to it
RESPONSIBLE = "responsible"  # nobody assigned: the agency's admins own it
ESCALATION = "escalation"  # late and nobody acknowledged: the agency's admins
INFORMED = "informed"  # late: the employer's HR for their employee
ROLE_ORDER = (WAITING, ASSIGNEE, RESPONSIBLE, ESCALATION, INFORMED)

APPLICANT, EMPLOYER, AGENCY = "applicant", "employer", "agency"


def validate_offsets(offsets: Iterable[int]) -> tuple[int, ...]:
    """Offsets as stored: distinct whole days, largest first; ValueError on anything else."""
    values = list(offsets)
    if not values:
        raise ValueError("at least one offset is needed")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"offsets are whole days, got {value!r}")
        if not OFFSET_RANGE[0] <= value <= OFFSET_RANGE[1]:
            raise ValueError(f"offset {value} is outside {OFFSET_RANGE[0]}..{OFFSET_RANGE[1]} days")
    return tuple(sorted(set(values), reverse=True))


def parse_offsets(text: str) -> tuple[int, ...]:
    """ "14, 7, 3, 1, 0, -1" → (14, 7, 3, 1, 0, -1); ValueError on a bad list."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    try:
        numbers = [int(part) for part in parts]
    except ValueError as exc:
        raise ValueError(f"offsets are whole days separated by commas, got {text!r}") from exc
    return validate_offsets(numbers)


@dataclass(frozen=True)
class Policy:
    """One organization's alert schedule (or the default)."""

    offsets: tuple[int, ...] = DEFAULT_OFFSETS
    escalate_days: int = DEFAULT_ESCALATE_DAYS

    @property
    def horizon(self) -> int:
        """The most days before a deadline at which any alert starts."""
        return max(self.offsets)


def current_stage(days_left: int, offsets: Sequence[int]) -> int | None:
    """The offset whose alert is due with `days_left` days to go, or None when none is yet."""
    reached = [offset for offset in offsets if offset >= days_left]
    return min(reached) if reached else None


def stage_windows(offsets: Sequence[int]) -> list[tuple[int, int | None, int]]:
    """For each offset, the days-left range in which it is the current stage:
    (offset, lowest days left or None for unbounded, highest days left)."""
    ordered = sorted(offsets, reverse=True)
    windows = []
    for index, offset in enumerate(ordered):
        lower = ordered[index + 1] + 1 if index + 1 < len(ordered) else None
        windows.append((offset, lower, offset))
    return windows


def is_urgent(days_left: int) -> bool:
    return days_left <= URGENT_DAYS


@dataclass(frozen=True)
class People:
    """Who stands where on one case, as user ids (empty where nobody)."""

    assignee: int | None = None
    agency_admins: tuple[int, ...] = ()
    employer_hr: tuple[int, ...] = ()
    applicant_user: int | None = None
    has_agency: bool = True
    channel: str = AGENCY


def filer(channel: str, has_agency: bool) -> str:
    """The side that files on the platform: "agency" work falls to it when there is no agency."""
    if has_agency:
        return AGENCY
    return {"employer": EMPLOYER, "self": APPLICANT}.get(channel, AGENCY)


def choose_recipients(
    *,
    people: People,
    waits_on: Sequence[str],
    days_left: int,
    escalate_days: int,
    acknowledged: bool,
) -> dict[int, str]:
    """Whom to tell at this stage, each with why ({user id: role}), in ROLE_ORDER priority.

    `waits_on` lists the parties holding the work (cases.readiness.waiting_on: "agency" means the
    filing side). Escalation to the agency's admins needs the late stage and no acknowledgement.
    """
    late = days_left <= escalate_days
    chosen: dict[int, str] = {}

    def add(user_ids: Iterable[int | None], role: str) -> None:
        for user_id in user_ids:
            if user_id is not None and user_id not in chosen:
                chosen[user_id] = role

    filing_side = filer(people.channel, people.has_agency)
    waiting_sides = {filing_side if side == AGENCY else side for side in waits_on}
    agency_owner = [people.assignee] if people.assignee else list(people.agency_admins)
    # The party the work waits on comes first.
    if APPLICANT in waiting_sides:
        add([people.applicant_user], WAITING)
    if EMPLOYER in waiting_sides:
        add(people.employer_hr, WAITING)
    if AGENCY in waiting_sides and people.has_agency:
        add(agency_owner, WAITING if people.assignee else RESPONSIBLE)
    # The agency files: its assignee (or, unassigned, its admins) hears of every stage.
    if people.has_agency:
        add([people.assignee], ASSIGNEE)
        if not people.assignee:
            add(people.agency_admins, RESPONSIBLE)
        if late and not acknowledged:
            add(people.agency_admins, ESCALATION)
    if late:
        add(people.employer_hr, INFORMED)
    return chosen


# --- Time of sending: digest hour and quiet hours, in the person's own time zone ---------------
@dataclass(frozen=True)
class Timing:
    time_zone: str = "Asia/Taipei"
    digest_hour: int = 8
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    early_alerts: bool = True

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("Asia/Taipei")


def in_quiet_hours(local: dt.datetime, timing: Timing) -> bool:
    start, end = timing.quiet_start, timing.quiet_end
    if start is None or end is None or start == end:
        return False
    now = local.time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # across midnight, e.g. 22:00-07:00


def _after_quiet(local: dt.datetime, timing: Timing) -> dt.datetime:
    """`local`, or the end of the quiet hours it falls in."""
    end = timing.quiet_end
    if end is None or not in_quiet_hours(local, timing):
        return local
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = _local_day_at(local.date() + dt.timedelta(days=1), end, local.tzinfo)
    return candidate


def _local_day_at(day: dt.date, at: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, at).replace(tzinfo=zone)


def send_after(*, now: dt.datetime, urgent: bool, timing: Timing) -> dt.datetime:
    """When an alert planned at `now` may go out: at once when urgent, else at the person's next
    digest time (today's if it is still ahead or just passed this hour), never in quiet hours."""
    local = now.astimezone(timing.zone)
    if urgent:
        moment = local
    else:
        digest = _local_day_at(local.date(), dt.time(timing.digest_hour), timing.zone)
        # A stage that falls due during the digest hour still makes today's digest.
        if local >= digest + dt.timedelta(hours=1):
            digest = _local_day_at(
                local.date() + dt.timedelta(days=1), dt.time(timing.digest_hour), timing.zone
            )
        moment = max(digest, local)
    return _after_quiet(moment, timing).astimezone(dt.UTC)


def ordering_key(days_left: int, due_on: dt.date, label: str) -> tuple:
    """Digest order: overdue first (most overdue first), then by the closest deadline."""
    return (0 if days_left < 0 else 1, due_on, label)
