"""First half of a sweep: record every alert that is due, before anything is sent.

For each subject that reached a stage not planned yet, work out whom to tell (notifications.rules),
keep only people who may see the case (cases.tenancy) and are not snoozing, and insert one pending
Alert each plus the PlannedStage mark, in one transaction. Inserts ignore conflicts: the unique
constraints make a concurrent or repeated sweep record nothing twice (healthchecks' sendalerts).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import DatabaseError, transaction
from django.db.models import Q

from notifications.directory import Directory
from notifications.models import Alert, AlertResponse, PlannedStage
from notifications.rules import choose_recipients, is_urgent, send_after
from notifications.subjects import Due

logger = logging.getLogger(__name__)


def subject_filter(keys) -> Q:
    """Q matching (subject_kind, subject_id) pairs, one IN per kind."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, subject_id in keys:
        by_kind[kind].append(subject_id)
    condition = Q(pk__in=[])
    for kind, ids in by_kind.items():
        condition |= Q(subject_kind=kind, subject_id__in=ids)
    return condition


def responses(keys, today: dt.date) -> tuple[set, set]:
    """(subjects someone acknowledged, (user, subject) pairs snoozed through today)."""
    acknowledged, snoozed = set(), set()
    rows = AlertResponse.objects.filter(subject_filter(keys)).values_list(
        "user_id", "subject_kind", "subject_id", "acknowledged_at", "snoozed_until"
    )
    for user_id, kind, subject_id, acked_at, until in rows:
        if acked_at is not None:
            acknowledged.add((kind, subject_id))
        if until is not None and until >= today:
            snoozed.add((user_id, kind, subject_id))
    return acknowledged, snoozed


def plan_batch(dues: list[Due], *, now: dt.datetime, today: dt.date, directory: Directory) -> int:
    """Record the alerts for one batch of due subjects; returns how many were proposed."""
    directory.load_organizations(due.case for due in dues)
    acknowledged, snoozed = responses([(d.kind, d.subject_id) for d in dues], today)
    chosen = []
    for due in dues:
        days_left = (due.due_on - today).days
        recipients = choose_recipients(
            people=directory.people(due.case, due.assignee_id),
            waits_on=due.waits_on,
            days_left=days_left,
            escalate_days=due.policy.escalate_days,
            acknowledged=(due.kind, due.subject_id) in acknowledged,
        )
        chosen.append((due, days_left, recipients))
    directory.load_users(uid for _due, _days, recipients in chosen for uid in recipients)

    alerts, stages = [], []
    for due, days_left, recipients in chosen:
        urgent = is_urgent(days_left)
        count = 0
        for user_id, role in sorted(recipients.items()):
            if not directory.can_see(user_id, due.case):
                continue  # nobody is told about a case they cannot see
            if not urgent and (user_id, due.kind, due.subject_id) in snoozed:
                continue
            count += 1
            alerts.append(
                Alert(
                    recipient_id=user_id,
                    subject_kind=due.kind,
                    subject_id=due.subject_id,
                    case_id=due.case.pk,
                    supplement_id=due.supplement_id,
                    obligation_id=due.obligation_id,
                    due_on=due.due_on,
                    offset=due.stage,
                    role=role,
                    urgent=urgent,
                    send_after=send_after(now=now, urgent=urgent, timing=directory.timing(user_id)),
                )
            )
        stages.append(
            PlannedStage(
                subject_kind=due.kind,
                subject_id=due.subject_id,
                due_on=due.due_on,
                offset=due.stage,
                recipients=min(count, 32767),
            )
        )
    # One order for every sweep, so two sweeps inserting the same rows wait on each other
    # instead of deadlocking.
    alerts.sort(key=lambda a: (a.subject_kind, a.subject_id, a.recipient_id))
    stages.sort(key=lambda s: (s.subject_kind, s.subject_id))
    for attempt in range(3):
        try:
            with transaction.atomic():
                Alert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=1000)
                PlannedStage.objects.bulk_create(stages, ignore_conflicts=True, batch_size=1000)
            break
        except DatabaseError:
            # A deadlock or serialization failure against a concurrent sweep: the rows are
            # idempotent, so the batch is simply tried again.
            if attempt == 2:
                raise
            logger.warning("alert planning batch retried after a database conflict", exc_info=True)
    return len(alerts)
