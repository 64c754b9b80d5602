"""What "ready" means (cases.readiness), as a pure function of plain facts: every Missing code, their
order, their messages, the platform's upload-set limits, whom work waits on, and the triage order
(one database test proves the SQL ordering agrees with `triage_key`)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import translation

from cases.models import SupplementRequest
from cases.readiness import (
    MESSAGES,
    CommentFact,
    FileFact,
    ItemFact,
    Missing,
    Readiness,
    SupplementFacts,
    assess,
    triage_key,
    upload_set_problems,
    waiting_on,
)
from tests.factories import SupplementFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def pdf(name: str, size: int = 100_000, **kwargs) -> FileFact:
    return FileFact(name=name, size=size, content_type="application/pdf", **kwargs)


def item(description: str, *, document=True, done=False, waits_on="agency", sent=False) -> ItemFact:
    return ItemFact(
        description=description,
        is_document=document,
        done=done,
        has_document=(done or sent) and document,
        waits_on=waits_on,
    )


def facts(*, comments=(), items=(), upload_set=(), reply="Reply written") -> SupplementFacts:
    return SupplementFacts(comments=comments, items=items, upload_set=upload_set, reply=reply)


def test_nothing_missing_is_ready():
    readiness = assess(
        facts(
            comments=[CommentFact("basic", resolved=True)],
            items=[item("Passport page", done=True), item("Name", document=False, done=True)],
            upload_set=[pdf(f"{n}.pdf", size=1_000_000) for n in range(5)],
        )
    )

    assert readiness.ready is True
    assert readiness.missing == ()
    assert readiness.messages() == []
    assert readiness.as_dict() == {"ready": True, "missing": []}


def test_every_code_in_order_with_its_message():
    readiness = assess(
        facts(
            comments=[
                CommentFact("passport", resolved=False),
                CommentFact("basic", resolved=True),
                CommentFact("field", resolved=False),
            ],
            items=[
                item("Employment certificate (在職證明)"),
                item("Salary proof", sent=True),
                item("English given name", document=False),
                item("Award certificate", done=True),
            ],
            upload_set=[
                pdf("a.pdf"),
                pdf("locked.pdf", encrypted=True),
                FileFact("notes.docx", 2_000, "application/msword"),
                pdf("scan.pdf", size=1_000_001),
                pdf("b.pdf"),
                pdf("c.pdf"),
            ],
            reply="  \n ",
        )
    )

    assert [(m.code, m.params) for m in readiness.missing] == [
        ("comment_unresolved", {"tab": "passport"}),
        ("comment_unresolved", {"tab": "field"}),
        ("document_missing", {"item": "Employment certificate (在職證明)"}),
        ("document_unapproved", {"item": "Salary proof"}),
        ("correction_pending", {"item": "English given name"}),
        ("too_many_files", {"count": 6, "limit": 5}),
        ("file_encrypted", {"name": "locked.pdf"}),
        ("file_type", {"name": "notes.docx"}),
        ("file_too_large", {"name": "scan.pdf", "size_kb": 977, "limit_kb": 976}),
        ("reply_empty", {}),
    ]
    assert readiness.ready is False
    assert readiness.messages() == [
        "Comment on Passport (護照資料) unresolved",
        "Comment on Field of expertise (領域專長) unresolved",
        "Employment certificate (在職證明) not uploaded",
        "Salary proof uploaded, waiting for approval",
        "Correction pending: English given name",
        "Upload set has 6 files, limit 5",
        "locked.pdf is encrypted: remove the password",
        "notes.docx is not a PDF or an accepted image",
        "scan.pdf is 977 KB, limit 976 KB",
        "Reply to the reviewer (審核意見回覆) is empty",
    ]
    # Every code the module knows is exercised above.
    assert {m.code for m in readiness.missing} == set(MESSAGES)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([pdf(f"{n}.pdf") for n in range(5)], []),
        ([pdf(f"{n}.pdf") for n in range(6)], [("too_many_files", {"count": 6, "limit": 5})]),
        ([pdf("edge.pdf", size=1_000_000)], []),
        (
            [pdf("over.pdf", size=1_000_001)],
            [("file_too_large", {"name": "over.pdf", "size_kb": 977, "limit_kb": 976})],
        ),
        ([pdf("locked.pdf", encrypted=True)], [("file_encrypted", {"name": "locked.pdf"})]),
        ([FileFact("p.jpg", 10, "image/jpeg"), FileFact("p.png", 10, "image/png")], []),
        ([FileFact("p.heic", 10, "image/heic")], [("file_type", {"name": "p.heic"})]),
        ([FileFact("p.tif", 10, "image/tiff")], [("file_type", {"name": "p.tif"})]),
        (
            [FileFact("x.exe", 2_000_000, "application/x-msdownload", encrypted=True)],
            [
                ("file_encrypted", {"name": "x.exe"}),
                ("file_type", {"name": "x.exe"}),
                ("file_too_large", {"name": "x.exe", "size_kb": 1954, "limit_kb": 976}),
            ],
        ),
    ],
    ids=[
        "five",
        "six",
        "exactly-the-limit",
        "one-byte-over",
        "encrypted",
        "images",
        "heic",
        "tiff",
        "everything-wrong",
    ],
)
def test_upload_set_limits(files, expected):
    problems = upload_set_problems(files, max_files=5, max_file_bytes=1_000_000)

    assert [(m.code, m.params) for m in problems] == expected


def test_limits_come_from_the_facts():
    readiness = assess(
        SupplementFacts(
            comments=[],
            items=[],
            upload_set=[pdf("a.pdf", size=2048), pdf("b.pdf", size=2049)],
            reply="r",
            max_files=1,
            max_file_bytes=2048,
        )
    )

    assert [(m.code, m.params) for m in readiness.missing] == [
        ("too_many_files", {"count": 2, "limit": 1}),
        ("file_too_large", {"name": "b.pdf", "size_kb": 3, "limit_kb": 2}),
    ]


def test_not_needed_and_done_items_are_not_missing():
    readiness = assess(
        facts(items=[item("Done", done=True), item("Fix", document=False, done=True)])
    )

    assert readiness.ready is True


def test_stored_form_round_trips():
    readiness = assess(
        facts(
            comments=[CommentFact("visa", resolved=False)], upload_set=[pdf("big.pdf", 2_000_000)]
        )
    )
    stored = readiness.as_dict()["missing"]

    assert stored == [
        {"code": "comment_unresolved", "params": {"tab": "visa"}},
        {"code": "file_too_large", "params": {"name": "big.pdf", "size_kb": 1954, "limit_kb": 976}},
    ]
    assert Readiness.from_stored(stored) == readiness
    assert Readiness.from_stored([{"code": "reply_empty"}]).missing == (Missing("reply_empty"),)
    assert Readiness.from_stored([]).ready is True


def test_messages_follow_the_active_language():
    missing = Missing("reply_empty")

    with translation.override("zh-hant"):
        chinese = missing.message()

    # The catalogue may not translate it yet; the platform's term is in both.
    assert "審核意見回覆" in chinese
    assert missing.message() == "Reply to the reviewer (審核意見回覆) is empty"


@pytest.mark.parametrize(
    ("parties", "expected"),
    [
        ([], ["agency"]),
        ([("agency", False)], ["agency"]),
        ([("employer", False), ("applicant", False)], ["applicant", "employer"]),
        ([("agency", False), ("employer", False)], ["employer", "agency"]),
        (
            [("agency", False), ("applicant", False), ("employer", False)],
            ["applicant", "employer", "agency"],
        ),
        # Done items hold nobody: the agency files.
        ([("applicant", True), ("employer", True)], ["agency"]),
        ([("applicant", True), ("employer", False)], ["employer"]),
    ],
)
def test_waiting_on(parties, expected):
    items = [
        item(f"item {n}", done=done, waits_on=party) for n, (party, done) in enumerate(parties)
    ]

    assert waiting_on(items) == expected


TODAY = dt.date(2026, 3, 10)


def test_triage_key_order():
    rows = [
        ("ready soon", dt.date(2026, 3, 11), True, 1),
        ("not ready later", dt.date(2026, 3, 30), False, 2),
        ("overdue ready", dt.date(2026, 3, 9), True, 3),
        ("not ready soon", dt.date(2026, 3, 12), False, 4),
        ("overdue longer", dt.date(2026, 3, 1), False, 5),
        ("due today not ready", TODAY, False, 6),
        ("ready later", dt.date(2026, 4, 1), True, 7),
        ("not ready soon twin", dt.date(2026, 3, 12), False, 8),
    ]

    ordered = sorted(rows, key=lambda r: triage_key(r[1], r[2], TODAY, r[3]))

    assert [r[0] for r in ordered] == [
        "overdue longer",
        "overdue ready",
        "due today not ready",
        "not ready soon",
        "not ready soon twin",
        "not ready later",
        "ready soon",
        "ready later",
    ]


@pytest.mark.django_db
def test_sql_triage_matches_triage_key():
    deadlines = [dt.date(2026, 3, d) for d in (1, 9, 10, 11, 12, 30)]
    for deadline, ready in itertools.product(deadlines, (True, False)):
        for _twin in range(2):  # equal deadline and readiness: the id breaks the tie
            SupplementFactory(
                notice_date=dt.date(2026, 2, 1),
                deadline=deadline,
                proposed_deadline=deadline,
                is_ready=ready,
            )

    in_sql = list(SupplementRequest.objects.with_triage(TODAY).values_list("pk", flat=True))
    rows = SupplementRequest.objects.values_list("pk", "deadline", "is_ready")
    in_python = [pk for pk, *_ in sorted(rows, key=lambda r: triage_key(r[1], r[2], TODAY, r[0]))]

    assert len(in_sql) == 24
    assert in_sql == in_python
    assert (
        list(SupplementRequest.objects.with_triage(TODAY).values_list("triage_bucket", flat=True))
        == [0] * 8 + [1] * 8 + [2] * 8
    )
