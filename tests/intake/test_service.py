"""The intake's rules from both sides: matching, duplicates, tenancy, not-a-notice, the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases import services as case_services
from cases.choices import AttachmentKind, DeadlineRule, RequestingBody
from cases.models import SupplementAttachment, SupplementRequest
from intake import services
from intake.models import IncomingNotice, Outcome, Source

CORPUS = Path(__file__).parent / "corpus"


def ingest(world, name, organization="agency", actor=None):
    org = getattr(world, organization) if organization else None
    return services.notice_ingest(
        data=(CORPUS / name).read_bytes(),
        name=name,
        organization=org,
        actor=actor,
        source=Source.COMMAND,
    )


def test_matching_notice_creates_the_supplement_to_confirm_with_its_deadline(world):
    result = ingest(world, "nia_utf8_zh.eml")

    supplement = result.supplement
    assert result.outcome == Outcome.MATCHED
    assert supplement.case == world.acme_case
    assert (supplement.round, supplement.to_confirm) == (1, True)
    assert supplement.notice_date == dt.date(2026, 11, 24)
    assert supplement.rule == DeadlineRule.DAYS_30
    # 30 days from 2026-11-24 end on 2026-12-24 (a Thursday, no holiday).
    assert supplement.deadline == dt.date(2026, 12, 24)
    assert [(c.tab, c.text) for c in supplement.comments.all()] == [
        ("basic", "英文姓氏與護照不符,請更正。"),
        ("upload", "請補附最近三個月之在職證明。"),
    ]
    attachment = SupplementAttachment.objects.get(supplement=supplement)
    assert (attachment.kind, attachment.content_type) == (AttachmentKind.NOTICE, "message/rfc822")
    notice = IncomingNotice.objects.get()
    assert (notice.outcome, notice.supplement_id) == (Outcome.MATCHED, supplement.pk)
    assert notice.fields["notice_date"]["source"] == "發文日期 label, ROC date 民國Y年M月D日"


def test_written_date_in_the_notice_becomes_the_deadline(world):
    result = ingest(world, "nia_big5_zh.eml")

    assert result.supplement.case == world.globex_case
    assert result.supplement.rule == DeadlineRule.CUSTOM
    assert result.supplement.deadline == dt.date(2026, 12, 10)


def test_second_copy_of_the_same_mail_is_a_duplicate_and_creates_nothing(world):
    first = ingest(world, "nia_utf8_zh.eml")
    second = ingest(world, "nia_utf8_zh.eml")

    assert (second.outcome, second.supplement) == ("duplicate", first.supplement)
    assert SupplementRequest.objects.count() == 1
    assert IncomingNotice.objects.count() == 1


def test_same_number_and_date_in_another_mail_is_a_duplicate(world):
    first = ingest(world, "nia_utf8_zh.eml")
    second = ingest(world, "nia_html_only.eml")  # other Message-ID, same number and date

    assert (second.outcome, second.supplement) == ("duplicate", first.supplement)
    assert SupplementRequest.objects.count() == 1


def test_a_supplement_typed_by_hand_from_the_notice_is_recognised(world):
    typed = case_services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=dt.date(2026, 11, 24),
        rule=DeadlineRule.DAYS_30,
    )

    result = ingest(world, "forwarded_en.eml")

    assert (result.outcome, result.supplement) == ("duplicate", typed)


def test_another_agencys_case_is_never_reached_and_not_named(world):
    result = ingest(world, "other_agency_zh.eml")  # Formosa receives the other agency's number

    assert result.outcome == Outcome.UNMATCHED
    assert result.reason == "no case with application number 115551035404"
    assert world.other_agency_case.reference not in result.reason
    assert SupplementRequest.objects.count() == 0


def test_the_other_agency_receiving_it_matches_its_own_case(world):
    result = ingest(world, "other_agency_zh.eml", organization="other_agency")

    assert result.outcome == Outcome.MATCHED
    assert result.supplement.case == world.other_agency_case


def test_the_other_agency_never_reaches_formosas_case(world):
    result = ingest(world, "nia_utf8_zh.eml", organization="other_agency")

    assert result.outcome == Outcome.UNMATCHED
    assert world.acme_case.supplements.count() == 0


def test_match_by_name_only_goes_to_the_unmatched_inbox(world):
    result = ingest(world, "name_only_en.eml")

    assert result.outcome == Outcome.UNMATCHED
    assert result.reason == (
        f"no application number; the name matches {world.acme_case.reference} (not matched by name)"
    )
    assert SupplementRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "seems"),
    [("payment_reminder_zh.eml", "payment reminder"), ("approval_en.eml", "approval")],
)
def test_mail_that_is_no_notice_is_filed_as_such(world, name, seems):
    result = ingest(world, name)

    assert (result.outcome, result.reason) == (Outcome.NOT_A_NOTICE, seems)
    assert IncomingNotice.objects.get().outcome == Outcome.NOT_A_NOTICE
    assert SupplementRequest.objects.count() == 0


def test_staff_attach_an_unmatched_notice_and_confirm_it(world):
    unmatched = ingest(world, "name_only_en.eml").notice

    result = services.notice_attach(
        notice=unmatched, case=world.acme_case, actor=world.agency_staff
    )
    supplement = result.supplement
    assert supplement.to_confirm is True
    assert supplement.attachments.get().kind == AttachmentKind.NOTICE
    unmatched.refresh_from_db()
    assert (unmatched.outcome, unmatched.attached_by) == (Outcome.MATCHED, world.agency_staff)

    confirmed = case_services.supplement_confirm_notice(
        supplement=supplement, actor=world.agency_staff, rule=DeadlineRule.MONTHS_6
    )
    assert (confirmed.to_confirm, confirmed.rule) == (False, DeadlineRule.MONTHS_6)
    assert confirmed.deadline == dt.date(2027, 5, 24)
    assert confirmed.confirmed_by == world.agency_staff


def test_an_unmatched_notice_cannot_be_attached_to_another_tenants_case(world):
    from django.http import Http404

    unmatched = ingest(world, "name_only_en.eml").notice

    with pytest.raises(Http404):
        services.notice_attach(notice=unmatched, case=world.other_agency_case, actor=None)
    assert world.other_agency_case.supplements.count() == 0


def test_a_person_adds_notices_only_for_their_own_organization(world):
    from django.http import Http404

    with pytest.raises(Http404):
        ingest(world, "nia_utf8_zh.eml", organization="agency", actor=world.outsider)
    assert IncomingNotice.objects.count() == 0


def test_ingest_notice_command_prints_the_contract_lines(world):
    files = [
        str(CORPUS / n)
        for n in ("nia_utf8_zh.eml", "nia_utf8_zh.eml", "approval_en.eml", "other_agency_zh.eml")
    ]
    out = StringIO()

    call_command("ingest_notice", *files, "--organization", str(world.agency.pk), stdout=out)

    supplement = SupplementRequest.objects.get()
    assert out.getvalue().splitlines() == [
        f"{files[0]}\tmatched\t{world.acme_case.reference}\tsupplement={supplement.pk}\tdeadline=2026-12-24",
        f"{files[1]}\tduplicate\tsupplement={supplement.pk}",
        f"{files[2]}\tnot_a_notice\tapproval",
        f"{files[3]}\tunmatched\tno case with application number 115551035404",
    ]


def test_ingest_notice_command_exits_1_naming_the_unreadable_file(world):
    good, broken = str(CORPUS / "notice_en.pdf"), str(CORPUS / "broken.pdf")
    out, err = StringIO(), StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_notice", broken, good, stdout=out, stderr=err)

    assert exit_.value.code == 1
    assert err.getvalue().startswith(f"{broken}\tcannot be read")
    assert out.getvalue().split("\t")[:2] == [good, "matched"]
    assert IncomingNotice.objects.count() == 1
