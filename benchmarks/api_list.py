"""Benchmark: the supplement list endpoint against a hand-written SQL floor, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dev .venv/bin/python benchmarks/api_list.py

Creates its own database next to the one DATABASE_URL names (tracker_bench_<pid>), fills it with
one agency working 20,000 cases and 40,000 supplements (comments, requested items and documents in
proportion, bulk_create), plus another agency's cases the tenancy rule must filter out. Then times:

* the API: GET /api/v1/supplements/ (a page of 50, default triage order) as agency staff with a
  token, through the whole Django stack (middleware, authentication, tenancy, serializers, JSON);
* the floor: the same page fetched by one hand-written SQL query (narrow rows sorted first in a
  materialised CTE, the page's details joined after) and encoded to JSON.

Prints both medians, their ratio and the API's query count, then drops its database.
Options: --cases N (default 20000), --runs N (default 30), --keep (keep the database).
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


def build(*, cases: int, rng: random.Random) -> dict:
    """Bulk-create the data set; returns the people the timings act as."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Applicant, Membership, Organization, OrganizationKind, Role
    from cases.choices import (
        CaseKind,
        CaseStatus,
        Channel,
        DocumentReview,
        ItemKind,
        ItemState,
        Party,
        PlatformTab,
        RequestingBody,
        SupplementState,
        Visibility,
    )
    from cases.models import Case, Document, RequestedItem, ReviewerComment, SupplementRequest

    user_model = get_user_model()
    today = timezone.localdate()
    now = dt.datetime.now(tz=dt.UTC)
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

    other_cases = cases // 10
    applicants = Applicant.objects.bulk_create(
        (
            Applicant(
                family_name_en=f"Family{n}",
                given_name_en=f"Given{n}",
                name_zh=f"申請人{n}",
                passport_number=f"P{n:09d}",
                nationality=rng.choice(["US", "IN", "JP", "DE", "FR", "MY"]),
                email=f"person{n}@example.com",
            )
            for n in range(cases + other_cases)
        ),
        batch_size=5000,
    )
    statuses = [
        CaseStatus.NIA_INITIAL_REVIEW,
        CaseStatus.SUPPLEMENT_REQUESTED,
        CaseStatus.QUALIFICATION_REVIEW,
    ]
    case_rows = Case.objects.bulk_create(
        (
            Case(
                applicant=applicants[n],
                agency=agency if n < cases else other,
                employer=rng.choice(employers),
                kind=CaseKind.NEW,
                channel=Channel.AGENCY,
                application_number=f"{115_000_000_000 + n}",
                status=rng.choice(statuses),
                holding_body="nia",
            )
            for n in range(cases + other_cases)
        ),
        batch_size=5000,
    )
    missing_choices = [
        [],
        [{"code": "reply_empty", "params": {}}],
        [{"code": "comment_unresolved", "params": {"tab": "Basic data (基本資料)"}}],
        [{"code": "document_missing", "params": {"item": "Passport data page"}}],
    ]
    supplements = []
    for case in case_rows:
        for round_ in (1, 2):
            notice = today - dt.timedelta(days=rng.randint(0, 120))
            deadline = notice + dt.timedelta(days=30 if rng.random() < 0.8 else 183)
            state = rng.choices(
                [SupplementState.OPEN, SupplementState.SUBMITTED, SupplementState.WITHDRAWN],
                [70, 25, 5],
            )[0]
            missing = rng.choice(missing_choices)
            supplements.append(
                SupplementRequest(
                    case=case,
                    round=round_,
                    requesting_body=rng.choice(RequestingBody.values),
                    notice_date=notice,
                    received_at=now,
                    rule="30d",
                    proposed_deadline=deadline,
                    deadline=deadline,
                    state=state,
                    submitted_at=now if state == SupplementState.SUBMITTED else None,
                    assignee=rng.choice([staff, *colleagues, None]),
                    is_ready=not missing,
                    missing=missing,
                    reply="敬啟者：茲補附文件，請惠予審查。" if not missing else "",
                )
            )
    supplements = SupplementRequest.objects.bulk_create(supplements, batch_size=5000)
    comments, items, documents = [], [], []
    for supplement in supplements:
        for position in range(2):
            comments.append(
                ReviewerComment(
                    supplement=supplement,
                    tab=rng.choice(PlatformTab.values),
                    position=position,
                    text="請補充相關證明文件。",
                )
            )
        for position in range(rng.choice([1, 2])):
            items.append(
                RequestedItem(
                    supplement=supplement,
                    kind=rng.choice(ItemKind.values),
                    description="Passport data page (護照資料頁)",
                    waits_on=rng.choice(Party.values),
                    state=rng.choice(ItemState.values),
                    position=position,
                )
            )
    ReviewerComment.objects.bulk_create(comments, batch_size=10000)
    items = RequestedItem.objects.bulk_create(items, batch_size=10000)
    for item in items:
        documents.append(
            Document(
                supplement_id=item.supplement_id,
                item=item,
                file=f"documents/bench/{item.pk}",
                original_name="scan.pdf",
                size=rng.randint(50_000, 900_000),
                content_type="application/pdf",
                pages=1,
                sha256="0" * 64,
                visibility=Visibility.ALL,
                review_state=rng.choice([DocumentReview.UPLOADED, DocumentReview.CHECKED]),
                uploaded_by=staff,
            )
        )
        if len(documents) >= len(supplements):
            break
    Document.objects.bulk_create(documents, batch_size=10000)
    return {
        "staff": staff,
        "agency": agency,
        "counts": {
            "agency cases": cases,
            "other agency cases": other_cases,
            "supplements (all)": len(supplements),
            "comments": len(comments),
            "items": len(items),
            "documents": len(documents),
        },
    }


