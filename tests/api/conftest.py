"""Fixtures for the API tests: clients signed in as the `world` personas, open supplements on
each of its cases, and fresh rate-limit counters per test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.choices import DeadlineRule, RequestingBody
from integrations.services import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Rate-limit counters live in the default cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for():
    """An API client authenticated as `user` (None: anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def token_client(db):
    """An API client sending a real token for `user`, as an integration would."""

    def make(user, keyword: str = "Token") -> APIClient:
        _token, key = token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
        return client

    return make


def open_supplement_on(case, actor, *, days_ago: int = 3, rule: str = DeadlineRule.DAYS_30):
    return services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=days_ago),
        rule=rule,
    )


@pytest.fixture
def supplements(world) -> dict:
    """One open supplement on each case of the world."""
    # Formosa's staff record Formosa's; the self-filed and the other agency's are set up by the
    # system (actor None): no one person files all four.
    openers = {"acme": world.agency_staff, "globex": world.agency_staff}
    return {
        name: open_supplement_on(getattr(world, f"{name}_case"), openers.get(name))
        for name in ("acme", "globex", "self", "other_agency")
    }
