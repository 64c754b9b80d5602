"""Why an alert was skipped, failed or waits for a retry: stored as a code (AlertReason), shown in
the reader's language on /alerts/ and in the admin, with its detail (the snooze date, the attempts,
the mail server's answer); and the migration that turned the old English sentences into codes."""

from __future__ import annotations

import datetime as dt
import struct

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import Membership, Profile
from cases import services
from cases.models import SupplementRequest
from notifications import services as alert_services
from notifications.models import Alert, AlertReason, AlertStatus
from notifications.sweep import record_due_alerts, run_sweep
from tests.notifications.conftest import supplement_due, taipei
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 15)

# What the alert log shows for each reason, in English and in Traditional Chinese. The zh-Hant texts
# come from the catalogue the `zh_catalogue` fixture installs, so that the tests do not wait for the
# project's translations; the statuses ("未寄送（已不需要）", "失敗") come from the project's own.
ZH = {
    str(AlertReason.NOT_DUE.label): "已不需提醒：已完成、已撤回，或期限已變更。",
    str(AlertReason.NO_ACCESS.label): "收件人已無權查看此案件。",
    str(AlertReason.ACKNOWLEDGED.label): "案件已有人確認處理：不再升級通知。",
    str(AlertReason.SNOOZED.label): "收件人已暫緩提醒。",
    str(AlertReason.INACTIVE.label): "帳號已停用或不存在。",
    str(AlertReason.NO_EMAIL.label): "此使用者沒有電子郵件地址。",
    str(AlertReason.GAVE_UP.label): "多次暫時性失敗後已放棄寄送。",
    str(AlertReason.SMTP_PERMANENT.label): "郵件伺服器拒收此郵件。",
    str(AlertReason.SMTP_TEMPORARY.label): "郵件伺服器暫時無法接收，稍後將重試。",
    str(AlertReason.INTERNAL.label): "系統錯誤導致此提醒未寄出；詳見伺服器日誌。",
}
ZH_PLURALS = {
    ("Gave up after %(attempts)d attempt.", "Gave up after %(attempts)d attempts."): (
        "嘗試 %(attempts)d 次後已放棄寄送。"
    ),
}
STATUS = {
    "skipped": {"en": "Not sent (no longer needed)", "zh-hant": "未寄送（已不需要）"},
    "failed": {"en": "Failed", "zh-hant": "失敗"},
    "pending": {"en": "Waiting to be sent", "zh-hant": "等待寄送"},
}


def write_mo(path, messages: dict[str, str]) -> None:
    """A GNU .mo catalogue (what msgfmt writes) holding `messages`."""
    entries = sorted((key.encode(), value.encode()) for key, value in messages.items())
    header_size, entry_size = 7 * 4, 8
    keys_at = header_size
    values_at = keys_at + len(entries) * entry_size
    data_at = values_at + len(entries) * entry_size
    offsets, data = [], b""
    for key, _value in entries:
        offsets.append((len(key), data_at + len(data)))
        data += key + b"\0"
    value_offsets = []
    for _key, value in entries:
        value_offsets.append((len(value), data_at + len(data)))
        data += value + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(entries), keys_at, values_at, 0, 0)
    table = b"".join(struct.pack("<2I", *pair) for pair in offsets + value_offsets)
    path.write_bytes(header + table + data)


@pytest.fixture
def zh_catalogue(settings, tmp_path):
    """zh-Hant texts for the reason labels, ahead of the project's catalogue (LOCALE_PATHS order)."""
    folder = tmp_path / "locale" / "zh_Hant" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    messages = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n",
        **ZH,
    }
    for (singular, plural), translated in ZH_PLURALS.items():
        messages[f"{singular}\0{plural}"] = translated
    write_mo(folder / "django.mo", messages)
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]


@pytest.fixture(autouse=True)
def _site(settings, zh_catalogue):
    settings.SITE_URL = "https://tracker.example"


def expected(text: str, language: str) -> str:
    return ZH.get(text, text) if language == "zh-hant" else text


