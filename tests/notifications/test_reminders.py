"""Reminders (催件): the filing party asks the applicant or the employer's HR, by email and in their
language, for what still waits on them. Sent through a real SMTP server; recorded before sending,
sent once, retried after a temporary refusal, picked up again when the task or its worker is lost."""

from __future__ import annotations

import datetime as dt
import email
import zoneinfo
from email.header import decode_header, make_header

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import profile_for
from cases import services
from cases.errors import InvalidInput, SupplementLocked
from notifications import reminders
from notifications.models import AlertReason, Reminder, ReminderStatus
from tests.factories import ApplicantFactory
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.use(settings)
        yield server


@pytest.fixture
def asked(world, open_supplement):
    """A passport page waits on Priya, an employment certificate on Acme's HR, a correction on
    the agency itself."""
    add = services.item_add
    staff = world.agency_staff
    return {
        "applicant": add(
            supplement=open_supplement,
            actor=staff,
            kind="document",
            description="Passport data page (護照資料頁)",
            waits_on="applicant",
        ),
        "employer": add(
            supplement=open_supplement,
            actor=staff,
            kind="document",
            description="Employment certificate (在職證明)",
            waits_on="employer",
        ),
        "agency": add(
            supplement=open_supplement,
            actor=staff,
            kind="correction",
            description="English given name",
            waits_on="agency",
        ),
    }


def message(content: bytes) -> email.message.Message:
    return email.message_from_bytes(content)


def body_text(parsed: email.message.Message) -> str:
    for part in parsed.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def remind(supplement, actor, party, *, capture):
    with capture(execute=True):
        return reminders.remind(supplement=supplement, actor=actor, party=party)


def test_the_applicant_is_asked_in_their_language_with_their_time_zone(
    smtp, world, open_supplement, asked, eager_celery, django_capture_on_commit_callbacks
):
    profile = profile_for(world.applicant_user)
    profile.language = "zh-hant"
    profile.save()
    world.priya.time_zone = "Asia/Kolkata"
    world.priya.save()

    (row,) = remind(
        open_supplement, world.agency_staff, "applicant", capture=django_capture_on_commit_callbacks
    )

    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_by, row.email) == (
        ReminderStatus.SENT,
        1,
        world.agency_staff,
        world.applicant_user.email,
    )
    assert [entry["description"] for entry in row.asked] == ["Passport data page (護照資料頁)"]
    ((recipients, content),) = smtp.received
    assert recipients == [world.applicant_user.email]
    parsed = message(content)
    assert parsed["Reply-To"] == world.agency_staff.email
    assert parsed["Message-ID"] == row.message_id
    subject = str(make_header(decode_header(parsed["Subject"])))
    assert world.acme_case.reference in subject
    assert open_supplement.deadline.isoformat() in subject
    text = body_text(parsed)
    assert "Passport data page (護照資料頁)" in text
    assert "Employment certificate" not in text  # HR's item is not the applicant's business
    assert "English given name" not in text
    assert "您好" in text  # zh-Hant
    ends = dt.datetime.combine(
        open_supplement.deadline + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC
    ) - dt.timedelta(hours=8)
    local = ends.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert local.strftime("%Y-%m-%d %H:%M") in text
    assert "https://tracker.example/me/" in text


def test_employer_hr_gets_it_and_no_other_employer_does(
    smtp, world, open_supplement, asked, eager_celery, django_capture_on_commit_callbacks
):
    rows = remind(
        open_supplement, world.agency_staff, "employer", capture=django_capture_on_commit_callbacks
    )

    assert [row.recipient for row in rows] == [world.hr_acme]
    assert [recipients for recipients, _content in smtp.received] == [[world.hr_acme.email]]
    text = body_text(message(smtp.received[0][1]))
    assert "Employment certificate (在職證明)" in text
    assert "https://tracker.example/hr/" in text


def test_an_applicant_without_a_login_is_asked_at_the_address_on_file(
    smtp, world, asked, eager_celery, django_capture_on_commit_callbacks
):
    outside = ApplicantFactory(email="someone@example.org", user=None)
    case = services.case_create(
        actor=world.agency_staff,
        applicant=outside,
        kind="new",
        channel="agency",
        agency=world.agency,
        employer=world.acme,
        application_number="115551035499",
        status="nia_initial_review",
    )
    supplement = services.supplement_create(
        case=case,
        actor=world.agency_staff,
        requesting_body="nia_initial",
        notice_date=timezone.localdate(),
        rule="30d",
    )
    services.item_add(
        supplement=supplement,
        actor=world.agency_staff,
        kind="document",
        description="Degree certificate",
        waits_on="applicant",
    )

    (row,) = remind(
        supplement, world.agency_staff, "applicant", capture=django_capture_on_commit_callbacks
    )

    assert row.recipient is None
    assert [recipients for recipients, _content in smtp.received] == [["someone@example.org"]]
    text = body_text(message(smtp.received[0][1]))
    assert "Reply to this email with the documents attached" in text
    assert "/me/" not in text


