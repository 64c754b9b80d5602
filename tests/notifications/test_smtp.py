"""Sending through a real SMTP server: transient errors retry with backoff, permanent ones are
recorded and shown in the admin, and a server that is down counts as transient."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import Alert, AlertReason, AlertStatus
from notifications.sweep import run_sweep
from tests.notifications.conftest import supplement_due, taipei
from tests.notifications.smtp import SmtpServer, free_port

pytestmark = pytest.mark.django_db

NOW = taipei(2026, 12, 14, 9)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.use(settings)
        yield server


@pytest.fixture
def due_tomorrow(world):
    """Due tomorrow: the assignee, the agency admin and Acme's HR are told at once."""
    return supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )


def test_accepted_mail_is_recorded_with_its_message_id(smtp, due_tomorrow, world):
    result = run_sweep(now=NOW)
    assert (result.sent, result.emails) == (3, 3)
    assert sorted(rcpt[0] for rcpt, _content in smtp.received) == sorted(
        [world.agency_staff.email, world.agency_admin.email, world.hr_acme.email]
    )
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert alert.status == AlertStatus.SENT
    assert alert.attempts == 1
    assert alert.message_id.startswith("<")
    assert alert.message_id.endswith("@tracker.example>")
    content = next(c for rcpt, c in smtp.received if rcpt == [world.agency_staff.email])
    assert f"Message-ID: {alert.message_id}".encode() in content
    assert b"Auto-Submitted: auto-generated" in content


def test_a_temporary_refusal_retries_with_backoff(smtp, due_tomorrow, world, settings):
    settings.ALERT_RETRY_BASE_SECONDS = 60
    smtp.handler.mode = "temporary"
    result = run_sweep(now=NOW)
    assert (result.sent, result.retrying, result.failed) == (0, 3, 0)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert alert.status == AlertStatus.PENDING
    assert alert.attempts == 1
    assert alert.send_after == NOW + dt.timedelta(seconds=60)
    assert alert.reason == AlertReason.SMTP_TEMPORARY
    assert alert.error == (
        f"SMTPRecipientsRefused: {{'{world.agency_staff.email}': "
        "(451, b'4.3.0 Mailbox temporarily unavailable')}"
    )
    # Not before its time.
    assert run_sweep(now=NOW + dt.timedelta(seconds=30)).retrying == 0
    # Second failure: twice the wait.
    run_sweep(now=NOW + dt.timedelta(seconds=61))
    alert.refresh_from_db()
    assert (alert.attempts, alert.send_after) == (2, NOW + dt.timedelta(seconds=61 + 120))
    smtp.handler.mode = "accept"
    result = run_sweep(now=NOW + dt.timedelta(seconds=182))
    assert (result.sent, result.emails) == (3, 3)
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (AlertStatus.SENT, 3)
    assert run_sweep(now=NOW + dt.timedelta(hours=2)).sent == 0
    assert len(smtp.received) == 3


def test_retries_give_up_after_the_maximum(smtp, due_tomorrow, world, settings):
    settings.ALERT_MAX_ATTEMPTS = 2
    smtp.handler.mode = "temporary"
    run_sweep(now=NOW)
    result = run_sweep(now=NOW + dt.timedelta(minutes=5))
    assert result.failed == 3
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert alert.status == AlertStatus.FAILED
    assert (alert.reason, alert.attempts) == (AlertReason.GAVE_UP, 2)
    # The technical detail is the mail server's last answer, nothing else.
    assert alert.error.startswith("SMTPRecipientsRefused: ")
    assert "451" in alert.error


def test_a_permanent_refusal_is_recorded_and_shown_in_the_admin(
    smtp, due_tomorrow, world, admin_client
):
    smtp.handler.mode = "permanent"
    result = run_sweep(now=NOW)
    assert (result.sent, result.failed, result.retrying) == (0, 3, 0)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert alert.status == AlertStatus.FAILED
    assert alert.attempts == 1
    assert alert.reason == AlertReason.SMTP_PERMANENT
    assert alert.error.startswith("SMTPRecipientsRefused: ")
    assert "550" in alert.error
    assert run_sweep(now=NOW + dt.timedelta(hours=1)).failed == 0  # not tried again
    page = admin_client.get("/admin/notifications/alert/?status__exact=failed")
    assert page.status_code == 200
    assert page.content.decode().count("5.1.1 No such user here") == 3
    # Fixed (say, the address corrected): the admin action queues them again.
    smtp.handler.mode = "accept"
    response = admin_client.post(
        "/admin/notifications/alert/",
        {"action": "send_again", "_selected_action": [alert.pk]},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (AlertStatus.PENDING, 0)
    # On the test's clock: at the real date another stage's alert may be due as well.
    assert run_sweep(now=NOW + dt.timedelta(hours=1)).sent == 1
    assert [rcpt for rcpt, _c in smtp.received] == [[world.agency_staff.email]]


def test_a_mail_server_that_is_down_is_a_transient_error(settings, due_tomorrow, world):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens here
    settings.EMAIL_TIMEOUT = 2
    result = run_sweep(now=NOW)
    assert (result.retrying, result.failed) == (3, 0)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert alert.reason == AlertReason.SMTP_TEMPORARY
    assert alert.error.startswith("ConnectionRefusedError")