def alert_log(client, user, language: str) -> str:
    """The alert log table of /alerts/ as `user`, whose saved language is `language`."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})
    client.force_login(user)
    page = client.get("/alerts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    return html[html.index('<table id="alert-log"') :]


def outcome(code: str, status: str, text: str, language: str) -> str:
    return f'{STATUS[status][language]}: <span class="reason" data-reason="{code}">{text}</span>'


def by_language():
    return pytest.mark.parametrize("language", ["en", "zh-hant"])


# --- Skipped ---------------------------------------------------------------------------------------
@by_language()
def test_no_longer_due(client, world, language):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    with time_machine.travel(taipei(2026, 12, 8, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 8, 0, 5))  # the 7-day stage, for 08:00
        services.supplement_override_deadline(
            supplement=supplement,
            actor=world.agency_staff,
            deadline=DUE + dt.timedelta(days=30),
            reason="Extended",
        )
    with time_machine.travel(taipei(2026, 12, 8, 8, 5), tick=False):
        assert run_sweep().skipped == 1
        log = alert_log(client, world.agency_staff, language)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert (alert.status, alert.reason, alert.error) == ("skipped", "not_due", "")
    label = expected("No longer due: done, withdrawn, or the deadline moved.", language)
    assert outcome("not_due", "skipped", label, language) in log


@by_language()
def test_the_recipient_can_no_longer_see_the_case(client, world, language):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement_due(world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff)
    with time_machine.travel(taipei(2026, 12, 12, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 12, 0, 5))  # 3 days: Acme's HR is told at 08:00
        Membership.objects.filter(user=world.hr_acme).delete()  # left Acme since
    with time_machine.travel(taipei(2026, 12, 12, 8, 5), tick=False):
        run_sweep()
        log = alert_log(client, world.hr_acme, language)
    alert = Alert.objects.get(recipient=world.hr_acme)
    assert (alert.status, alert.reason) == ("skipped", "no_access")
    label = expected("The recipient can no longer see this case.", language)
    assert outcome("no_access", "skipped", label, language) in log


@by_language()
def test_acknowledged_by_someone_on_the_case(client, world, language):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    with time_machine.travel(taipei(2026, 12, 12, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 12, 0, 5))  # 3 days: escalation to the admin
        alert_services.alert_acknowledge(
            user=world.agency_staff, subject_kind="supplement", subject_id=supplement.pk
        )
    with time_machine.travel(taipei(2026, 12, 12, 8, 5), tick=False):
        run_sweep()
        log = alert_log(client, world.agency_admin, language)
    alert = Alert.objects.get(recipient=world.agency_admin)
    assert (alert.status, alert.role, alert.reason) == ("skipped", "escalation", "acknowledged")
    label = expected("Acknowledged by someone on the case: no escalation.", language)
    assert outcome("acknowledged", "skipped", label, language) in log


@by_language()
def test_snoozed_shows_until_when(client, world, language):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    with time_machine.travel(taipei(2026, 12, 8, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 8, 0, 5))  # the 7-day stage, for 08:00
        alert_services.alert_snooze(
            user=world.agency_staff, subject_kind="supplement", subject_id=supplement.pk, days=3
        )
    with time_machine.travel(taipei(2026, 12, 8, 8, 5), tick=False):
        run_sweep()
        log = alert_log(client, world.agency_staff, language)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert (alert.status, alert.reason, alert.snoozed_until, alert.error) == (
        "skipped",
        "snoozed",
        dt.date(2026, 12, 11),
        "",
    )
    # The project's catalogue already has this phrase (the deadlines table uses it).
    label = {"en": "Snoozed until 2026-12-11", "zh-hant": "已暫緩至 2026-12-11"}[language]
    assert outcome("snoozed", "skipped", label, language) in log


@by_language()
def test_an_inactive_account_is_shown_to_staff_in_the_admin(
    admin_client, admin_user, world, language
):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement_due(world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff)
    with time_machine.travel(taipei(2026, 12, 14, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 14, 0, 5))
        world.hr_acme.is_active = False
        world.hr_acme.save()
        run_sweep()
    alert = Alert.objects.get(recipient=world.hr_acme)
    assert (alert.status, alert.reason, alert.error) == ("skipped", "inactive", "")
    # The person cannot log in any more: staff read it in the admin, in their own language.
    Profile.objects.update_or_create(user=admin_user, defaults={"language": language})
    page = admin_client.get(f"/admin/notifications/alert/{alert.pk}/change/")
    assert page.status_code == 200
    assert expected("The account is inactive or gone.", language) in page.content.decode()


# --- Failed ----------------------------------------------------------------------------------------
@by_language()
def test_no_email_address(client, world, language):
    world.agency_staff.email = ""
    world.agency_staff.save()
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        assert run_sweep().failed == 1
        log = alert_log(client, world.agency_staff, language)
    label = expected("The user has no email address.", language)
    assert outcome("no_email", "failed", label, language) in log


@by_language()
def test_an_error_in_the_tracker_is_recorded_with_its_detail(client, world, language, caplog):
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        # A stored readiness verdict the digest cannot read: the staff's email cannot be written.
        SupplementRequest.objects.filter(pk=supplement.pk).update(missing=[{"params": {}}])
        result = run_sweep()
        log = alert_log(client, world.agency_staff, language)
    # The agency's side (assignee, admin) fails; HR's email, which lists nothing missing, goes.
    assert (result.failed, result.sent) == (2, 1)
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert (alert.status, alert.reason, alert.error) == ("failed", "internal", "KeyError: 'code'")
    assert "alert delivery to user" in caplog.text
    label = expected("An error in the tracker stopped this alert; see the server log.", language)
    assert (
        outcome("internal", "failed", label, language)
        + (" <small><code>KeyError: &#x27;code&#x27;</code></small>")
        in log
    )


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.use(settings)
        yield server


@pytest.fixture
def due_tomorrow(world):
    return supplement_due(
        world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
    )


NOW = taipei(2026, 12, 14, 9)


@by_language()
def test_a_permanent_refusal(client, smtp, due_tomorrow, world, language):
    smtp.handler.mode = "permanent"
    with time_machine.travel(NOW, tick=False):
        run_sweep(now=NOW)
        log = alert_log(client, world.agency_staff, language)
    label = expected("The mail server refused the message.", language)
    assert outcome("smtp_permanent", "failed", label, language) in log
    assert "5.1.1 No such user here" in log  # the server's own words, untranslated


@by_language()
def test_a_temporary_refusal_waits_for_the_retry(client, smtp, due_tomorrow, world, language):
    smtp.handler.mode = "temporary"
    with time_machine.travel(NOW, tick=False):
        run_sweep(now=NOW)
        log = alert_log(client, world.agency_staff, language)
    label = expected(
        "The mail server did not take the message yet; it will be tried again.", language
    )
    assert outcome("smtp_temporary", "pending", label, language) in log
    assert "4.3.0 Mailbox temporarily unavailable" in log


@by_language()
def test_giving_up_says_after_how_many_attempts(
    client, smtp, due_tomorrow, world, settings, language
):
    settings.ALERT_MAX_ATTEMPTS = 2
    smtp.handler.mode = "temporary"
    later = NOW + dt.timedelta(minutes=5)
    run_sweep(now=NOW)
    with time_machine.travel(later, tick=False):
        run_sweep(now=later)
        log = alert_log(client, world.agency_staff, language)
    label = {"en": "Gave up after 2 attempts.", "zh-hant": "嘗試 2 次後已放棄寄送。"}[language]
    assert outcome("gave_up", "failed", label, language) in log


def test_a_sent_alert_shows_no_reason_and_a_retry_clears_it(client, smtp, due_tomorrow, world):
    smtp.handler.mode = "temporary"
    run_sweep(now=NOW)
    smtp.handler.mode = "accept"
    run_sweep(now=NOW + dt.timedelta(minutes=5))
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert (alert.status, alert.reason, alert.error, alert.reason_text) == ("sent", "", "", "")
    with time_machine.travel(NOW, tick=False):
        log = alert_log(client, world.agency_staff, "en")
    assert 'class="reason"' not in log


def test_a_failed_alert_queued_again_no_longer_shows_the_old_reason(world):
    alert = Alert.objects.create(
        recipient=world.agency_staff,
        subject_kind="supplement",
        subject_id=1,
        case=world.acme_case,
        due_on=DUE,
        offset=1,
        role="assignee",
        status=AlertStatus.FAILED,
        reason=AlertReason.SMTP_PERMANENT,
        error="SMTPRecipientsRefused: ...",
        send_after=taipei(2026, 12, 14),
        attempts=1,
    )
    with translation.override("en"):
        assert alert.reason_text == "The mail server refused the message."
    alert_services.alerts_resend(alert_ids=[alert.pk])
    alert.refresh_from_db()
    assert (alert.status, alert.reason_text) == (AlertStatus.PENDING, "")


# --- The data migration ------------------------------------------------------------------------------
OLD_ROWS = [
    # (status, error before, attempts) → (reason, error after, snoozed_until)
    (
        ("skipped", "No longer due: done, withdrawn, or the deadline moved.", 0),
        ("not_due", "", None),
    ),
    (("skipped", "The recipient can no longer see this case.", 0), ("no_access", "", None)),
    (
        ("skipped", "Acknowledged by someone on the case: no escalation.", 0),
        ("acknowledged", "", None),
    ),
    (("skipped", "Snoozed until 2026-12-11.", 0), ("snoozed", "", dt.date(2026, 12, 11))),
    (("skipped", "The account is inactive or gone.", 0), ("inactive", "", None)),
    (("failed", "The user has no email address.", 0), ("no_email", "", None)),
    (
        (
            "failed",
            "Gave up after 8 attempts: SMTPRecipientsRefused: {'a@b.example': (451, b'x')}",
            8,
        ),
        ("gave_up", "SMTPRecipientsRefused: {'a@b.example': (451, b'x')}", None),
    ),
    (
        ("failed", "SMTPRecipientsRefused: {'a@b.example': (550, b'5.1.1 No such user')}", 1),
        (
            "smtp_permanent",
            "SMTPRecipientsRefused: {'a@b.example': (550, b'5.1.1 No such user')}",
            None,
        ),
    ),
    (("failed", "KeyError: 'code'", 1), ("internal", "KeyError: 'code'", None)),
    (
        ("pending", "ConnectionRefusedError: [Errno 111] Connection refused", 1),
        ("smtp_temporary", "ConnectionRefusedError: [Errno 111] Connection refused", None),
    ),
    (("sent", "", 1), ("", "", None)),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_old_sentences_into_codes_and_back(world):
    executor = MigrationExecutor(connection)
    before = [("notifications", "0002_alert_reason")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldAlert = old_apps.get_model("notifications", "Alert")
    ids = []
    for number, ((status, error, attempts), _after) in enumerate(OLD_ROWS):
        ids.append(
            OldAlert.objects.create(
                recipient_id=world.agency_staff.pk,
                subject_kind="supplement",
                subject_id=number,
                case_id=world.acme_case.pk,
                due_on=DUE,
                offset=1,
                role="assignee",
                status=status,
                error=error,
                attempts=attempts,
                send_after=taipei(2026, 12, 14),
                sent_at=taipei(2026, 12, 14) if status == "sent" else None,
            ).pk
        )
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0003_alert_reason_from_error")])
    migrated = executor.loader.project_state(
        [("notifications", "0003_alert_reason_from_error")]
    ).apps.get_model("notifications", "Alert")
    rows = {
        row.pk: (row.reason, row.error, row.snoozed_until)
        for row in migrated.objects.filter(pk__in=ids)
    }
    assert [rows[pk] for pk in ids] == [after for _before, after in OLD_ROWS]

    # And back: the sentences as they were (the codes' columns go away).
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    reverted = executor.loader.project_state(before).apps.get_model("notifications", "Alert")
    errors = dict(reverted.objects.filter(pk__in=ids).values_list("pk", "error"))
    assert [errors[pk] for pk in ids] == [error for (_s, error, _a), _after in OLD_ROWS]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