def test_who_may_remind_whom(world, open_supplement, asked):
    for someone in (world.hr_acme, world.applicant_user):
        with pytest.raises(PermissionDenied):
            reminders.remind(supplement=open_supplement, actor=someone, party="applicant")
    with pytest.raises(InvalidInput):
        reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="agency")
    assert not Reminder.objects.exists()


def test_nothing_waiting_means_nothing_to_remind(world, open_supplement, asked):
    services.item_set_state(item=asked["applicant"], actor=world.agency_staff, state="not_needed")

    with pytest.raises(reminders.NothingAsked) as refused:
        reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="applicant")

    assert refused.value.code == "nothing_asked"
    assert not Reminder.objects.exists()


def test_one_reminder_per_party_within_the_interval(
    world, open_supplement, asked, settings, time_machine
):
    settings.REMINDER_MIN_HOURS = 12
    time_machine.move_to(timezone.now(), tick=False)
    reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="applicant")

    with pytest.raises(reminders.RemindedRecently) as refused:
        reminders.remind(supplement=open_supplement, actor=world.agency_admin, party="applicant")
    assert world.agency_staff.username in refused.value.message  # who, in words
    # The other party is a separate conversation.
    reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="employer")

    time_machine.shift(dt.timedelta(hours=12, minutes=1))
    reminders.remind(supplement=open_supplement, actor=world.agency_admin, party="applicant")
    assert Reminder.objects.filter(party="applicant").count() == 2


def test_a_submitted_supplement_asks_nothing(world, open_supplement, asked):
    services.supplement_submit(supplement=open_supplement, actor=world.agency_staff, force=True)

    with pytest.raises(SupplementLocked):
        reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="applicant")


def test_a_temporary_refusal_waits_then_sends_exactly_once(
    smtp, world, open_supplement, asked, settings
):
    settings.ALERT_RETRY_BASE_SECONDS = 60
    (row,) = reminders.remind(
        supplement=open_supplement, actor=world.agency_staff, party="applicant"
    )
    smtp.handler.mode = "temporary"

    wait = reminders.deliver(row.pk)

    assert wait == dt.timedelta(seconds=60)
    row.refresh_from_db()
    assert (row.status, row.reason, row.attempts) == (
        ReminderStatus.PENDING,
        AlertReason.SMTP_TEMPORARY,
        1,
    )
    assert "451" in row.error
    assert row.send_after > timezone.now()

    smtp.handler.mode = "accept"
    assert reminders.deliver(row.pk) is None
    assert reminders.deliver(row.pk) is None  # a duplicate task finds it sent
    row.refresh_from_db()
    assert (row.status, row.reason, row.attempts) == (ReminderStatus.SENT, "", 2)
    assert len(smtp.received) == 1


def test_a_permanent_refusal_is_recorded(smtp, world, open_supplement, asked):
    (row,) = reminders.remind(
        supplement=open_supplement, actor=world.agency_staff, party="applicant"
    )
    smtp.handler.mode = "permanent"

    assert reminders.deliver(row.pk) is None

    row.refresh_from_db()
    assert (row.status, row.reason) == (ReminderStatus.FAILED, AlertReason.SMTP_PERMANENT)
    assert "550" in row.error


def test_a_sender_that_died_is_taken_over_after_the_lease(
    smtp, world, open_supplement, asked, settings
):
    settings.ALERT_CLAIM_LEASE_SECONDS = 600
    (row,) = reminders.remind(
        supplement=open_supplement, actor=world.agency_staff, party="applicant"
    )
    Reminder.objects.filter(pk=row.pk).update(
        status=ReminderStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=60)
    )
    assert reminders.deliver(row.pk) is None  # still someone else's
    assert smtp.received == []

    Reminder.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - dt.timedelta(seconds=601))
    assert reminders.deliver(row.pk) is None
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT
    assert len(smtp.received) == 1


