"""The alert pages and the signed link from the email: acknowledge or snooze, preferences,
an organization's offsets, dated obligations. Access follows cases.tenancy (404 outside)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.links import make_token
from notifications.models import AlertPolicy, AlertPreference, AlertResponse, Obligation
from notifications.sweep import run_sweep
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db

TODAY = taipei(2026, 12, 1, 8, 30)  # in the 08:00 digest hour


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.SITE_URL = "https://tracker.example"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def supplement(world):
    return supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )


def respond_path(user, supplement) -> str:
    token = make_token(user_id=user.pk, subject_kind="supplement", subject_id=supplement.pk)
    return f"/alerts/respond/{token}/"


def test_the_emailed_link_opens_a_page_and_changes_nothing_until_pressed(client, world, supplement):
    run_sweep()
    message = next(m for m in mail.outbox if m.to == [world.agency_staff.email])
    link = next(
        line.split(": ", 1)[1] for line in message.body.splitlines() if "/alerts/respond/" in line
    )
    path = link.removeprefix("https://tracker.example")
    page = client.get(path)
    assert page.status_code == 200
    assert supplement.case.reference in page.content.decode()
    assert not AlertResponse.objects.exists()
    response = client.post(path, {"action": "acknowledge"})
    assert response.status_code == 200
    answer = AlertResponse.objects.get()
    assert (answer.user, answer.subject_id, answer.acknowledged_at) == (
        world.agency_staff,
        supplement.pk,
        TODAY,
    )


def test_snooze_from_the_link(client, world, supplement):
    response = client.post(
        respond_path(world.hr_acme, supplement), {"action": "snooze", "days": "7"}
    )
    assert response.status_code == 200
    assert AlertResponse.objects.get(user=world.hr_acme).snoozed_until == dt.date(2026, 12, 8)


def test_a_forged_or_foreign_link_answers_404(client, world, supplement):
    path = respond_path(world.agency_staff, supplement)
    assert client.get(path[:-5] + "xxxx/").status_code == 404
    # A valid signature for someone who cannot see the case: 404, nothing recorded.
    assert (
        client.post(
            respond_path(world.hr_globex, supplement), {"action": "acknowledge"}
        ).status_code
        == 404
    )
    assert (
        client.post(respond_path(world.outsider, supplement), {"action": "acknowledge"}).status_code
        == 404
    )
    assert not AlertResponse.objects.exists()


def test_an_expired_link_answers_404(client, world, supplement, settings):
    path = respond_path(world.agency_staff, supplement)
    settings.ALERT_LINK_MAX_AGE_DAYS = 30
    with time_machine.travel(TODAY + dt.timedelta(days=31), tick=False):
        assert client.get(path).status_code == 404


def test_alerts_page_lists_deadlines_and_answers(client, world, supplement):
    run_sweep()
    client.force_login(world.agency_staff)
    page = client.get("/alerts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="supplement-{supplement.pk}"' in html
    assert f"/alerts/supplement/{supplement.pk}/acknowledge/" in html
    response = client.post(f"/alerts/supplement/{supplement.pk}/acknowledge/")
    assert response.status_code == 302
    assert AlertResponse.objects.get(user=world.agency_staff).acknowledged_at == TODAY
    client.post(f"/alerts/supplement/{supplement.pk}/snooze/", {"days": "3"})
    assert AlertResponse.objects.get(user=world.agency_staff).snoozed_until == dt.date(2026, 12, 4)


def test_answering_a_subject_outside_ones_cases_is_404(client, world, supplement):
    client.force_login(world.hr_globex)
    assert client.post(f"/alerts/supplement/{supplement.pk}/acknowledge/").status_code == 404
    assert client.post(f"/alerts/nonsense/{supplement.pk}/acknowledge/").status_code == 404
    assert not AlertResponse.objects.exists()


def test_snoozing_too_close_to_the_deadline_is_refused(client, world):
    close = supplement_due(world.acme_case, world.agency_staff, dt.date(2026, 12, 2))
    client.force_login(world.agency_staff)
    response = client.post(f"/alerts/supplement/{close.pk}/snooze/", {"days": "1"}, follow=True)
    assert "too close to snooze" in response.content.decode()
    assert not AlertResponse.objects.exists()


def test_preferences(client, world):
    client.force_login(world.agency_staff)
    assert client.get("/alerts/preferences/").status_code == 200
    response = client.post(
        "/alerts/preferences/", {"digest_hour": "7", "quiet_start": "22:00", "quiet_end": "06:30"}
    )
    assert response.status_code == 302
    preference = AlertPreference.objects.get(user=world.agency_staff)
    assert (preference.digest_hour, preference.quiet_start, preference.quiet_end) == (
        7,
        dt.time(22),
        dt.time(6, 30),
    )
    bad = client.post("/alerts/preferences/", {"digest_hour": "7", "quiet_start": "22:00"})
    assert bad.status_code == 200
    assert "Give both ends of the quiet hours, or neither." in bad.content.decode()


def test_only_an_organizations_admin_sets_its_offsets(client, world):
    client.force_login(world.agency_staff)
    assert client.get("/alerts/policy/").status_code == 404
    client.force_login(world.agency_admin)
    page = client.get("/alerts/policy/")
    assert page.status_code == 200
    assert 'value="14, 7, 3, 1, 0, -1"' in page.content.decode()
    response = client.post(
        "/alerts/policy/",
        {"organization": world.agency.pk, "offsets": "21, 10, 3, 0, -1, -7", "escalate_days": "2"},
    )
    assert response.status_code == 302
    policy = AlertPolicy.objects.get(organization=world.agency)
    assert (policy.offsets, policy.escalate_days, policy.updated_by) == (
        [21, 10, 3, 0, -1, -7],
        2,
        world.agency_admin,
    )
    # Another organization is not in the admin's choices.
    refused = client.post(
        "/alerts/policy/",
        {"organization": world.other_agency.pk, "offsets": "1", "escalate_days": "1"},
    )
    assert refused.status_code == 200
    assert not AlertPolicy.objects.filter(organization=world.other_agency).exists()
    bad = client.post(
        "/alerts/policy/",
        {"organization": world.agency.pk, "offsets": "soon", "escalate_days": "1"},
    )
    assert "offsets are whole days" in bad.content.decode()


def test_obligations_page_counts_the_due_date_with_the_engine(client, world):
    client.force_login(world.agency_staff)
    assert client.get("/obligations/").status_code == 200
    # Entry on 2026-11-01 (Sunday): day 30 is 2026-12-01 (Tuesday), a working day.
    response = client.post(
        "/obligations/",
        {"case": world.acme_case.pk, "kind": "card_pickup", "starts_on": "2026-11-01", "note": ""},
    )
    assert response.status_code == 302
    obligation = Obligation.objects.get()
    assert (obligation.rule, obligation.due_on) == ("30d", dt.date(2026, 12, 1))
    # A refusal delivered on 2026-12-04: day 30 is Sunday 2027-01-03, rolled to Monday.
    client.post(
        "/obligations/",
        {"case": world.acme_case.pk, "kind": "appeal", "starts_on": "2026-12-04", "note": ""},
    )
    assert Obligation.objects.get(kind="appeal").due_on == dt.date(2027, 1, 4)
    # A case outside one's scope is not a choice.
    client.post(
        "/obligations/",
        {
            "case": world.other_agency_case.pk,
            "kind": "appeal",
            "starts_on": "2026-12-04",
            "note": "",
        },
    )
    assert Obligation.objects.count() == 2
    client.post(f"/obligations/{obligation.pk}/done/")
    obligation.refresh_from_db()
    assert (obligation.fulfilled_at, obligation.fulfilled_by) == (TODAY, world.agency_staff)
    client.force_login(world.outsider)
    assert client.post(f"/obligations/{obligation.pk}/done/").status_code == 404
