"""Every write of the notifications app: answering alerts (acknowledge, snooze), preferences,
an organization's alert policy, calendar feeds, dated obligations, and re-sending a failed alert.
Callers pass the acting user; access goes through cases.tenancy (via notifications.selectors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, history_user
from cases.clock import taipei_today
from cases.deadlines import compute_deadline
from cases.errors import InvalidInput
from cases.models import Case
from cases.services import taiwan_calendar
from cases.tenancy import party_for
from notifications.models import (
    Alert,
    AlertPolicy,
    AlertPreference,
    AlertResponse,
    AlertStatus,
    CalendarFeed,
    Obligation,
    ObligationKind,
    new_feed_token,
)
from notifications.rules import URGENT_DAYS, validate_offsets
from notifications.selectors import access_subject, administered_organizations

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_SNOOZE_DAYS = 30


# --- Answering alerts -----------------------------------------------------------------------------
@transaction.atomic
def alert_acknowledge(*, user: User, subject_kind: str, subject_id: int) -> AlertResponse:
    """ "I am on it": stops escalation to the agency's admins for this subject."""
    item = access_subject(user=user, subject_kind=subject_kind, subject_id=subject_id)
    response, _created = AlertResponse.objects.select_for_update().get_or_create(
        user=user, subject_kind=subject_kind, subject_id=subject_id, defaults={"case": item.case}
    )
    if response.acknowledged_at is None:
        response.acknowledged_at = timezone.now()
        response.save(update_fields=["acknowledged_at", "updated_at"])
    return response


def snooze_limit(due_on: dt.date) -> dt.date:
    """The last day a snooze may cover: "due tomorrow" and later alerts always arrive."""
    return due_on - dt.timedelta(days=URGENT_DAYS + 1)


@transaction.atomic
def alert_snooze(
    *, user: User, subject_kind: str, subject_id: int, days: int, today: dt.date | None = None
) -> AlertResponse:
    """No alerts about this subject to this person for the next `days` days (they resume the day
    after), capped so that "due tomorrow", "due today" and "overdue" still arrive."""
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise InvalidInput(
            _("Snooze for 1 to %(max)d days.") % {"max": MAX_SNOOZE_DAYS}, field="days"
        )
    item = access_subject(user=user, subject_kind=subject_kind, subject_id=subject_id)
    today = today or taipei_today()
    limit = snooze_limit(item.due_on)
    if limit < today:
        raise InvalidInput(
            _("The deadline is too close to snooze; acknowledge the alert instead."),
            field="days",
            code="too_close_to_snooze",
        )
    until = min(today + dt.timedelta(days=days), limit)
    response, _created = AlertResponse.objects.select_for_update().get_or_create(
        user=user, subject_kind=subject_kind, subject_id=subject_id, defaults={"case": item.case}
    )
    response.snoozed_until = until
    response.save(update_fields=["snoozed_until", "updated_at"])
    return response


# --- Preferences and policy -----------------------------------------------------------------------
@transaction.atomic
def preferences_update(
    *,
    user: User,
    digest_hour: int,
    quiet_start: dt.time | None = None,
    quiet_end: dt.time | None = None,
    early_alerts: bool | None = None,
) -> AlertPreference:
    if not 0 <= digest_hour <= 23:
        raise InvalidInput(_("Choose an hour from 0 to 23."), field="digest_hour")
    if (quiet_start is None) != (quiet_end is None):
        raise InvalidInput(_("Give both ends of the quiet hours, or neither."), field="quiet_end")
    preference, _created = AlertPreference.objects.select_for_update().get_or_create(user=user)
    preference.digest_hour = digest_hour
    preference.quiet_start, preference.quiet_end = quiet_start, quiet_end
    if early_alerts is not None:
        preference.early_alerts = early_alerts
    preference.save()
    return preference


