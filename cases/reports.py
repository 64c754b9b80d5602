"""The supplement report: how an agency's or an employer's supplements are going, in figures.

One function, `supplement_report`, turns a queryset of supplements (already scoped by the tenancy
rule and narrowed by the list's filters, so its figures agree with the list) into every figure the
API and the pages show. Everything is aggregated in the database, a fixed number of queries
whatever the size: one aggregate for the totals, one GROUP BY per breakdown, and on SQLite (which
has no percentile_cont) one ordered-window query per percentile measure.

Definitions (README, "Reports"):
- the period (`date_from`/`date_to`) selects supplements by their notice date;
- overdue: open and past its deadline (Taipei today), as the list's `overdue` filter;
- on time: submitted on or before the deadline's Taipei date (the deadline ends at the end of its
  last day, Taipei time: domain.md); late: submitted after it;
- days to file: Taipei date of submission minus the notice date; days to outcome: Taipei date the
  outcome was recorded minus the Taipei date of submission (decided supplements only);
- percentiles interpolate linearly between the two nearest values (PostgreSQL's percentile_cont).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import TruncDate, TruncMonth

from cases.choices import RequestingBody, SupplementOutcome, SupplementState
from cases.deadlines.engine import TAIPEI
from cases.models import SupplementRequest
from cases.tenancy import visible_cases

PERCENTILES = (0.5, 0.9)


def reportable(user) -> QuerySet[SupplementRequest]:
    """The supplements a report may count: on a case the user may see, the very scope of the
    supplement list (api.queries.supplement_list), so its figures agree with the list."""
    return SupplementRequest.objects.filter(case__in=visible_cases(user))


def in_period(
    queryset: QuerySet[SupplementRequest],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[SupplementRequest]:
    if date_from is not None:
        queryset = queryset.filter(notice_date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(notice_date__lte=date_to)
    return queryset


# --- SQL building blocks ----------------------------------------------------------------------
class DaysBetween(Func):
    """Whole days from the second date to the first, in SQL on both databases (Django's own date
    subtraction yields an interval on PostgreSQL and microseconds on SQLite)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont (an ordered-set aggregate Django does not ship); NULLs are
    skipped, like every aggregate's."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def _annotated(queryset: QuerySet[SupplementRequest]) -> QuerySet:
    """Each supplement's Taipei filing and decision dates and its days to file and to outcome."""
    submitted = Q(state=SupplementState.SUBMITTED)
    decided = (
        submitted & ~Q(outcome=SupplementOutcome.PENDING) & Q(outcome_recorded_at__isnull=False)
    )
    return (
        queryset.order_by()
        .annotate(
            filed_on=TruncDate("submitted_at", tzinfo=TAIPEI),
            decided_on=TruncDate("outcome_recorded_at", tzinfo=TAIPEI),
        )
        .annotate(
            days_to_file=CaseWhen(
                When(submitted, then=DaysBetween(F("filed_on"), F("notice_date"))),
                output_field=IntegerField(),
            ),
            days_to_outcome=CaseWhen(
                When(decided, then=DaysBetween(F("decided_on"), F("filed_on"))),
                output_field=IntegerField(),
            ),
        )
    )


def _counts(today: dt.date) -> dict[str, Any]:
    """The counts every breakdown shows, as aggregates over a group."""
    open_ = Q(state=SupplementState.OPEN)
    submitted = Q(state=SupplementState.SUBMITTED)
    return {
        "count": Count("pk"),
        "open": Count("pk", filter=open_),
        "overdue": Count("pk", filter=open_ & Q(deadline__lt=today)),
        "submitted": Count("pk", filter=submitted),
        "submitted_on_time": Count("pk", filter=submitted & Q(filed_on__lte=F("deadline"))),
        "withdrawn": Count("pk", filter=Q(state=SupplementState.WITHDRAWN)),
    }


def _rate(on_time: int, submitted: int) -> float | None:
    return round(on_time / submitted, 4) if submitted else None


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["submitted_late"] = row["submitted"] - row["submitted_on_time"]
    row["on_time_rate"] = _rate(row["submitted_on_time"], row["submitted"])
    return row


