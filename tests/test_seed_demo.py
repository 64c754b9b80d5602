"""`python manage.py seed_demo` (DESIGN.md contract): idempotent demo data, the six demo logins and
their password, cases in every status, the four supplements the journeys start from, and the refusal
to mix demo data into a database that holds other data."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import zoneinfo
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from stdnum.tw import ubn

from accounts.models import AgencyClient, Membership, Organization
from cases import demo_portfolio, services
from cases.choices import CaseStatus
from cases.demo import DEFAULT_PASSWORD, DEMO_USERNAMES
from cases.models import Case, CaseRequest, SupplementRequest
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[1]
TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
# The project's hashers, before the test suite's fast one replaces them.
REAL_HASHERS = list(django_settings.PASSWORD_HASHERS)
LOGINS = [
    "admin",
    "agency-admin",
    "agency-staff",
    "agency2-admin",
    "hr-acme",
    "hr-globex",
    "applicant",
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Rows in every table, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def logins_accepting(password: str) -> list[str]:
    request = RequestFactory().post("/accounts/login/")
    return [
        name
        for name in LOGINS
        if authenticate(request, username=name, password=password) is not None
    ]


def test_seed_creates_the_demo_and_a_second_run_creates_nothing(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    first = seed()
    after_first = counts()
    second = seed()

    assert first.splitlines()[0] == "Demo data created."
    assert second.splitlines()[0] == "Demo data already present; demo logins refreshed."
    assert counts() == after_first
    # Two agencies and twelve employers; the journeys' six applicants, the portfolio's and the
    # tutorial's; the journeys' five supplements and one per portfolio applicant.
    assert after_first["accounts.Organization"] == 2 + 12
    assert after_first["accounts.Applicant"] == 6 + len(demo_portfolio.PEOPLE) + 1
    assert after_first["cases.SupplementRequest"] == 5 + len(demo_portfolio.PEOPLE)
    assert sorted(DEMO_USERNAMES) == sorted(LOGINS)
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == sorted(LOGINS)
    assert logins_accepting("tracker-demo") == LOGINS
    assert DEFAULT_PASSWORD == "tracker-demo"


def test_demo_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-Demo-pw-42")

    seed()

    assert logins_accepting("another-Demo-pw-42") == LOGINS
    assert logins_accepting("tracker-demo") == []


def test_a_second_run_applies_a_new_demo_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    seed()
    monkeypatch.setenv("DEMO_PASSWORD", "rotated-Demo-pw-7")

    seed()

    assert logins_accepting("rotated-Demo-pw-7") == LOGINS


def test_who_is_who():
    seed()
    users = {user.username: user for user in get_user_model().objects.all()}

    assert (users["admin"].is_superuser, users["admin"].is_staff) == (True, True)
    # The admin is for operators: tenants' people work in the pages, with no model permission.
    for name in (
        "agency-admin",
        "agency-staff",
        "agency2-admin",
        "hr-acme",
        "hr-globex",
        "applicant",
    ):
        assert (users[name].is_superuser, users[name].is_staff) == (False, False)
        assert users[name].get_all_permissions() == set()
    memberships = {
        (m.user.username, m.organization.name, m.role)
        for m in Membership.objects.select_related("user", "organization")
    }
    assert memberships == {
        ("agency-admin", "Formosa Talent Partners", "agency_admin"),
        ("agency-staff", "Formosa Talent Partners", "agency_staff"),
        ("agency2-admin", "Harbour Mobility Consultants", "agency_admin"),
        ("hr-acme", "Acme", "employer_hr"),
        ("hr-globex", "Globex", "employer_hr"),
    }
    assert users["applicant"].applicant.given_name_en == "Priya"
    assert users["applicant"].applicant.cases.count() >= 1
    assert set(users["applicant"].applicant.cases.values_list("employer__name", flat=True)) == {
        "Acme"
    }


# 2026-03-11 is a Wednesday: today + 3 is Saturday 2026-03-14, a rest day no 30-day count ends on,
# so the demo records that deadline as the date printed in the notice. 2026-03-09 is a Monday:
# today + 3 is a working Thursday and today + 20 a Sunday.
@pytest.mark.parametrize("today", [dt.date(2026, 3, 11), dt.date(2026, 3, 9)], ids=str)
def test_cases_in_every_status_and_the_journeys_supplements(today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(9, 0), tzinfo=TAIPEI), tick=False):
        seed()

    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    journeys = SupplementRequest.objects.filter(
        case__applicant__passport_number__startswith="DEMO1"
    )
    open_ones = {
        (s.deadline - today).days: s for s in journeys.open().select_related("case__applicant")
    }
    six_months = services.propose_deadline(
        notice_date=today - dt.timedelta(days=10), rule="6m"
    ).last_day
    assert sorted(open_ones) == [-2, 3, 20, (six_months - today).days]
    assert [open_ones[days].is_ready for days in (-2, 3, 20)] == [False, False, True]
    assert open_ones[-2].case.applicant.given_name_en == "Priya"
    submitted = journeys.exclude(state="open").get()
    assert (submitted.state, submitted.is_ready, submitted.outcome) == (
        "submitted",
        True,
        "pending",
    )
    # Every deadline either is what the 30-day rule gives for its notice, or is recorded as the
    # date printed in the notice with that reason.
    for days in (-2, 3, 20):
        supplement = open_ones[days]
        if supplement.deadline_override is None:
            assert supplement.proposed_deadline == supplement.deadline
        else:
            assert supplement.override_reason == "Date printed in the notice"


def test_the_three_day_supplement_on_a_weekend_is_an_override():
    today = dt.date(2026, 3, 11)
    with time_machine.travel(dt.datetime.combine(today, dt.time(9, 0), tzinfo=TAIPEI), tick=False):
        seed()

    due = SupplementRequest.objects.get(
        deadline=dt.date(2026, 3, 14), case__applicant__passport_number__startswith="DEMO1"
    )
    assert (due.deadline_override, due.override_reason) == (
        dt.date(2026, 3, 14),
        "Date printed in the notice",
    )
    assert due.proposed_deadline != due.deadline


def test_a_practice_to_work_in():
    """Journey 1's Monday: ~40 open supplements across a dozen employers; journey 4's Acme has
    cases at both agencies; journey 2's tutorial case waits for its notice."""
    seed()

    open_ones = SupplementRequest.objects.open()
    assert 35 <= open_ones.count() <= 45
    employers = set(open_ones.values_list("case__employer__name", flat=True)) - {None}
    assert len(employers) == 12
    assert set(
        Case.objects.filter(employer__name="Acme").values_list("agency__name", flat=True)
    ) == {
        "Formosa Talent Partners",
        "Harbour Mobility Consultants",
    }
    readiness = set(open_ones.values_list("is_ready", flat=True))
    assert readiness == {True, False}
    tutorial = Case.objects.get(application_number="112551035430")
    assert (tutorial.status, tutorial.supplements.count()) == (CaseStatus.NIA_INITIAL_REVIEW, 0)
    assert tutorial.applicant.passport_number == "A12345678"
    assert all(ubn.is_valid(o.tax_id) for o in Organization.objects.filter(kind="employer"))
    # Each agency's clients are the employers of its cases; Acme's HR has asked for a case.
    assert set(AgencyClient.objects.values_list("agency__name", "employer__name")) == set(
        Case.objects.exclude(agency=None)
        .exclude(employer=None)
        .values_list("agency__name", "employer__name")
    )
    waiting = CaseRequest.objects.get()
    assert (waiting.state, waiting.employer.name, waiting.requested_by.username) == (
        "waiting",
        "Acme",
        "hr-acme",
    )