FLOOR_SQL = """
WITH visible AS MATERIALIZED (
    -- The tenancy rule, narrow: only what the triage order needs.
    SELECT s.id, s.state, s.deadline, s.is_ready
      FROM cases_supplementrequest s
      JOIN cases_case c ON c.id = s.case_id
      JOIN accounts_applicant a ON a.id = c.applicant_id
     WHERE c.agency_id = %(agency)s OR a.user_id = %(user)s
), page AS (
    SELECT v.id, count(*) OVER () AS total,
           (v.state <> 'open') AS closed,
           CASE WHEN v.deadline < %(today)s THEN 0 WHEN NOT v.is_ready THEN 1 ELSE 2 END AS bucket,
           v.deadline
      FROM visible v
     ORDER BY closed, bucket, v.deadline, v.id
     LIMIT 50
)
SELECT s.id, s.round, s.requesting_body, s.authority_code, s.notice_date, s.received_at, s.rule,
       s.proposed_deadline, s.deadline_override, s.override_reason, s.deadline,
       s.deadline - %(today)s AS days_left, s.state, s.outcome, s.submitted_at,
       s.is_ready, s.missing, s.version, s.created_at, s.updated_at,
       c.id AS case_id, c.application_number, c.kind, c.channel, c.status,
       a.id AS applicant_id, a.family_name_en, a.given_name_en, a.name_zh, a.passport_number,
       a.nationality, ag.id AS agency_id, ag.name AS agency_name, e.id AS employer_id,
       e.name AS employer_name, u.id AS assignee_id, u.username AS assignee_username,
       (SELECT json_agg(json_build_object(
                   'id', i.id, 'kind', i.kind, 'state', i.state, 'waits_on', i.waits_on,
                   'has_document', EXISTS (SELECT 1 FROM cases_document d
                                            WHERE d.item_id = i.id
                                              AND d.review_state <> 'rejected')))
          FROM cases_requesteditem i WHERE i.supplement_id = s.id) AS items,
       page.total
  FROM page
  JOIN cases_supplementrequest s ON s.id = page.id
  JOIN cases_case c ON c.id = s.case_id
  JOIN accounts_applicant a ON a.id = c.applicant_id
  LEFT JOIN accounts_organization ag ON ag.id = c.agency_id
  LEFT JOIN accounts_organization e ON e.id = c.employer_id
  LEFT JOIN auth_user u ON u.id = s.assignee_id
 ORDER BY page.closed, page.bucket, page.deadline, page.id
"""


def floor(*, agency_id: int, user_id: int, today: dt.date) -> bytes:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"agency": agency_id, "user": user_id, "today": today})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    total = rows[0]["total"] if rows else 0
    return json.dumps({"count": total, "results": rows}, cls=DjangoJSONEncoder).encode()


def timed(function, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def measure(people: dict, runs: int) -> None:
    from django.db import connection
    from rest_framework.test import APIClient

    from cases.clock import taipei_today
    from integrations.services import token_create

    _token, key = token_create(user=people["staff"], name="bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def api():
        response = client.get("/api/v1/supplements/")
        assert response.status_code == 200, response.content[:300]
        return response

    today = taipei_today()
    for _ in range(3):  # warm caches and connections
        api()
        floor(agency_id=people["agency"].pk, user_id=people["staff"].pk, today=today)
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append({"sql": sql, "time": f"{time.perf_counter() - started:.4f}"})

    with connection.execute_wrapper(record):
        response = api()
    body = response.json()
    floor_body = json.loads(
        floor(agency_id=people["agency"].pk, user_id=people["staff"].pk, today=today)
    )
    assert [row["id"] for row in body["results"]] == [row["id"] for row in floor_body["results"]], (
        "the API and the floor disagree on the page"
    )
    assert body["count"] == floor_body["count"]

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [api() for _ in range(5)])
        pstats.Stats(profiler).sort_stats(
            os.environ.get("BENCH_PROFILE", "cumulative")
        ).print_stats(40)
    api_ms, _ = timed(api, runs)
    floor_ms, _ = timed(
        lambda: floor(agency_id=people["agency"].pk, user_id=people["staff"].pk, today=today), runs
    )
    print(
        f"supplements visible to the staff member: {body['count']}, page of {len(body['results'])}"
    )
    print(f"API   GET /api/v1/supplements/ (page of 50, triage order): median {api_ms:.1f} ms")
    print(f"floor one hand-written SQL query + json.dumps:            median {floor_ms:.1f} ms")
    print(f"ratio API / floor: {api_ms / floor_ms:.2f}")
    print(f"API queries per request: {len(queries)}")
    for query in queries:
        print(f"  {query['time']}s  {query['sql'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database afterwards (to explain queries)."
    )
    options = parser.parse_args()

    admin_url, bench_url, name = database_urls("benchmarks/api_list.py", "tracker_bench")
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # Fixed, generous limits: the benchmark makes many requests with one token.
    os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_TOKEN"] = "1000000/minute"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        people = build(cases=options.cases, rng=random.Random(options.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"database {name}: built in {time.perf_counter() - started:.0f} s")
        for label, count in people["counts"].items():
            print(f"  {label}: {count}")
        measure(people, options.runs)
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
