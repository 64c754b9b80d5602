"""Other dated obligations in the same machinery: card pickup, address change and appeal
(Obligation rows), the extension window (Case.card_valid_to), passport validity."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications import services as alert_services
from notifications.models import Alert, AlertStatus
from notifications.sweep import run_sweep
from tests.notifications.conftest import taipei

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweep()


def sent(**filters) -> list[tuple[int, int]]:
    return list(
        Alert.objects.filter(status=AlertStatus.SENT, **filters)
        .order_by("sent_at", "recipient_id")
        .values_list("recipient_id", "offset")
    )


def test_card_pickup_waits_on_the_applicant(world):
    with time_machine.travel(taipei(2026, 11, 2, 9), tick=False):
        obligation = alert_services.obligation_create(
            actor=world.agency_staff,
            case=world.acme_case,
            kind="card_pickup",
            starts_on=dt.date(2026, 11, 1),
        )
    assert obligation.due_on == dt.date(2026, 12, 1)
    sweep_at(taipei(2026, 11, 17, 8, 5))  # 14 days before
    # It waits on the applicant; nobody is assigned at the agency, so its admins hear of it too.
    assert set(sent(subject_kind="obligation")) == {
        (world.applicant_user.pk, 14),
        (world.agency_admin.pk, 14),
    }
    message = next(m for m in mail.outbox if m.to == [world.applicant_user.email])
    assert "Collect the card within 30 days of entry" in message.body
    assert f"https://tracker.example/cases/{world.acme_case.pk}/" in message.body
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        alert_services.obligation_fulfil(actor=world.applicant_user, obligation=obligation)
    assert sweep_at(taipei(2026, 11, 30, 8, 5)).sent == 0


def test_extension_window_opening_and_expiry(world):
    case = world.acme_case
    case.status = "collected"
    case.card_valid_to = dt.date(2027, 3, 31)
    case.save()
    # The window opens 4 months before expiry: 2026-11-30.
    assert sweep_at(taipei(2026, 11, 29, 8, 5)).sent == 0
    sweep_at(taipei(2026, 11, 30, 8, 5))
    assert set(sent(subject_kind="extension")) == {(world.agency_admin.pk, 121)}
    message = next(m for m in mail.outbox if m.to == [world.agency_admin.email])
    assert (
        "The extension window opened on 2026-11-30; the card is valid to 2027-03-31."
        in message.body
    )
    sweep_at(taipei(2027, 1, 30, 8, 5))  # 60 days before expiry
    assert Alert.objects.filter(subject_kind="extension", offset=60).count() == 1


def test_no_extension_alert_once_an_extension_is_filed(world):
    from cases import services

    case = world.acme_case
    case.status = "collected"
    case.card_valid_to = dt.date(2027, 3, 31)
    case.save()
    services.case_create(
        actor=world.agency_staff,
        applicant=case.applicant,
        kind="extension",
        channel="agency",
        agency=world.agency,
        employer=world.acme,
        previous_case=case,
    )
    assert sweep_at(taipei(2026, 11, 30, 8, 5)).sent == 0


def test_passport_validity_under_six_months(world):
    world.priya.passport_expiry = dt.date(2027, 6, 15)
    world.priya.save()
    # Under 6 months from 2026-12-15; the first alert 90 days before that.
    assert sweep_at(taipei(2026, 9, 15, 8, 5)).sent == 0
    sweep_at(taipei(2026, 9, 16, 8, 5))
    assert sent(subject_kind="passport", recipient=world.applicant_user) == [
        (world.applicant_user.pk, 90)
    ]
    for moment in (
        taipei(2026, 11, 15, 8, 5),
        taipei(2026, 12, 8, 8, 5),
        taipei(2026, 12, 15, 8, 5),
    ):
        sweep_at(moment)
    assert [o for _r, o in sent(subject_kind="passport", recipient=world.applicant_user)] == [
        90,
        30,
        7,
        0,
    ]
    message = [m for m in mail.outbox if m.to == [world.applicant_user.email]][-1]
    assert "passport validity falls under 6 months (護照效期不足六個月)" in message.subject
    assert world.priya.passport_number not in message.subject