def _on_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _interpolate(values: dict[int, float], count: int, fraction: float) -> float | None:
    """percentile_cont from the values at the two ranks around `fraction` (0-based ranks)."""
    if count == 0:
        return None
    position = fraction * (count - 1)
    low = math.floor(position)
    high = min(low + 1, count - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _percentiles_by_window(queryset: QuerySet, column: str) -> dict[float, float | None]:
    """The same percentiles without percentile_cont (SQLite): the column's values ranked by an
    ordered window in SQL, keeping only the ranks each percentile needs (at most two each)."""
    inner = queryset.filter(**{f"{column}__isnull": False}).values(column)
    sql, params = inner.query.sql_with_params()
    connection = connections[queryset.db]
    quoted = connection.ops.quote_name(column)
    wanted = " OR ".join(
        f"(rn = CAST({p!r} * (n - 1) AS INTEGER) OR rn = CAST({p!r} * (n - 1) AS INTEGER) + 1)"
        for p in PERCENTILES
    )
    # Only Django's compiled SQL (its values stay parameters) and constants are interpolated.
    window = f"ROW_NUMBER() OVER (ORDER BY {quoted}) - 1 AS rn, COUNT(*) OVER () AS n"
    ranked = f"SELECT {quoted} AS v, {window} FROM ({sql}) ranked_input"  # noqa: S608
    query = f"SELECT v, rn, n FROM ({ranked}) ranked WHERE {wanted}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    count = rows[0][2] if rows else 0
    values = {rank: float(value) for value, rank, _n in rows}
    return {p: _interpolate(values, count, p) for p in PERCENTILES}


def _spread(values: dict[float, float | None]) -> dict[str, float | None]:
    def tidy(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {"median": tidy(values[0.5]), "p90": tidy(values[0.9])}


def _rounds_per_case(queryset: QuerySet) -> list[dict[str, int]]:
    """How many cases needed 1, 2, 3... rounds (a case's highest round among the report's
    supplements), grouped twice in SQL: per case, then per number of rounds."""
    per_case = queryset.values("case_id").annotate(rounds=Max("round")).values("rounds")
    sql, params = per_case.query.sql_with_params()
    query = f"SELECT rounds, COUNT(*) FROM ({sql}) per_case GROUP BY rounds ORDER BY rounds"  # noqa: S608
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(query, params)
        return [{"rounds": rounds, "cases": cases} for rounds, cases in cursor.fetchall()]


def _months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Months in order, with the months in between that had no notice shown as zeros."""
    if not rows:
        return []
    by_month = {row["month"]: row for row in rows}
    first, last = min(by_month), max(by_month)
    out: list[dict[str, Any]] = []
    month = first
    while month <= last:
        row = by_month.get(month) or _finish(
            {
                "count": 0,
                "open": 0,
                "overdue": 0,
                "submitted": 0,
                "submitted_on_time": 0,
                "withdrawn": 0,
            }
        )
        out.append({**row, "month": month.strftime("%Y-%m")})
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _breakdowns(rows: QuerySet, counts: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The counts by requesting body, field, assignee and month: one GROUP BY each."""
    body_rows = (
        rows.values("requesting_body").annotate(**counts).order_by("-count", "requesting_body")
    )
    by_body = [
        _finish({**row, "label": str(RequestingBody(row["requesting_body"]).label)})
        for row in body_rows
    ]
    field_rows = (
        rows.values("case__field__code", "case__field__name_en", "case__field__name_zh")
        .annotate(**counts)
        .order_by("-count", "case__field__code")
    )
    by_field = [
        _finish(
            {
                "field": row.pop("case__field__code"),
                "name_en": row.pop("case__field__name_en"),
                "name_zh": row.pop("case__field__name_zh"),
                **row,
            }
        )
        for row in field_rows
    ]
    people = (
        rows.values(
            "assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(**counts)
        .order_by("-open", "-count", "assignee__username")
    )
    by_assignee = []
    for row in people:
        first, last = row.pop("assignee__first_name"), row.pop("assignee__last_name")
        username = row.pop("assignee__username")
        name = f"{first or ''} {last or ''}".strip() or username
        by_assignee.append(_finish({"assignee": row.pop("assignee_id"), "name": name, **row}))
    month_rows = [
        _finish(row)
        for row in rows.annotate(month=TruncMonth("notice_date"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    ]
    return {
        "by_requesting_body": by_body,
        "by_field": by_field,
        "by_assignee": by_assignee,
        "by_month": _months(month_rows),
    }


def supplement_report(
    queryset: QuerySet[SupplementRequest],
    *,
    today: dt.date,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Every figure of the report for `queryset` (scoped and filtered by the caller), the period
    applied to the notice date."""
    rows = _annotated(in_period(queryset, date_from=date_from, date_to=date_to))
    counts = _counts(today)
    postgres = _on_postgres(rows)
    totals: dict[str, Any] = {
        **counts,
        "cases": Count("case_id", distinct=True),
        "overridden": Count("pk", filter=Q(deadline_override__isnull=False)),
        **{
            f"outcome_{value}": Count(
                "pk", filter=Q(state=SupplementState.SUBMITTED, outcome=value)
            )
            for value in SupplementOutcome.values
        },
    }
    if postgres:
        for column in ("days_to_file", "days_to_outcome"):
            for p in PERCENTILES:
                totals[f"{column}_{p}"] = PercentileCont(column, p)
    figures = _finish(rows.aggregate(**totals))
    spreads = {}
    for column in ("days_to_file", "days_to_outcome"):
        if postgres:
            values = {p: figures.pop(f"{column}_{p}") for p in PERCENTILES}
        else:
            values = _percentiles_by_window(rows, column)
        spreads[column] = _spread(values)
    outcomes = {value: figures.pop(f"outcome_{value}") for value in SupplementOutcome.values}

    breakdowns = _breakdowns(rows, counts)
    rounds = _rounds_per_case(rows)
    cases = figures["cases"]
    return {
        **figures,
        "supplements_per_case": round(figures["count"] / cases, 2) if cases else None,
        "days_to_file": spreads["days_to_file"],
        "days_to_outcome": spreads["days_to_outcome"],
        "outcomes": outcomes,
        "rounds_per_case": rounds,
        **breakdowns,
        "period": {"from": date_from, "to": date_to},
        "today": today,
    }
