"""First half of a sweep: record every alert that is due, before anything is sent.

For each subject that reached a stage not planned yet, work out whom to tell (notifications.rules),
keep only people who may see the case (cases.tenancy) and are not snoozing, and insert one pending
Alert each plus the PlannedStage mark, in one transaction. Inserts ignore conflicts: the unique
constraints make a concurrent or repeated sweep record nothing twice (healthchecks' sendalerts).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from operator import itemgetter

from django.db import DatabaseError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

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

    # Rows as plain dicts: a model instance per row cost more than choosing the recipients.
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
                {
                    "recipient_id": user_id,
                    "subject_kind": due.kind,
                    "subject_id": due.subject_id,
                    "case_id": due.case.pk,
                    "supplement_id": due.supplement_id,
                    "obligation_id": due.obligation_id,
                    "due_on": due.due_on,
                    "offset": due.stage,
                    "role": role,
                    "urgent": urgent,
                    "send_after": send_after(
                        now=now, urgent=urgent, timing=directory.timing(user_id)
                    ),
                }
            )
        stages.append(
            {
                "subject_kind": due.kind,
                "subject_id": due.subject_id,
                "due_on": due.due_on,
                "offset": due.stage,
                "recipients": min(count, 32767),
            }
        )
    # One order for every sweep, so two sweeps inserting the same rows wait on each other
    # instead of deadlocking.
    alerts.sort(key=itemgetter("subject_kind", "subject_id", "recipient_id"))
    stages.sort(key=itemgetter("subject_kind", "subject_id"))
    for attempt in range(3):
        try:
            with transaction.atomic():
                insert_new(Alert, alerts)
                insert_new(PlannedStage, stages)
            break
        except DatabaseError:
            # A deadlock or serialization failure against a concurrent sweep: the rows are
            # idempotent, so the batch is simply tried again.
            if attempt == 2:
                raise
            logger.warning("alert planning batch retried after a database conflict", exc_info=True)
    return len(alerts)


def insert_new(model: type[Model], rows: list[dict]) -> None:
    """Insert `rows` (field attnames → values, the same keys in each; other fields take their
    defaults) in their order, skipping every row a unique constraint already holds.

    On PostgreSQL, one INSERT ... SELECT FROM jsonb_array_elements(the rows as one JSON document)
    ON CONFLICT DO NOTHING, the constant columns as single parameters: about a third of the time
    bulk_create(ignore_conflicts=True) takes, most of which goes into building its 1,000-row VALUES
    lists and quoting each value in Python. Elsewhere (SQLite), bulk_create itself."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows], ignore_conflicts=True, batch_size=1000
        )
        return
    keys = list(rows[0])
    now = timezone.now()
    quote = connection.ops.quote_name
    columns, values, constants = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        sql_type = field.db_type(connection)
        if field.attname in keys:
            values.append(f"(entry->>{keys.index(field.attname)})::{sql_type}")
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants.append(now)
        elif field.has_default() and callable(field.default):
            raise ValueError(f"insert_new cannot fill {field.name}: its default differs per row")
        else:
            constants.append(field.get_default())
        values.append(f"%s::{sql_type}")
    # Dates and datetimes go as their str() text, which the casts above read back exactly.
    document = json.dumps([[row[key] for key in keys] for row in rows], default=str)
    # Identifiers and types come from the model (quoted), values go as parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} "
        "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS incoming (entry, ordinal) "
        "ORDER BY ordinal ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, document])
