"""The reader over the corpus: every field it finds says which rule found it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cases.choices import DeadlineRule, RequestingBody
from intake.parser import Unreadable, find_date, read_notice, read_text

CORPUS = Path(__file__).parent / "corpus"


def read(name: str):
    return read_notice((CORPUS / name).read_bytes(), name)


@pytest.mark.parametrize(
    ("name", "number", "rule", "body"),
    [
        ("nia_utf8_zh.eml", "115551035401", DeadlineRule.DAYS_30, RequestingBody.NIA_INITIAL),
        ("nia_big5_zh.eml", "115551035402", DeadlineRule.CUSTOM, RequestingBody.NIA_INITIAL),
        ("wda_qp_en.eml", "115551035402", DeadlineRule.DAYS_30, RequestingBody.WDA),
        ("nia_html_only.eml", "115551035401", DeadlineRule.DAYS_30, RequestingBody.NIA_INITIAL),
        ("forwarded_en.eml", "115551035401", DeadlineRule.DAYS_30, RequestingBody.NIA_INITIAL),
        (
            "nia_pdf_attachment.eml",
            "115551035401",
            DeadlineRule.MONTHS_6,
            RequestingBody.NIA_INITIAL,
        ),
        ("notice_en.pdf", "115551035401", DeadlineRule.MONTHS_6, RequestingBody.NIA_INITIAL),
    ],
)
def test_each_notice_reads_number_date_rule_and_sender(name, number, rule, body):
    reading = read(name)

    assert reading.is_notice is True
    assert reading.value("application_number") == number
    assert reading.value("notice_date") == dt.date(2026, 11, 24)
    assert reading.value("rule") == rule
    assert reading.value("requesting_body") == body
    for found in reading.fields.values():
        assert found.source.strip() != ""


def test_utf8_chinese_notice_reads_names_and_comments_per_tab():
    reading = read("nia_utf8_zh.eml")

    assert reading.value("name_zh") == "夏普莉"
    assert reading.value("name_en") == "SHARMA, PRIYA"
    assert reading.fields["notice_date"].source == "發文日期 label, ROC date 民國Y年M月D日"
    assert reading.fields["requesting_body"].source == "the mail's From header (nia)"
    assert reading.comments == [
        ("basic", "英文姓氏與護照不符,請更正。"),
        ("upload", "請補附最近三個月之在職證明。"),
    ]
    assert reading.message_id == "<n1-utf8@immigration.gov.tw>"


def test_big5_notice_takes_the_date_written_in_it():
    reading = read("nia_big5_zh.eml")

    assert reading.value("deadline") == dt.date(2026, 12, 10)
    assert reading.fields["notice_date"].source == "發文日期 label, ROC date Y/M/D"
    assert reading.comments == [("passport", "護照影本模糊。")]


def test_forwarded_mail_reads_the_original_sender_from_the_quote():
    reading = read("forwarded_en.eml")

    assert reading.fields["requesting_body"].source == "forwarded 'From:' line (nia)"
    assert reading.comments[0] == (
        "passport",
        "The passport copy is unreadable; upload a clear scan.",
    )


def test_pdf_notice_says_documents_from_abroad():
    reading = read("notice_en.pdf")

    assert reading.fields["rule"].source == "6 months, documents from abroad"
    assert reading.comments == [
        ("upload", "The degree certificate must be authenticated by the mission.")
    ]


@pytest.mark.parametrize(
    ("name", "seems"),
    [("payment_reminder_zh.eml", "payment reminder"), ("approval_en.eml", "approval")],
)
def test_mail_that_is_no_notice_says_what_it_seems(name, seems):
    reading = read(name)

    assert (reading.is_notice, reading.seems) == (False, seems)


def test_broken_pdf_is_unreadable():
    with pytest.raises(Unreadable):
        read("broken.pdf")


@pytest.mark.parametrize(
    ("text", "expected", "form"),
    [
        ("民國115年11月24日", dt.date(2026, 11, 24), "ROC date 民國Y年M月D日"),
        ("115年11月24日", dt.date(2026, 11, 24), "ROC date Y年M月D日"),
        ("115/11/24", dt.date(2026, 11, 24), "ROC date Y/M/D"),
        ("2026年11月24日", dt.date(2026, 11, 24), "Western date YYYY年M月D日"),
        ("2026/11/24", dt.date(2026, 11, 24), "Western date YYYY-MM-DD"),
        ("November 24, 2026", dt.date(2026, 11, 24), "English date Month D, YYYY"),
    ],
)
def test_dates_roc_and_western(text, expected, form):
    found = find_date(text)

    assert found == (expected, form)


def test_full_width_digits_are_normalised_and_dates_are_not_rules():
    reading = read_text("補正通知\n申請案號：１１５５５１０３５４０１\n發文日期：115年11月30日\n")

    assert reading.value("application_number") == "115551035401"
    assert "rule" not in reading.fields  # 11月30日 is a date, not "30 days"
