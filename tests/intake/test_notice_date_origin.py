"""The notice date is the notice's, never the moment a copy reached the tracker: a pasted text
without a date is not dated "now", and a notice forwarded as an attachment is dated by the original."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from cases.models import SupplementRequest
from intake import services
from intake.models import Outcome, Source

UNDATED = (
    "內政部移民署通知\n申請案號：115551035401\n"
    "您申請之就業金卡案件,經審核需資料補正,請於文到30日內補正。\n"
)


def test_pasted_text_without_a_date_is_not_dated_by_the_paste(world):
    result = services.notice_ingest_text(
        text=UNDATED, organization=world.agency, actor=world.agency_staff
    )

    assert result.outcome == Outcome.UNMATCHED
    assert "no notice date" in result.reason
    assert "notice_date" not in result.notice.fields
    assert SupplementRequest.objects.count() == 0


def _forwarded_as_attachment() -> bytes:
    original = EmailMessage()
    original["From"] = "移民署 <notice@immigration.gov.tw>"
    original["Subject"] = "就業金卡案件資料補正通知"
    original["Date"] = "Tue, 24 Nov 2026 09:12:00 +0800"
    original["Message-ID"] = "<orig-attached@immigration.gov.tw>"
    original.set_content(UNDATED)
    forward = EmailMessage()
    forward["From"] = "Staff <staff@formosa.example>"
    forward["Subject"] = "Fwd: 就業金卡案件資料補正通知"
    forward["Date"] = "Wed, 02 Dec 2026 17:40:00 +0800"
    forward["Message-ID"] = "<fwd-attached@formosa.example>"
    forward.set_content("FYI, the notice is attached.")
    forward.add_attachment(original)
    return bytes(forward)


def test_a_notice_forwarded_as_an_attachment_is_dated_by_the_original(world):
    result = services.notice_ingest(
        data=_forwarded_as_attachment(),
        name="forwarded.eml",
        organization=world.agency,
        actor=None,
        source=Source.COMMAND,
    )

    assert result.outcome == Outcome.MATCHED
    assert result.supplement.notice_date == dt.date(2026, 11, 24)
    assert result.supplement.deadline == dt.date(2026, 12, 24)
    assert "forwarded original" in result.notice.fields["notice_date"]["source"]


def test_a_notice_dated_after_its_arrival_creates_nothing(world):
    text = (
        "內政部移民署通知\n申請案號：115551035401\n發文日期：民國999年1月1日\n"
        "您申請之就業金卡案件,經審核需資料補正,請於文到30日內補正。\n"
    )

    result = services.notice_ingest_text(
        text=text, organization=world.agency, actor=world.agency_staff
    )

    assert result.outcome == Outcome.UNMATCHED
    assert "after the day it was received" in result.reason
    assert SupplementRequest.objects.count() == 0
