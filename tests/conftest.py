"""Shared fixtures: the personas every access rule is tested with, from both sides.

World: one agency (with an admin and a staff member) works cases for employees of Acme and Globex;
Priya (an Acme employee) has her own login; an outsider belongs to another agency.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings

from accounts.models import Role
from cases import services
from cases.choices import CaseKind, Channel, DeadlineRule, RequestingBody
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    EmployerFactory,
    MembershipFactory,
    UserFactory,
)

REQUIRE_REAL_SERVICES = os.environ.get("REQUIRE_REAL_SERVICES") == "1"


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test writes documents to its own folder. Static files by their plain names: the hashed
    names of production need collectstatic's manifest (tests/web/test_assets.py makes one)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


@pytest.fixture
def eager_celery():
    """Tasks run inline where they are sent (the task body and the service, no worker)."""
    from tracker.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (the login limit per address among them) live in the default cache,
    which outlives a test: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a visitor's request (Django's
    LocaleMiddleware) leaves its language active in the thread, and a test's own service calls
    would otherwise speak whatever the previous test's page spoke."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.1 s a user, ~0.7 s for `world` alone; hashing strength is not under test
    here (the seed_demo subprocess test still logs in through the real Argon2 settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_after_flushes(request):
    """A transactional test ends by flushing every table, which also empties the rows the data
    migrations seeded (the fields of expertise); put them back before each transactional test so
    it does not depend on running first in its worker. (serialized_rollback cannot be mixed with
    transactional tests that do not use it: their flush recreates content types it then clashes
    with.)"""
    if _is_transactional(request):
        import importlib

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        importlib.import_module("cases.migrations.0002_seed_fields").seed(apps, None)


@pytest.fixture
def redis_url() -> str:
    """The Redis a real Celery worker's broker uses in a test (TEST_REDIS_URL)."""
    base = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"
    import redis

    try:
        redis.Redis.from_url(base, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        if REQUIRE_REAL_SERVICES:
            pytest.fail(f"REQUIRE_REAL_SERVICES=1 but Redis at {base} does not answer: {exc}")
        pytest.skip(f"needs Redis ({base})")
    return base


@pytest.fixture
def postgres_only():
    if not on_postgres():
        if REQUIRE_REAL_SERVICES:
            pytest.fail("REQUIRE_REAL_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@dataclass
class World:
    agency: object
    other_agency: object
    acme: object
    globex: object
    agency_admin: object
    agency_staff: object
    hr_acme: object
    hr_globex: object
    applicant_user: object
    outsider: object
    priya: object
    acme_case: object
    globex_case: object
    self_case: object
    other_agency_case: object

    def filer(self, case):
        """Who sets up work on `case` in a fixture: Formosa's staff on Formosa's cases, else the
        system (None), since the services refuse anyone else (cases.tenancy.checks)."""
        return self.agency_staff if case.agency_id == self.agency.pk else None

    def personas(self) -> dict:
        return {
            "agency_admin": self.agency_admin,
            "agency_staff": self.agency_staff,
            "hr_acme": self.hr_acme,
            "hr_globex": self.hr_globex,
            "applicant": self.applicant_user,
            "outsider": self.outsider,
        }


@pytest.fixture
def world(db) -> World:
    agency = formosa = AgencyFactory(name="Formosa")
    other_agency = AgencyFactory(name="Elsewhere")
    acme = EmployerFactory(name="Acme")
    globex = EmployerFactory(name="Globex")
    agency_admin = MembershipFactory(organization=agency, role=Role.AGENCY_ADMIN).user
    agency_staff = MembershipFactory(organization=agency, role=Role.AGENCY_STAFF).user
    hr_acme = MembershipFactory(organization=acme, role=Role.EMPLOYER_HR).user
    hr_globex = MembershipFactory(organization=globex, role=Role.EMPLOYER_HR).user
    outsider = MembershipFactory(organization=other_agency, role=Role.AGENCY_STAFF).user
    applicant_user = UserFactory(username="priya")
    priya = ApplicantFactory(family_name_en="Sharma", given_name_en="Priya", user=applicant_user)

    def make(applicant, *, agency=agency, employer=None, channel=Channel.AGENCY, number):
        # Formosa's staff open Formosa's cases; the others are set up by the system (actor None).
        opener = agency_staff if channel == Channel.AGENCY and agency == formosa else None
        return services.case_create(
            actor=opener,
            applicant=applicant,
            kind=CaseKind.NEW,
            channel=channel,
            agency=agency,
            employer=employer,
            application_number=number,
            status="nia_initial_review",
        )

    return World(
        agency=agency,
        other_agency=other_agency,
        acme=acme,
        globex=globex,
        agency_admin=agency_admin,
        agency_staff=agency_staff,
        hr_acme=hr_acme,
        hr_globex=hr_globex,
        applicant_user=applicant_user,
        outsider=outsider,
        priya=priya,
        acme_case=make(priya, employer=acme, number="115551035401"),
        globex_case=make(ApplicantFactory(), employer=globex, number="115551035402"),
        self_case=make(
            ApplicantFactory(), agency=None, channel=Channel.SELF, number="115551035403"
        ),
        other_agency_case=make(
            ApplicantFactory(), agency=other_agency, employer=acme, number="115551035404"
        ),
    )


@pytest.fixture
def open_supplement(world):
    """Priya's open supplement (Acme case), due in 30-ish days, nothing done yet."""
    import datetime as dt

    from django.utils import timezone

    return services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=3),
        rule=DeadlineRule.DAYS_30,
    )
