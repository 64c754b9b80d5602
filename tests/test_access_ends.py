"""Issue 12, access ends with the relationship: HR of a former employer loses the person and
their cases; API tokens die with a password change or when two-factor login is turned on; an
invitation is bound to the address it was sent to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import invitations
from accounts.models import Employment
from cases.tenancy import visible_applicants, visible_cases
from integrations.services import token_create, tokens_revoke_all
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _employ(world, *, ended: bool):
    today = timezone.localdate()
    return Employment.objects.create(
        applicant=world.priya,
        employer=world.acme,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=1) if ended else None,
    )


def test_hr_of_a_former_employer_no_longer_sees_the_person_or_their_cases(client, world):
    employment = _employ(world, ended=False)
    assert world.acme_case in visible_cases(world.hr_acme)
    assert world.priya in visible_applicants(world.hr_acme)

    employment.end_date = timezone.localdate() - dt.timedelta(days=1)
    employment.save()

    assert world.acme_case not in visible_cases(world.hr_acme)
    assert world.priya not in visible_applicants(world.hr_acme)
    client.force_login(world.hr_acme)
    assert client.get(f"/cases/{world.acme_case.pk}/").status_code == 404
    assert client.get(f"/applicants/{world.priya.pk}/").status_code == 404
    # The agency keeps the case; a rehire (a current employment again) gives HR it back.
    assert world.acme_case in visible_cases(world.agency_staff)
    _employ(world, ended=False)
    assert world.acme_case in visible_cases(world.hr_acme)


def test_a_case_without_an_employment_row_stays_visible_to_its_employer(world):
    assert not Employment.objects.filter(applicant=world.priya).exists()
    assert world.acme_case in visible_cases(world.hr_acme)


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_password_change_ends_every_api_token(world):
    _token, key = token_create(user=world.agency_staff, name="hr system")
    assert _api(key).get("/api/v1/me/").status_code == 200

    world.agency_staff.set_password("a-new-Passw0rd-2026")
    world.agency_staff.save()

    answer = _api(key).get("/api/v1/me/")
    assert answer.status_code == 401
    assert world.agency_staff.api_tokens.get().revoked_at is not None


def test_turning_on_two_factor_ends_the_tokens(world):
    _token, key = token_create(user=world.agency_staff, name="script")

    assert tokens_revoke_all(user=world.agency_staff) == 1
    assert _api(key).get("/api/v1/me/").status_code == 401


def test_an_invitation_is_bound_to_its_address(world):
    invitation = invitations.invitation_create(
        actor=world.agency_admin,
        email="new.colleague@formosa.example",
        organization=world.agency,
        role="agency_staff",
    )
    stranger = UserFactory(email="someone.else@example.com")

    with pytest.raises(ValidationError):
        invitations.invitation_accept(invitation=invitation, user=stranger)
    assert not stranger.memberships.exists()

    invited = UserFactory(email="New.Colleague@formosa.example")
    invitations.invitation_accept(invitation=invitation, user=invited)
    assert invited.memberships.get().organization == world.agency
