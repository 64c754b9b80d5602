"""What mail clients see of an alert email: a subject without a leading space (also in
Chinese), a Date in Taipei time with its offset, a Message-ID on the site's domain, and a
List-Unsubscribe with one-click (RFC 8058) that turns the early reminders off, never the urgent
ones. And the acknowledge page says what the email says ("Overdue by 2 days")."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.models import Employment
from accounts.preferences import profile_set_language
from cases import services as case_services
from cases.choices import CaseKind
from notifications.channels import TrackerEmail
from notifications.links import make_token
from notifications.models import Alert, AlertPreference
from notifications.sweep import run_sweep
from tests.factories import ApplicantFactory
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


def _sent_to(user) -> email.message.EmailMessage:
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def test_alert_email_headers_as_mail_clients_read_them(world):
    profile_set_language(user=world.agency_staff, language="zh-hant")
    supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )
    with time_machine.travel(taipei(2026, 12, 1, 8, 30), tick=False):
        run_sweep()
    raw = next(m for m in mail.outbox if m.to == [world.agency_staff.email])
    wire = raw.message().as_bytes()
    parsed = _sent_to(world.agency_staff)

    # The encoded subject starts on the header's own line: no fold, so no leading space.
    assert b"Subject: =?utf-8?" in wire
    assert b"Subject: \n" not in wire
    assert b"Subject: \r\n" not in wire
    assert parsed["Subject"] == raw.subject
    assert parsed["Subject"].startswith("[")
    assert "補正" in parsed["Subject"]
    sent = parsedate_to_datetime(parsed["Date"])
    assert sent.utcoffset() == dt.timedelta(hours=8)
    assert parsed["Message-ID"].endswith("@tracker.example>")
    unsubscribe = parsed["List-Unsubscribe"].strip()  # a structured header: folding means nothing
    assert unsubscribe.startswith("<https://tracker.example/alerts/unsubscribe/")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_long_chinese_subject_is_never_folded_before_its_first_word():
    message = TrackerEmail(
        "[就業金卡] 逾期 2 天 (逾期)：GC-000001 第 1 輪補正期限已過，請盡速處理",
        "body",
        "tracker@tracker.example",
        ["hr@example.com"],
    )
    wire = message.message().as_bytes()
    header = wire.split(b"\nFrom:")[0].split(b"Subject:", 1)[1]

    assert header.startswith(b" =?utf-8?")
    parsed = email.message_from_bytes(wire, policy=policy.default)
    assert parsed["Subject"] == message.subject


def test_one_click_unsubscribe_stops_early_reminders_only(world):
    supplement = supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )
    with time_machine.travel(taipei(2026, 12, 1, 8, 30), tick=False):
        run_sweep()
    link = _sent_to(world.agency_staff)["List-Unsubscribe"].strip().strip("<>")
    path = link.removeprefix("https://tracker.example")
    # A mail client's POST: no session, no CSRF token (the signed link is the credential).
    mail_client = Client(enforce_csrf_checks=True)

    profile_set_language(user=world.agency_staff, language="zh-hant")
    looked = mail_client.get(path)
    assert looked.status_code == 200
    assert '<html lang="zh-hant">' in looked.content.decode()  # the emails' language
    assert not AlertPreference.objects.filter(user=world.agency_staff).exists()
    posted = mail_client.post(path, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert posted.status_code == 200
    assert AlertPreference.objects.get(user=world.agency_staff).early_alerts is False
    assert mail_client.get(path[:-5] + "XXXX/").status_code == 404

    # The 7-day reminder is skipped for them; the day before, the alert comes all the same.
    mail.outbox.clear()
    with time_machine.travel(taipei(2026, 12, 8, 8, 30), tick=False):
        run_sweep()
    assert [m for m in mail.outbox if m.to == [world.agency_staff.email]] == []
    skipped = Alert.objects.filter(recipient=world.agency_staff, due_on=supplement.deadline)
    assert "unsubscribed" in set(skipped.values_list("reason", flat=True))
    with time_machine.travel(taipei(2026, 12, 14, 8, 30), tick=False):
        run_sweep()
    assert len([m for m in mail.outbox if m.to == [world.agency_staff.email]]) == 1


def test_acknowledge_page_says_overdue_as_the_email_does(client, world):
    supplement = supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )
    token = make_token(
        user_id=world.agency_staff.pk, subject_kind="supplement", subject_id=supplement.pk
    )
    with time_machine.travel(taipei(2026, 12, 17, 9), tick=False):
        page = client.get(f"/alerts/respond/{token}/")
    text = page.content.decode()

    assert page.status_code == 200
    assert "Overdue by 2 days (逾期)" in text
    assert "-2 days" not in text


def test_case_request_and_webhook_emails_have_a_message_id_on_the_sites_domain(
    world, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = ApplicantFactory()
    Employment.objects.create(
        applicant=applicant, employer=world.acme, start_date=dt.date(2024, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_request_create(
            actor=world.hr_acme,
            employer=world.acme,
            agency=world.agency,
            applicant=applicant,
            kind=CaseKind.NEW,
            note="",
        )
    assert mailoutbox
    for message in mailoutbox:
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert parsed["Message-ID"].endswith("@tracker.example>")


def test_a_tracker_email_without_its_own_message_id_gets_one_on_the_sites_domain():
    message = TrackerEmail("Webhook endpoint disabled", "Body", "from@x.example", ["a@x.example"])
    assert message.message()["Message-ID"].endswith("@tracker.example>")
