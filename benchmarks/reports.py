"""Benchmark: the supplement report against a hand-written SQL floor, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dev .venv/bin/python benchmarks/reports.py

Creates its own database next to the one DATABASE_URL names (tracker_bench_reports_<pid>) and
fills it (bulk_create) with one agency working 20,000 cases, two supplement rounds each, in every
state, with outcomes, fields, assignees and submission times, plus another agency's cases the
tenancy rule must filter out. Then times, as the agency's staff member:

* the API: GET /api/v1/reports/supplements/ with a token, through the whole Django stack, for the
  whole book and for one month (`from`/`to`);
* the floor: the same aggregates (totals, percentiles, outcomes, rounds per case, by body, field,
  assignee and month) in one hand-written SQL query, returned as JSON by PostgreSQL.

It checks the two agree, prints both medians, their ratio and the API's query count; then grows
the book to 100,000 cases and measures again, and drops its database.
Options: --sizes 20000,100000  --runs N (default 10)  --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch_db import admin_sql, database_urls  # noqa: E402 (benchmarks/ is the script's folder)


def setup_people() -> dict:
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization, OrganizationKind, Role

    user_model = get_user_model()
    agency = Organization.objects.create(
        kind=OrganizationKind.AGENCY, name="Bench Agency", licence_number="移字第999999號"
    )
    other = Organization.objects.create(
        kind=OrganizationKind.AGENCY, name="Other Agency", licence_number="移字第888888號"
    )
    employers = Organization.objects.bulk_create(
        Organization(kind=OrganizationKind.EMPLOYER, name=f"Employer {n:03d}") for n in range(60)
    )
    staff = user_model.objects.create_user("bench-staff", password="bench-pass-1")
    colleagues = user_model.objects.bulk_create(
        user_model(username=f"bench-colleague-{n}", first_name="Colleague", last_name=str(n))
        for n in range(12)
    )
    Membership.objects.create(user=staff, organization=agency, role=Role.AGENCY_STAFF)
    Membership.objects.bulk_create(
        Membership(user=user, organization=agency, role=Role.AGENCY_STAFF) for user in colleagues
    )
    return {
        "staff": staff,
        "agency": agency,
        "other": other,
        "employers": employers,
        "assignees": [staff, *colleagues, None],
        "built": 0,
    }


def grow(people: dict, *, to_cases: int, rng: random.Random) -> None:
    """Bulk-create cases (and a tenth as many for the other agency) up to `to_cases`."""
    from accounts.models import Applicant
    from cases.choices import (
        CaseKind,
        CaseStatus,
        Channel,
        RequestingBody,
        SupplementOutcome,
        SupplementState,
    )
    from cases.deadlines.engine import TAIPEI
    from cases.models import Case, FieldOfExpertise, SupplementRequest

    start, count = people["built"], to_cases - people["built"]
    other_count = count // 10
    fields = [*FieldOfExpertise.objects.all(), None]
    today = dt.date(2026, 12, 5)
    applicants = Applicant.objects.bulk_create(
        (
            Applicant(
                family_name_en=f"Family{n}",
                given_name_en=f"Given{n}",
                passport_number=f"P{n:09d}",
                nationality="US",
                email=f"person{n}@example.com",
            )
            for n in range(start * 2, start * 2 + count + other_count)
        ),
        batch_size=5000,
    )
    case_rows = Case.objects.bulk_create(
        (
            Case(
                applicant=applicants[n],
                agency=people["agency"] if n < count else people["other"],
                employer=rng.choice(people["employers"]),
                field=rng.choice(fields),
                kind=CaseKind.NEW,
                channel=Channel.AGENCY,
                status=CaseStatus.SUPPLEMENT_REQUESTED,
                holding_body="nia",
            )
            for n in range(count + other_count)
        ),
        batch_size=5000,
    )
    rows = []
    for case in case_rows:
        notice = today - dt.timedelta(days=rng.randint(0, 540))
        for round_ in (1, 2):
            deadline = notice + dt.timedelta(days=30)
            override = deadline + dt.timedelta(days=7) if rng.random() < 0.05 else None
            state = rng.choices(
                [SupplementState.OPEN, SupplementState.SUBMITTED, SupplementState.WITHDRAWN],
                [25, 70, 5],
            )[0]
            filed = outcome = decided = None
            if state == SupplementState.SUBMITTED:
                days = rng.randint(3, 40)
                filed = dt.datetime.combine(
                    notice + dt.timedelta(days=days), dt.time(rng.randint(0, 23)), TAIPEI
                )
                outcome = rng.choice(SupplementOutcome.values)
                if outcome != SupplementOutcome.PENDING:
                    decided = filed + dt.timedelta(days=rng.randint(2, 60))
            rows.append(
                SupplementRequest(
                    case=case,
                    round=round_,
                    requesting_body=rng.choice(RequestingBody.values),
                    notice_date=notice,
                    received_at=dt.datetime.combine(notice, dt.time(9), TAIPEI),
                    rule="30d",
                    proposed_deadline=deadline,
                    deadline_override=override,
                    override_reason="printed in the notice" if override else "",
                    deadline=override or deadline,
                    state=state,
                    submitted_at=filed,
                    outcome=outcome or SupplementOutcome.PENDING,
                    outcome_recorded_at=decided,
                    assignee=rng.choice(people["assignees"]),
                )
            )
            notice = notice + dt.timedelta(days=rng.randint(20, 60))
            if notice > today:
                break
    SupplementRequest.objects.bulk_create(rows, batch_size=10000)
    people["built"] = to_cases


FLOOR_SQL = """
WITH s AS MATERIALIZED (
    -- The tenancy rule for an agency's staff member: the agency's cases, or their own.
    SELECT s.case_id, s.round, s.state, s.deadline, s.notice_date, s.requesting_body,
           s.assignee_id, s.outcome, s.deadline_override, c.field_id,
           (s.submitted_at AT TIME ZONE 'Asia/Taipei')::date AS filed_on,
           (s.outcome_recorded_at AT TIME ZONE 'Asia/Taipei')::date AS decided_on
      FROM cases_supplementrequest s
      JOIN cases_case c ON c.id = s.case_id
     WHERE (c.agency_id = %(agency)s
            OR c.applicant_id IN (SELECT id FROM accounts_applicant WHERE user_id = %(user)s))
       AND s.notice_date BETWEEN %(from)s AND %(to)s
), g AS (
    SELECT GROUPING(requesting_body, field_id, assignee_id, month) AS grouping,
           requesting_body, field_id, assignee_id, month,
           count(*) AS count,
           count(*) FILTER (WHERE state = 'open') AS open,
           count(*) FILTER (WHERE state = 'open' AND deadline < %(today)s) AS overdue,
           count(*) FILTER (WHERE state = 'submitted') AS submitted,
           count(*) FILTER (WHERE state = 'submitted' AND filed_on <= deadline) AS on_time,
           count(*) FILTER (WHERE state = 'withdrawn') AS withdrawn
      FROM (SELECT *, date_trunc('month', notice_date)::date AS month FROM s) m
     GROUP BY GROUPING SETS ((), (requesting_body), (field_id), (assignee_id), (month))
)
SELECT json_build_object(
    'groups', (SELECT json_agg(g) FROM g),
    'totals', (SELECT json_build_object(
        'cases', count(DISTINCT case_id),
        'overridden', count(*) FILTER (WHERE deadline_override IS NOT NULL),
        'file_median', percentile_cont(0.5) WITHIN GROUP (ORDER BY filed_on - notice_date)
                       FILTER (WHERE state = 'submitted'),
        'file_p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY filed_on - notice_date)
                    FILTER (WHERE state = 'submitted'),
        'outcome_median', percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_on - filed_on)
                          FILTER (WHERE state = 'submitted' AND outcome <> 'pending'),
        'outcome_p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY decided_on - filed_on)
                       FILTER (WHERE state = 'submitted' AND outcome <> 'pending'),
        'accepted', count(*) FILTER (WHERE state = 'submitted' AND outcome = 'accepted'),
        'further', count(*) FILTER (WHERE state = 'submitted' AND outcome = 'further_request'),
        'refused', count(*) FILTER (WHERE state = 'submitted' AND outcome = 'refused')
    ) FROM s),
    'rounds', (SELECT json_agg(r ORDER BY rounds) FROM (
        SELECT rounds, count(*) AS cases
          FROM (SELECT case_id, max(round) AS rounds FROM s GROUP BY case_id) per_case
         GROUP BY rounds) r)
)
"""


def floor(*, people: dict, today: dt.date, period: tuple[dt.date, dt.date]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL,
            {
                "agency": people["agency"].pk,
                "user": people["staff"].pk,
                "today": today,
                "from": period[0],
                "to": period[1],
            },
        )
        value = cursor.fetchone()[0]
    return value if isinstance(value, dict) else json.loads(value)


def timed(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure(people: dict, runs: int, client) -> None:
    from django.db import connection

    from cases.clock import taipei_today

    today = taipei_today()
    month = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    everything = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
    for label, params, period in (
        ("whole book", {}, everything),
        ("one month (from/to)", {"from": "2026-10-01", "to": "2026-10-31"}, month),
    ):

        def api(params=params):
            response = client.get("/api/v1/reports/supplements/", params)
            assert response.status_code == 200, response.content[:300]
            return response.json()

        for _ in range(2):  # warm caches and connections
            api()
            floor(people=people, today=today, period=period)
        queries = []

        def record(execute, sql, sql_params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, sql_params, many, context)

        with connection.execute_wrapper(record):
            body = api()
        low = floor(people=people, today=today, period=period)
        total = next(g for g in low["groups"] if g["grouping"] == 15)
        assert (body["count"], body["open"], body["overdue"], body["submitted"]) == (
            total["count"],
            total["open"],
            total["overdue"],
            total["submitted"],
        ), (body, total)
        assert body["submitted_on_time"] == total["on_time"]
        assert body["days_to_file"]["median"] == round(low["totals"]["file_median"], 1)
        assert body["rounds_per_case"] == low["rounds"]
        api_ms = timed(api, runs)
        floor_ms = timed(
            lambda period=period: floor(people=people, today=today, period=period), runs
        )
        print(
            f"  {label}: {body['count']} supplements; API median {api_ms:.1f} ms, "
            f"floor median {floor_ms:.1f} ms, ratio {api_ms / floor_ms:.2f}, "
            f"API queries {len(queries)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))

    admin_url, bench_url, name = database_urls("benchmarks/reports.py", "tracker_bench_reports")
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_TOKEN"] = "1000000/minute"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from rest_framework.test import APIClient

        from integrations.services import token_create

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0)
        rng = random.Random(options.seed)
        people = setup_people()
        _token, key = token_create(user=people["staff"], name="bench")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        for size in sizes:
            started = time.perf_counter()
            grow(people, to_cases=size, rng=rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"{size} agency cases (+{size // 10} another agency's): "
                f"built in {time.perf_counter() - started:.0f} s"
            )
            measure(people, options.runs, client)
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep:
            print(f"database {name} kept: drop it with  dropdb {name}")
        else:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
            print(f"database {name} dropped")


if __name__ == "__main__":
    main()