@pytest.mark.parametrize(
    ("foreign", "words"),
    [
        (lambda: UserFactory(username="someone-real"), "1 other user(s)"),
        (lambda: EmployerFactory(name="Umbrella"), "1 other organization(s)"),
    ],
    ids=["user", "organization"],
)
def test_refuses_a_database_with_other_data(foreign, words):
    foreign()
    before = counts()

    with pytest.raises(CommandError) as refused:
        seed()

    assert str(refused.value) == (
        f"This database holds data that is not the demo's ({words}); refusing to seed. "
        "Use --allow-existing-data to seed anyway."
    )
    assert counts() == before

    assert seed("--allow-existing-data").splitlines()[0] == "Demo data created."
    assert Organization.objects.filter(name="Formosa Talent Partners").count() == 1


def test_embedded_default_from_an_empty_data_folder(tmp_path, settings):
    """migrate + seed_demo in real processes on a data folder that does not exist yet (SQLite)."""
    data_dir = tmp_path / "fresh" / "data"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEMO_PASSWORD"}}
    env |= {
        "TRACKER_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "PYTHONIOENCODING": "utf-8",
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        completed = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            encoding="utf-8",
            timeout=180,
        )
        assert completed.returncode == 0, completed.stderr
        return completed

    manage("migrate", "--no-input", "-v", "0")
    seeded = manage("seed_demo")

    assert seeded.stdout.splitlines()[0] == "Demo data created."
    database = data_dir / "tracker.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        hashes = dict(db.execute("SELECT username, password FROM auth_user"))
        statuses = {status for (status,) in db.execute("SELECT DISTINCT status FROM cases_case")}
        supplements = db.execute("SELECT COUNT(*) FROM cases_supplementrequest").fetchone()[0]
    assert sorted(hashes) == sorted(LOGINS)
    # Stored with the production hasher (Argon2), and 'tracker-demo' opens every login.
    settings.PASSWORD_HASHERS = REAL_HASHERS
    assert {name: encoded.split("$")[0] for name, encoded in hashes.items()} == dict.fromkeys(
        LOGINS, "argon2"
    )
    assert all(check_password("tracker-demo", encoded) for encoded in hashes.values())
    assert statuses == set(CaseStatus.values)
    assert supplements == 5 + len(demo_portfolio.PEOPLE)
