"""The sweep with frozen time: offsets, recipients by role and tenancy, time zones, an extended
deadline, submission stopping alerts, the digest, quiet hours, exactly once, kill and resume."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import Profile
from cases import services
from cases.choices import ItemKind, Party
from cases.models import SupplementRequest
from notifications import services as alert_services
from notifications.delivery import deliver_due
from notifications.models import (
    Alert,
    AlertPreference,
    AlertReason,
    AlertStatus,
    PlannedStage,
    SubjectKind,
)
from notifications.planner import insert_new
from notifications.sweep import record_due_alerts, run_sweep
from tests.factories import CaseFactory, MembershipFactory
from tests.notifications.conftest import supplement_due, taipei

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 15)
# Recording (subjects of four kinds, people, responses, the inserts) and sending (claim, re-check,
# one UPDATE per email): flat in the number of subjects. Taking back expired leases is part of the
# claim's UPDATE (notifications.outbox), not a query of its own.
QUERIES_PER_SWEEP = 30


def _lock_queries() -> int:
    """On PostgreSQL the sweep takes and releases an advisory lock (notifications.sweep_lock):
    two queries, however many subjects; elsewhere the lock is a file or a process lock."""
    from django.db import connection

    return 2 if connection.vendor == "postgresql" else 0


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tracker.example"


def sent(user) -> list[tuple[int, int]]:
    """(subject id, offset) of the alerts sent to `user`, in order."""
    return list(
        Alert.objects.filter(recipient=user, status=AlertStatus.SENT)
        .order_by("sent_at", "id")
        .values_list("subject_id", "offset")
    )


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweep()


def test_every_offset_once_over_the_life_of_a_supplement(world):
    with time_machine.travel(taipei(2026, 11, 1, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    per_day = {}
    day = dt.date(2026, 11, 25)
    while day <= DUE + dt.timedelta(days=4):
        # Two sweeps a day, one before and one in the digest hour.
        first = sweep_at(taipei(day.year, day.month, day.day, 0, 5))
        second = sweep_at(taipei(day.year, day.month, day.day, 8, 5))
        per_day[day] = (first.sent, second.sent)
        day += dt.timedelta(days=1)
    assert sent(world.agency_staff) == [
        (supplement.pk, 14),
        (supplement.pk, 7),
        (supplement.pk, 3),
        (supplement.pk, 1),
        (supplement.pk, 0),
        (supplement.pk, -1),
    ]
    assert [o for _s, o in sent(world.agency_admin)] == [3, 1, 0, -1]
    assert [o for _s, o in sent(world.hr_acme)] == [3, 1, 0, -1]
    # Urgent stages go out at the first sweep of the day; the rest wait for the 08:00 digest.
    by_offset = {
        offset: per_day[DUE - dt.timedelta(days=offset)] for offset in (14, 7, 3, 1, 0, -1)
    }
    assert by_offset == {14: (0, 1), 7: (0, 1), 3: (0, 3), 1: (3, 0), 0: (3, 0), -1: (3, 0)}
    quiet_days = [day for day, counts in per_day.items() if counts == (0, 0)]
    assert len(quiet_days) == len(per_day) - 6
    assert Alert.objects.filter(status=AlertStatus.PENDING).count() == 0


def test_the_clock_is_the_taipei_date(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement_due(world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff)
    # 2026-12-13 23:59 in Taipei is still two days before; one minute later it is "due tomorrow"
    # though UTC still says 2026-12-13.
    sweep_at(taipei(2026, 12, 13, 8, 0))  # the 3-day stage, in the digest
    assert [offset for _s, offset in sent(world.agency_staff)] == [3]
    assert sweep_at(taipei(2026, 12, 13, 23, 59)).sent == 0
    result = sweep_at(dt.datetime(2026, 12, 13, 16, 0, tzinfo=dt.UTC))
    assert result.sent == 3  # the assignee, the admin (escalation), Acme's HR
    assert [offset for _s, offset in sent(world.agency_staff)] == [3, 1]


def test_recipients_by_role_and_tenancy(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
        services.item_add(
            supplement=supplement,
            actor=world.agency_staff,
            kind=ItemKind.DOCUMENT,
            description="Passport data page (護照資料頁)",
            waits_on=Party.APPLICANT,
        )
        # Another agency's case of an Acme employee, for the outsider: never mixed up.
        supplement_due(world.other_agency_case, world.outsider, DUE, assignee=world.outsider)
    sweep_at(taipei(2026, 12, 1, 8, 5))  # 14 days before
    assert sent(world.applicant_user) == [(supplement.pk, 14)]
    assert sent(world.agency_staff) == [(supplement.pk, 14)]
    assert sent(world.agency_admin) == []
    assert sent(world.hr_acme) == []
    sweep_at(taipei(2026, 12, 12, 8, 5))  # 3 days before: escalation and HR
    assert sent(world.agency_admin) == [(supplement.pk, 3)]
    assert [offset for _s, offset in sent(world.hr_acme)] == [3, 3]  # both Acme cases
    assert sent(world.hr_globex) == []
    assert {a.recipient_id for a in Alert.objects.filter(subject_id=supplement.pk)} == {
        world.applicant_user.pk,
        world.agency_staff.pk,
        world.agency_admin.pk,
        world.hr_acme.pk,
    }
    assert not Alert.objects.filter(recipient=world.outsider, case=world.acme_case).exists()
    assert set(
        Alert.objects.filter(recipient=world.outsider).values_list("case_id", flat=True)
    ) == {world.other_agency_case.pk}


def test_an_assignee_who_cannot_see_the_case_is_not_told(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(world.acme_case, world.agency_staff, DUE)
    # The services refuse such an assignee now; a row from before, or someone whose access was
    # taken since, still holds one.
    SupplementRequest.objects.filter(pk=supplement.pk).update(assignee=world.outsider)
    sweep_at(taipei(2026, 12, 14, 0, 5))
    assert sent(world.outsider) == []
    # Unassigned in effect: the agency's admins hear of it instead.
    assert [offset for _s, offset in sent(world.agency_admin)] == [1]


def test_acknowledging_stops_escalation(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    sweep_at(taipei(2026, 12, 8, 8, 5))  # 7 days
    with time_machine.travel(taipei(2026, 12, 8, 10), tick=False):
        alert_services.alert_acknowledge(
            user=world.agency_staff, subject_kind="supplement", subject_id=supplement.pk
        )
    for day in (12, 14, 15, 16):
        sweep_at(taipei(2026, 12, day, 8, 5))
    assert [o for _s, o in sent(world.agency_staff)] == [7, 3, 1, 0, -1]
    assert sent(world.agency_admin) == []


def test_an_extended_deadline_moves_every_alert(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    sweep_at(taipei(2026, 12, 12, 8, 5))  # 3 days before the first deadline
    assert [o for _s, o in sent(world.agency_staff)] == [3]
    new_due = DUE + dt.timedelta(days=20)  # 2027-01-04
    with time_machine.travel(taipei(2026, 12, 12, 9), tick=False):
        services.supplement_override_deadline(
            supplement=supplement,
            actor=world.agency_staff,
            deadline=new_due,
            reason="Extension granted by NIA",
        )
    # The old deadline's "due tomorrow" and "due today" never come.
    for day in (14, 15, 16):
        assert sweep_at(taipei(2026, 12, day, 8, 5)).sent == 0
    sweep_at(taipei(2026, 12, 21, 8, 5))  # 14 days before the new deadline
    sweep_at(taipei(2027, 1, 1, 8, 5))  # 3 days before
    assert list(
        Alert.objects.filter(recipient=world.agency_staff, status=AlertStatus.SENT)
        .order_by("sent_at")
        .values_list("due_on", "offset")
    ) == [(DUE, 3), (new_due, 14), (new_due, 3)]


def test_a_pending_alert_is_dropped_once_the_deadline_moves(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    with time_machine.travel(taipei(2026, 12, 8, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 8, 0, 5))  # the 7-day stage, waiting for 08:00
        services.supplement_override_deadline(
            supplement=supplement,
            actor=world.agency_staff,
            deadline=DUE + dt.timedelta(days=30),
            reason="Extended",
        )
    result = sweep_at(taipei(2026, 12, 8, 8, 5))
    assert result.sent == 0
    assert set(Alert.objects.values_list("status", "reason", "error")) == {
        (AlertStatus.SKIPPED, AlertReason.NOT_DUE, "")
    }


def test_alerts_stop_once_submitted_or_withdrawn(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        submitted = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
        withdrawn = supplement_due(
            world.globex_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    with time_machine.travel(taipei(2026, 12, 12, 0, 5), tick=False):
        record_due_alerts(now=taipei(2026, 12, 12, 0, 5))  # 3-day stage recorded, not sent
        services.supplement_set_reply(
            supplement=submitted, actor=world.agency_staff, reply="已補正"
        )
        services.supplement_submit(supplement=submitted, actor=world.agency_staff)
        services.supplement_withdraw(supplement=withdrawn, actor=world.agency_staff)
    total = sum(sweep_at(taipei(2026, 12, day, 8, 5)).sent for day in (12, 14, 15, 16, 20))
    assert total == 0
    assert len(mail.outbox) == 0
    assert Alert.objects.exclude(status=AlertStatus.SKIPPED).count() == 0


def test_the_command_sends_once_and_says_how_many(world):
    with time_machine.travel(taipei(2026, 12, 15, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 14), assignee=world.agency_staff
        )
        out = StringIO()
        call_command("send_deadline_alerts", stdout=out)
        # Overdue: the assignee, the admin (escalation) and Acme's HR, one email each.
        assert out.getvalue() == "Sent 3 alerts in 3 emails.\n"
        again = StringIO()
        call_command("send_deadline_alerts", stdout=again)
        assert again.getvalue() == "Sent 0 alerts in 0 emails.\n"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.agency_staff.email, world.agency_admin.email, world.hr_acme.email]
    )


def test_one_digest_per_person_per_sweep_overdue_first(world, settings):
    with time_machine.travel(taipei(2026, 12, 1, 9), tick=False):
        late = supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 9), assignee=world.agency_staff
        )
        tomorrow = supplement_due(
            world.globex_case,
            world.agency_staff,
            dt.date(2026, 12, 11),
            assignee=world.agency_staff,
        )
        week = supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 17), assignee=world.agency_staff
        )
    # 03:00: only the immediate ones (overdue, due tomorrow), in one email.
    first = sweep_at(taipei(2026, 12, 10, 3))
    mine = [m for m in mail.outbox if m.to == [world.agency_staff.email]]
    assert len(mine) == 1
    assert mine[0].subject == "[Gold Card] 2 deadlines need attention (1 overdue)"
    body = mine[0].body
    assert body.index(late.case.reference) < body.index(tomorrow.case.reference)
    assert "Overdue by 1 day (逾期)" in body
    assert "Due tomorrow (明日到期)" in body
    assert "round 2" not in body
    html, mimetype = mine[0].alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://tracker.example/supplements/{late.pk}/"' in html
    assert first.emails == len(mail.outbox)
    # 08:05: the 7-day stage in the digest.
    sweep_at(taipei(2026, 12, 10, 8, 5))
    mine = [m for m in mail.outbox if m.to == [world.agency_staff.email]]
    assert len(mine) == 2
    assert (
        mine[1].subject
        == f"[Gold Card] 7 days left: {week.case.reference}: supplement (補正) round 2 due"
    )


def test_quiet_hours_and_time_zone_of_the_person(world):
    AlertPreference.objects.create(
        user=world.agency_staff, digest_hour=9, quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    Profile.objects.update_or_create(
        user=world.agency_staff, defaults={"time_zone": "Europe/Berlin"}
    )
    with time_machine.travel(taipei(2026, 12, 1, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
    # 2026-12-14 00:05 Taipei = 2026-12-13 17:05 Berlin: "due tomorrow" goes at once.
    assert sweep_at(taipei(2026, 12, 14, 0, 5)).sent == 3
    assert [o for _s, o in sent(world.agency_staff)] == [1]
    # 2026-12-15 05:30 Taipei = 2026-12-14 22:30 Berlin: quiet until 07:00 Berlin (14:00 Taipei).
    sweep_at(taipei(2026, 12, 15, 5, 30))
    assert [o for _s, o in sent(world.agency_staff)] == [1]
    alert = Alert.objects.get(recipient=world.agency_staff, offset=0)
    assert alert.status == AlertStatus.PENDING
    assert alert.send_after == taipei(2026, 12, 15, 14)
    sweep_at(taipei(2026, 12, 15, 14, 1))
    assert [o for _s, o in sent(world.agency_staff)] == [1, 0]
    message = [m for m in mail.outbox if m.to == [world.agency_staff.email]][-1]
    assert "= 2026-12-15 17:00 in your time zone (Europe/Berlin)" in message.body


def test_language_of_the_person(world):
    Profile.objects.update_or_create(user=world.agency_staff, defaults={"language": "zh-hant"})
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        run_sweep()
    message = next(m for m in mail.outbox if m.to == [world.agency_staff.email])
    html = message.alternatives[0][0]
    assert '<html lang="zh-hant">' in html
    english = next(m for m in mail.outbox if m.to == [world.agency_admin.email])
    assert '<html lang="en">' in english.alternatives[0][0]


def test_snoozing_holds_digest_alerts_but_not_the_last_days(world):
    with time_machine.travel(taipei(2026, 11, 20, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    sweep_at(taipei(2026, 12, 1, 8, 5))  # 14
    with time_machine.travel(taipei(2026, 12, 1, 9), tick=False):
        response = alert_services.alert_snooze(
            user=world.agency_staff, subject_kind="supplement", subject_id=supplement.pk, days=30
        )
    assert response.snoozed_until == dt.date(2026, 12, 13)  # capped: the day before "due tomorrow"
    for day in (8, 12, 14):
        sweep_at(taipei(2026, 12, day, 8, 5))
    assert [o for _s, o in sent(world.agency_staff)] == [14, 1]


def test_a_sweep_killed_after_recording_loses_nothing(world):
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        # The sweep dies between recording and sending.
        assert record_due_alerts(now=taipei(2026, 12, 14, 9)) == 3
        assert len(mail.outbox) == 0
        assert Alert.objects.filter(status=AlertStatus.PENDING).count() == 3
        assert PlannedStage.objects.count() == 1
        # The next sweep sends the pending ones, exactly once.
        result = run_sweep()
        assert (result.recorded, result.sent, result.emails) == (0, 3, 3)
        assert run_sweep().sent == 0
    assert len(mail.outbox) == 3


def test_a_sweep_killed_after_claiming_is_taken_over_after_the_lease(world, settings):
    settings.ALERT_CLAIM_LEASE_SECONDS = 600
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        record_due_alerts(now=taipei(2026, 12, 14, 9))
        # A sweep claimed the rows and died before sending.
        Alert.objects.update(status=AlertStatus.SENDING, claimed_at=taipei(2026, 12, 14, 9))
    # Another sweep within the lease leaves them to their owner.
    assert deliver_due(now=taipei(2026, 12, 14, 9, 5)).sent == 0
    assert len(mail.outbox) == 0
    # After the lease they are sent, once.
    with time_machine.travel(taipei(2026, 12, 14, 9, 11), tick=False):
        assert run_sweep().sent == 3
        assert run_sweep().sent == 0
    assert len(mail.outbox) == 3


def test_a_user_without_email_is_recorded_as_failed(world):
    world.agency_staff.email = ""
    world.agency_staff.save()
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        result = run_sweep()
    assert result.failed == 1
    alert = Alert.objects.get(recipient=world.agency_staff)
    assert (alert.status, alert.reason, alert.error) == (
        AlertStatus.FAILED,
        AlertReason.NO_EMAIL,
        "",
    )


def test_per_organization_offsets(world):
    alert_services.policy_update(
        actor=world.agency_admin, organization=world.agency, offsets=[30, 5, 0], escalate_days=0
    )
    with time_machine.travel(taipei(2026, 11, 1, 9), tick=False):
        supplement = supplement_due(
            world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff
        )
    day = dt.date(2026, 11, 10)
    while day <= DUE + dt.timedelta(days=2):
        sweep_at(taipei(day.year, day.month, day.day, 8, 5))
        day += dt.timedelta(days=1)
    assert sent(world.agency_staff) == [(supplement.pk, 30), (supplement.pk, 5), (supplement.pk, 0)]
    assert sent(world.agency_admin) == [(supplement.pk, 0)]


def test_membership_of_an_inactive_admin_is_ignored(world):
    admin2 = MembershipFactory(organization=world.agency, role="agency_admin").user
    admin2.is_active = False
    admin2.save()
    with time_machine.travel(taipei(2026, 12, 16, 9), tick=False):
        supplement_due(world.acme_case, world.agency_staff, DUE, assignee=world.agency_staff)
        run_sweep()
    assert not Alert.objects.filter(recipient=admin2).exists()
    assert Alert.objects.filter(recipient=world.agency_admin, offset=-1).count() == 1


def test_what_is_missing_is_listed_for_the_agency_only(world):
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        run_sweep()
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert "Reply to the reviewer (審核意見回覆) is empty" in by_recipient[world.agency_staff.email]
    assert "Still missing" not in by_recipient[world.hr_acme.email]


def test_the_scheduled_task_runs_the_same_sweep(world):
    from notifications.tasks import sweep_deadline_alerts

    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        supplement_due(
            world.acme_case, world.agency_staff, dt.date(2026, 12, 15), assignee=world.agency_staff
        )
        first = sweep_deadline_alerts.apply().get()
        second = sweep_deadline_alerts.apply().get()
    assert (first["recorded"], first["sent"], first["emails"]) == (3, 3, 3)
    assert (second["recorded"], second["sent"]) == (0, 0)


def acme_supplements_due(world, count: int, due: dt.date) -> None:
    """`count` more Acme employees' cases at the agency, each with a supplement due on `due`."""
    for _number in range(count):
        case = CaseFactory(agency=world.agency, employer=world.acme)
        supplement_due(case, world.agency_staff, due, assignee=world.agency_staff)


