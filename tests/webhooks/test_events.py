"""Which changes make which events: each recorded in the transaction of the change (nothing for
work that rolls back), through the services the API and the pages share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.choices import AttachmentKind, SupplementOutcome
from cases.documents.models import PackJob
from cases.models import SupplementRequest
from notifications.webhooks.models import EventType, WebhookDelivery
from tests.cases.files import pdf_bytes
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db

EVERYTHING = list(EventType.values)


def recorded() -> list[str]:
    return list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True))


def test_a_supplement_s_life_makes_its_events(world, receiver, open_supplement):
    register(receiver, actor=world.agency_admin, organization=world.agency, events=EVERYTHING)
    staff = world.agency_staff
    supplement = open_supplement

    services.supplement_override_deadline(
        supplement=supplement,
        actor=staff,
        deadline=supplement.deadline + dt.timedelta(days=2),
        reason="printed in the notice",
    )
    assert recorded() == ["supplement.updated"]

    document = services.document_add(
        supplement=supplement, actor=staff, data=pdf_bytes("diploma"), name="diploma.pdf"
    )
    assert recorded()[-1] == "document.uploaded"
    services.document_approve(document=document, actor=staff)
    assert "document.reviewed" in recorded()

    job = PackJob.objects.filter(supplement=supplement).latest("pk")
    services.pack_run(job_id=job.pk)
    assert recorded().count("upload_set.packed") == 1

    services.attachment_add(
        supplement=supplement,
        actor=staff,
        kind=AttachmentKind.NOTICE,
        data=pdf_bytes("notice"),
        name="notice.pdf",
    )
    assert recorded()[-1] == "notice.received"

    supplement = SupplementRequest.objects.get(pk=supplement.pk)
    services.supplement_submit(supplement=supplement, actor=staff, force=True)
    assert "supplement.submitted" in recorded()
    services.supplement_record_outcome(
        supplement=supplement, actor=staff, outcome=SupplementOutcome.ACCEPTED
    )
    assert recorded()[-1] == "supplement.outcome_recorded"
    # Each delivery carries its own stable id.
    ids = list(WebhookDelivery.objects.values_list("message_id", flat=True))
    assert len(set(ids)) == len(ids)


def test_a_change_that_rolls_back_records_nothing(world, receiver):
    register(receiver, actor=world.agency_admin, organization=world.agency, events=EVERYTHING)

    def failing_request() -> None:
        with transaction.atomic():
            services.supplement_create(
                case=world.acme_case,
                actor=world.agency_staff,
                requesting_body="nia_initial",
                notice_date=timezone.localdate(),
                rule="30d",
            )
            assert recorded() == ["supplement.created", "case.status_changed"]
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        failing_request()
    assert recorded() == []


def test_only_the_subscribed_events_are_recorded(world, receiver, open_supplement):
    register(receiver, actor=world.agency_admin, organization=world.agency, events=["case.created"])
    services.supplement_assign(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_staff
    )
    assert recorded() == []
