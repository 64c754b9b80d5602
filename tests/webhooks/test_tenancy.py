"""An endpoint hears only of the cases its organization can see: Acme's hears nothing of Globex;
and whose endpoints a person manages is their own organization's, as an admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from cases import services
from cases.choices import DeadlineRule, RequestingBody
from notifications.webhooks.models import WebhookDelivery
from tests.factories import MembershipFactory
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def supplement_on(case, actor):
    return services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=1),
        rule=DeadlineRule.DAYS_30,
    )


def test_acme_hears_of_acme_and_nothing_of_globex(
    world, receiver, eager_celery, django_capture_on_commit_callbacks
):
    acme_admin = MembershipFactory(organization=world.acme, role=Role.EMPLOYER_ADMIN).user
    register(
        receiver,
        actor=acme_admin,
        organization=world.acme,
        events=["supplement.created"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        globex = supplement_on(world.globex_case, world.agency_staff)
        acme = supplement_on(world.acme_case, world.agency_staff)
    assert [m.json["data"]["id"] for m in receiver.received] == [acme.pk]
    assert receiver.received[0].verified is True
    # Nothing about Globex was even recorded for Acme's endpoint.
    assert not WebhookDelivery.objects.filter(resource_id=globex.pk).exists()
    # The payload is what Acme's admin sees through the API.
    assert receiver.received[0].json["data"] == (
        api(acme_admin).get(f"/api/v1/supplements/{acme.pk}/").json()
    )


def test_only_admins_manage_and_others_endpoints_are_404(world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    created = api(world.agency_admin).post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/x", "events": ["case.created"]},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    # Staff of the same agency are members without the role: 403 to create, nothing listed.
    staff = api(world.agency_staff)
    refused = staff.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/x", "events": ["case.created"]},
        format="json",
    )
    assert refused.status_code == 403
    assert staff.get("/api/v1/webhooks/").json()["count"] == 0
    # Another organization's admin: the endpoint does not exist for them.
    globex_admin = MembershipFactory(organization=world.globex, role=Role.EMPLOYER_ADMIN).user
    other = api(globex_admin)
    assert other.get(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert other.post(f"/api/v1/webhooks/{pk}/rotate-secret/").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert staff.delete(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert api(world.agency_admin).get(f"/api/v1/webhooks/{pk}/").status_code == 200


def test_an_admin_of_two_organizations_registers_for_one_and_it_hears_only_that_one(
    world, receiver, eager_celery, django_capture_on_commit_callbacks
):
    """The registering admin's own view may be wider than the endpoint's organization (they
    also belong to Globex): Acme's endpoint still hears nothing of Globex's cases, neither of
    changes nor of deadlines coming due."""
    from notifications.webhooks.sweep import derive_deadline_events

    both = MembershipFactory(organization=world.acme, role=Role.EMPLOYER_ADMIN).user
    MembershipFactory(user=both, organization=world.globex, role=Role.EMPLOYER_ADMIN)
    register(
        receiver,
        actor=both,
        organization=world.acme,
        events=["supplement.created", "supplement.due_soon", "supplement.overdue"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        globex = supplement_on(world.globex_case, world.agency_staff)
        acme = supplement_on(world.acme_case, world.agency_staff)
    with django_capture_on_commit_callbacks(execute=True):
        derive_deadline_events(today=timezone.localdate() + dt.timedelta(days=40))
    assert not WebhookDelivery.objects.filter(resource_id=globex.pk).exists()
    assert {m.json["data"]["id"] for m in receiver.received} == {acme.pk}


def test_a_payload_shows_only_what_the_endpoints_organization_may_see(
    world, receiver, eager_celery, django_capture_on_commit_callbacks
):
    """An admin of the agency and of Acme registers Acme's endpoint: Acme's payloads carry
    neither the agency's internal notes nor anything the admin sees only as the agency."""
    both = MembershipFactory(organization=world.acme, role=Role.EMPLOYER_ADMIN).user
    MembershipFactory(user=both, organization=world.agency, role=Role.AGENCY_ADMIN)
    services.case_update(
        case=world.acme_case, actor=world.agency_staff, internal_notes="Fee negotiable"
    )
    register(receiver, actor=both, organization=world.acme, events=["case.status_changed"])
    world.acme_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=world.acme_case, actor=world.agency_staff, status="qualification_review"
        )
    [message] = receiver.received
    assert message.json["data"]["id"] == world.acme_case.pk
    assert "internal_notes" not in message.json["data"]
    # The same case as Acme's HR reads it through the API, field for field.
    hr = MembershipFactory(organization=world.acme, role=Role.EMPLOYER_ADMIN).user
    assert message.json["data"] == api(hr).get(f"/api/v1/cases/{world.acme_case.pk}/").json()
    # As the admin themselves (both roles), the notes are there: only the endpoint is narrowed.
    assert api(both).get(f"/api/v1/cases/{world.acme_case.pk}/").json()["internal_notes"]