@pytest.mark.parametrize("count", [2, 4])
def test_a_sweep_takes_the_same_queries_for_twice_the_subjects(
    world, count, django_assert_num_queries
):
    with time_machine.travel(taipei(2026, 12, 14, 9), tick=False):
        acme_supplements_due(world, count, dt.date(2026, 12, 15))
        # The same three people (assignee, admin, Acme's HR), one email each, however many items.
        with django_assert_num_queries(QUERIES_PER_SWEEP + _lock_queries()):
            result = run_sweep()
    assert (result.recorded, result.sent, result.emails) == (3 * count, 3 * count, 3)


def test_recording_inserts_each_row_once_with_the_model_defaults(world):
    def row(subject_id: int) -> dict:
        return {
            "recipient_id": world.agency_staff.pk,
            "subject_kind": SubjectKind.SUPPLEMENT,
            "subject_id": subject_id,
            "case_id": world.acme_case.pk,
            "due_on": DUE,
            "offset": 3,
            "role": "assignee",
            "urgent": False,
            "send_after": taipei(2026, 12, 12, 8),
        }

    with time_machine.travel(taipei(2026, 12, 12, 0, 5), tick=False):
        insert_new(Alert, [row(1), row(2)])
        # A repeated or concurrent sweep proposes the same rows again, and one more.
        insert_new(Alert, [row(2), row(1), row(3)])
    alerts = Alert.objects.order_by("subject_id")
    assert [a.subject_id for a in alerts] == [1, 2, 3]
    first = alerts[0]
    assert (first.subject_kind, first.channel, first.status, first.reason, first.attempts) == (
        "supplement",
        "email",
        AlertStatus.PENDING,
        "",
        0,
    )
    assert (first.error, first.message_id, first.claim, first.sent_at) == ("", "", None, None)
    assert first.created_at == first.updated_at == taipei(2026, 12, 12, 0, 5)
    assert first.send_after == taipei(2026, 12, 12, 8)
