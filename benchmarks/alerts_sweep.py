"""Benchmark: one deadline-alert sweep over 100,000 open supplements on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dev \\
        .venv/bin/python benchmarks/alerts_sweep.py [--supplements 100000] [--seed 7]

Builds a throwaway database (test_<name>, dropped at the end), fills it with bulk_create
(agencies with admins and staff, employers with HR, applicants, some with logins, one open
supplement per case with deadlines from 30 days overdue to 150 days ahead, a third waiting on the
applicant or the employer), then measures, in the same run:

- the floor: the bare SQL that selects the due rows (open supplements within the alert horizon);
- the first sweep (record + send, locmem email backend): time, alerts, emails, and the ratio to
  the floor;
- the same sweep again on a reset alert log, timed by halves (recording, rendering and sending);
- and once more under tracemalloc, for its peak Python memory;
- a second sweep: it must send 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Applicant, Membership, Organization, OrganizationKind, Role  # noqa: E402
from cases.choices import CaseKind, CaseStatus, Channel, DeadlineRule, ItemKind, RequestingBody  # noqa: E402
from cases.models import Case, RequestedItem, SupplementRequest  # noqa: E402
from notifications.delivery import deliver_due  # noqa: E402
from notifications.directory import Directory  # noqa: E402
from notifications.models import Alert, PlannedStage  # noqa: E402
from notifications.subjects import default_policy  # noqa: E402
from notifications.sweep import record_due_alerts, run_sweep  # noqa: E402

TAIPEI = dt.timezone(dt.timedelta(hours=8))
AGENCIES, STAFF_PER_AGENCY, EMPLOYERS = 20, 10, 200


def build(total: int, seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    User = get_user_model()
    agencies = Organization.objects.bulk_create(
        Organization(kind=OrganizationKind.AGENCY, name=f"Agency {i}", licence_number=f"L{i:05d}")
        for i in range(AGENCIES)
    )
    employers = Organization.objects.bulk_create(
        Organization(kind=OrganizationKind.EMPLOYER, name=f"Employer {i}") for i in range(EMPLOYERS)
    )
    staff_users = User.objects.bulk_create(
        User(username=f"staff{a}-{s}", email=f"staff{a}-{s}@agency.example", password="!")
        for a in range(AGENCIES)
        for s in range(STAFF_PER_AGENCY + 1)
    )
    hr_users = User.objects.bulk_create(
        User(username=f"hr{e}", email=f"hr{e}@employer.example", password="!")
        for e in range(EMPLOYERS)
    )
    memberships, staff_of = [], {}
    for a, agency in enumerate(agencies):
        team = staff_users[a * (STAFF_PER_AGENCY + 1) : (a + 1) * (STAFF_PER_AGENCY + 1)]
        memberships.append(Membership(user=team[0], organization=agency, role=Role.AGENCY_ADMIN))
        memberships += [
            Membership(user=u, organization=agency, role=Role.AGENCY_STAFF) for u in team[1:]
        ]
        staff_of[agency.pk] = team[1:]
    memberships += [
        Membership(user=hr_users[e], organization=employer, role=Role.EMPLOYER_HR)
        for e, employer in enumerate(employers)
    ]
    Membership.objects.bulk_create(memberships)
    applicant_users = User.objects.bulk_create(
        (
            User(username=f"app{i}", email=f"app{i}@example.com", password="!")
            for i in range(0, total, 10)
        ),
        batch_size=5000,
    )
    login_of = {i: applicant_users[i // 10] for i in range(0, total, 10)}
    Applicant.objects.bulk_create(
        (
            Applicant(
                family_name_en=f"Family{i}",
                given_name_en="Given",
                passport_number=f"P{i:08d}",
                nationality="US",
                email=f"app{i}@example.com",
                user=login_of.get(i),
            )
            for i in range(total)
        ),
        batch_size=5000,
    )
    applicant_ids = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))
    Case.objects.bulk_create(
        (
            Case(
                applicant_id=applicant_ids[i],
                agency=agencies[i % AGENCIES],
                employer=employers[i % EMPLOYERS] if i % 10 else None,
                kind=CaseKind.NEW,
                channel=Channel.AGENCY,
                status=CaseStatus.SUPPLEMENT_REQUESTED,
                holding_body="applicant_side",
                application_number=f"{115000000000 + i}",
            )
            for i in range(total)
        ),
        batch_size=5000,
    )
    cases = list(Case.objects.order_by("pk").values_list("pk", "agency_id"))
    now = dt.datetime.now(dt.UTC)
    supplements = []
    for case_id, agency_id in cases:
        deadline = today + dt.timedelta(days=rng.randint(-30, 150))
        supplements.append(
            SupplementRequest(
                case_id=case_id,
                round=1,
                requesting_body=RequestingBody.NIA_INITIAL,
                notice_date=deadline - dt.timedelta(days=30),
                received_at=now,
                rule=DeadlineRule.CUSTOM,
                deadline_override=deadline,
                override_reason="Date printed in the notice",
                deadline=deadline,
                assignee=rng.choice(staff_of[agency_id]) if rng.random() < 0.8 else None,
                missing=[{"code": "reply_empty", "params": {}}],
            )
        )
    SupplementRequest.objects.bulk_create(supplements, batch_size=5000)
    items = []
    for supplement_id in SupplementRequest.objects.values_list("pk", flat=True):
        draw = rng.random()
        if draw < 0.33:
            items.append(
                RequestedItem(
                    supplement_id=supplement_id,
                    kind=ItemKind.DOCUMENT,
                    description="Document",
                    waits_on="applicant" if draw < 0.18 else "employer",
                )
            )
    RequestedItem.objects.bulk_create(items, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def floor_seconds(today: dt.date) -> tuple[float, int]:
    horizon = today + dt.timedelta(days=default_policy().horizon)
    best, rows = float("inf"), 0
    table = SupplementRequest._meta.db_table
    for _attempt in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, case_id, deadline, assignee_id FROM {table} "
                "WHERE state = 'open' AND deadline <= %s",
                [horizon],
            )
            rows = len(cursor.fetchall())
        best = min(best, time.perf_counter() - started)
    return best, rows


def reset_alerts() -> None:
    Alert.objects.all().delete()
    PlannedStage.objects.all().delete()
    mail.outbox = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supplements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("benchmarks/alerts_sweep.py needs PostgreSQL: set DATABASE_URL", file=sys.stderr)
        return 2
    # The locmem email backend: nothing leaves the machine. (Not setup_test_environment: its
    # instrumented template rendering would be measured too.)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        now = dt.datetime.now(TAIPEI).replace(hour=8, minute=30, second=0, microsecond=0)
        today = now.date()
        started = time.perf_counter()
        build(args.supplements, args.seed, today)
        print(
            f"date {today.isoformat()}; PostgreSQL {connection.pg_version}; "
            f"{args.supplements:,} open supplements built in {time.perf_counter() - started:.1f} s"
        )
        floor, due_rows = floor_seconds(today)
        print(f"floor (bare SQL selecting the {due_rows:,} due rows): {floor * 1000:.0f} ms")

        started = time.perf_counter()
        first = run_sweep(now=now)
        sweep_time = time.perf_counter() - started
        print(
            f"first sweep: {sweep_time:.2f} s, recorded {first.recorded:,} alerts, sent {first.sent:,} "
            f"in {first.emails:,} emails ({len(mail.outbox):,} in the outbox)"
        )
        reset_alerts()
        started = time.perf_counter()
        directory = Directory()
        record_due_alerts(now=now, directory=directory)
        recording = time.perf_counter() - started
        started = time.perf_counter()
        deliver_due(now=now, directory=directory)
        sending = time.perf_counter() - started
        print(f"  of which recording {recording:.2f} s, rendering and sending {sending:.2f} s")
        reset_alerts()
        tracemalloc.start()
        again = run_sweep(now=now)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        outbox = sum(
            len(m.body) + sum(len(body) for body, _type in m.alternatives) for m in mail.outbox
        )
        print(
            f"peak Python memory of a first sweep (tracemalloc): {peak / 2**20:.1f} MiB "
            f"(sent {again.sent:,}; of that, the locmem outbox keeps {outbox / 2**20:.1f} MiB "
            "of message text)"
        )
        started = time.perf_counter()
        second = run_sweep(now=now)
        second_time = time.perf_counter() - started
        print(f"second sweep: {second_time:.2f} s, sent {second.sent}")
        print(f"ratio sweep / floor: {sweep_time / floor:.1f}x")
        print(f"per alert: {sweep_time / max(first.sent, 1) * 1000:.2f} ms")
        return 0 if second.sent == 0 and first.sent == again.sent else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