def test_the_sweep_requeues_reminders_whose_task_was_lost(
    smtp, world, open_supplement, asked, eager_celery, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    (row,) = reminders.remind(
        supplement=open_supplement, actor=world.agency_staff, party="applicant"
    )  # no on_commit here: the task was never sent
    assert reminders.requeue_stranded() == 0  # too early to call it lost

    time_machine.shift(dt.timedelta(minutes=6))
    assert reminders.requeue_stranded() == 1

    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT
    assert reminders.requeue_stranded() == 0
    assert len(smtp.received) == 1


# --- The API and the page ----------------------------------------------------------------------------
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_reminds_and_lists(world, open_supplement, asked):
    path = f"/api/v1/supplements/{open_supplement.pk}/reminders/"

    created = api(world.agency_staff).post(path, {"party": "employer"}, format="json")
    assert created.status_code == 202, created.json()
    (body,) = created.json()
    assert (body["party"], body["email"], body["status"]) == (
        "employer",
        world.hr_acme.email,
        "queued",
    )
    assert body["asked"][0]["description"] == "Employment certificate (在職證明)"

    again = api(world.agency_admin).post(
        path, {"party": "employer"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hant"
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "reminded_recently"

    listed = api(world.agency_admin).get(path)
    assert [row["id"] for row in listed.json()] == [body["id"]]
    assert api(world.hr_acme).get(path).status_code == 403
    assert api(world.hr_globex).post(path, {"party": "employer"}, format="json").status_code == 404
    assert Reminder.objects.count() == 1


def test_the_workspace_offers_the_reminder_and_says_when_it_went(
    client, world, open_supplement, asked
):
    client.force_login(world.agency_staff)
    page = client.get(f"/supplements/{open_supplement.pk}/").content.decode()
    assert "Remind the applicant (催件)" in page
    assert "Remind the employer's HR (催件)" in page

    response = client.post(
        f"/supplements/{open_supplement.pk}/remind/", {"party": "applicant"}, follow=True
    )

    page = response.content.decode()
    assert f"Reminder on its way to {world.applicant_user.email}." in page
    assert "Last reminded" in page
    assert "Next reminder possible at" in page
    refused = client.post(f"/supplements/{open_supplement.pk}/remind/", {"party": "applicant"})
    assert refused.status_code == 409
    assert Reminder.objects.count() == 1

    client.force_login(world.hr_acme)
    page = client.get(f"/supplements/{open_supplement.pk}/").content.decode()
    assert "Remind the applicant" not in page


def test_the_admin_lists_reminders_only_on_cases_in_scope(client, world, open_supplement, asked):
    from tests.test_admin_scoping import make_staff

    reminders.remind(supplement=open_supplement, actor=world.agency_staff, party="applicant")
    for user, rows in ((world.agency_admin, 1), (world.outsider, 0)):
        client.force_login(make_staff(user))
        page = client.get("/admin/notifications/reminder/")
        assert page.status_code == 200
        assert page.context["cl"].result_count == rows


def test_the_alerts_and_the_pages_agree_on_whom_a_rejected_document_waits_on(
    world, open_supplement, asked
):
    """A document item answered by a file that was then rejected waits on its party again, for
    the alert sweep as for the pages (cases.selectors.waiting_on_map)."""
    from cases import services as document_services
    from cases.selectors import waiting_on_map
    from notifications.subjects import supplement_waits_on
    from tests.documents import files

    for item in (asked["employer"], asked["agency"]):
        services.item_set_state(item=item, actor=world.agency_staff, state="not_needed")
    document = services.document_add(
        supplement=open_supplement,
        actor=world.applicant_user,
        data=files.small_pdf("passport"),
        name="passport.pdf",
        item=asked["applicant"],
    )
    assert supplement_waits_on([open_supplement.pk]) == {open_supplement.pk: ("agency",)}

    document_services.document_reject(document=document, actor=world.agency_staff, reason="Blurred")

    assert supplement_waits_on([open_supplement.pk]) == {open_supplement.pk: ("applicant",)}
    assert waiting_on_map([open_supplement.pk]) == {open_supplement.pk: ["applicant"]}
    assert [entry["description"] for entry in reminders.asked_of(open_supplement, "applicant")] == [
        "Passport data page (護照資料頁)"
    ]


def test_the_sweep_takes_back_a_reminder_whose_sender_died_mid_send(
    smtp, world, open_supplement, asked, eager_celery, settings
):
    settings.ALERT_CLAIM_LEASE_SECONDS = 600
    (row,) = reminders.remind(
        supplement=open_supplement, actor=world.agency_staff, party="applicant"
    )
    Reminder.objects.filter(pk=row.pk).update(
        status=ReminderStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=60)
    )
    assert reminders.requeue_stranded() == 0  # its sender may still be at it

    Reminder.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - dt.timedelta(seconds=601))
    assert reminders.requeue_stranded() == 1

    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT
    assert len(smtp.received) == 1