@transaction.atomic
def preferences_set_early_alerts(*, user: User, on: bool) -> AlertPreference:
    """Turn the early reminders (the digest's 14, 7, 3 days before) on or off; due tomorrow, due
    today and overdue alerts are always sent."""
    preference, _created = AlertPreference.objects.select_for_update().get_or_create(user=user)
    if preference.early_alerts != on:
        preference.early_alerts = on
        preference.save(update_fields=["early_alerts", "updated_at"])
    return preference


@transaction.atomic
def policy_update(
    *, actor: User, organization: Organization, offsets: list[int], escalate_days: int
) -> AlertPolicy:
    """Set an organization's alert offsets; only its admins (or a superuser) may."""
    if not administered_organizations(user=actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only the organization's admins can change its alert rules."))
    try:
        cleaned = validate_offsets(offsets)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="offsets") from exc
    if not 0 <= escalate_days <= 365:
        raise InvalidInput(_("Escalate from 0 to 365 days before."), field="escalate_days")
    policy, _created = AlertPolicy.objects.select_for_update().get_or_create(
        organization=organization
    )
    policy.offsets = list(cleaned)
    policy.escalate_days = escalate_days
    policy.updated_by = actor
    history_user(actor, policy)
    policy.save()
    return policy


# --- Calendar feeds -------------------------------------------------------------------------------
def feed_for(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_rotate(*, user: User) -> CalendarFeed:
    """Create the person's private feed URL, or replace it (the old URL stops working)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save()
    return feed


def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# --- Dated obligations ----------------------------------------------------------------------------
OBLIGATION_RULES: dict[str, str] = {
    ObligationKind.CARD_PICKUP: "30d",  # within 30 days of entry (overseas approvals)
    ObligationKind.ADDRESS_CHANGE: "30d",  # within 30 days of moving
    ObligationKind.APPEAL: "30d",  # within 30 days from the day after the refusal arrived
}


def _check_party(actor: User, case: Case) -> None:
    if party_for(actor, case) is None:
        raise Http404(_("No such case."))


@transaction.atomic
def obligation_create(
    *,
    actor: User,
    case: Case,
    kind: str,
    starts_on: dt.date,
    assignee: User | None = None,
    note: str = "",
) -> Obligation:
    """Record an obligation; its due date is counted by the deadline engine (the start day is not
    counted; a last day on a rest day rolls to the next working day)."""
    _check_party(actor, case)
    if kind not in OBLIGATION_RULES:
        raise InvalidInput(_("Unknown obligation."), field="kind")
    rule = OBLIGATION_RULES[kind]
    due_on = compute_deadline(starts_on, rule, calendar=taiwan_calendar()).last_day
    obligation = Obligation(
        kind=kind,
        case=case,
        starts_on=starts_on,
        rule=rule,
        due_on=due_on,
        assignee=assignee,
        note=note.strip(),
        created_by=actor,
    )
    history_user(actor, obligation)
    obligation.save()
    return obligation


@transaction.atomic
def obligation_fulfil(*, actor: User, obligation: Obligation) -> Obligation:
    obligation = Obligation.objects.select_for_update().select_related("case").get(pk=obligation.pk)
    _check_party(actor, obligation.case)
    if obligation.fulfilled_at is None:
        obligation.fulfilled_at = timezone.now()
        obligation.fulfilled_by = actor
        history_user(actor, obligation)
        obligation.save(update_fields=["fulfilled_at", "fulfilled_by"])
    return obligation


# --- Admin: send a failed alert again ---------------------------------------------------------------
def alerts_resend(*, alert_ids: Iterable[int]) -> int:
    """Put failed alerts back in the queue (after fixing an address or the mail settings)."""
    return Alert.objects.filter(pk__in=list(alert_ids), status=AlertStatus.FAILED).update(
        status=AlertStatus.PENDING,
        send_after=timezone.now(),
        attempts=0,
        claim=None,
        claimed_at=None,
        reason="",
        error="",
    )
