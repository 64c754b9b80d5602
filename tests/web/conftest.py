"""Fixtures for the page tests: a supplement in every state the pages show, and small helpers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from cases import services
from cases.choices import DeadlineRule, ItemKind, Party, PlatformTab, RequestingBody


def pdf_bytes(title: str = "doc", pages: int = 1) -> bytes:
    images = [Image.new("RGB", (300, 420), "white") for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()


@pytest.fixture
def ready_supplement(world):
    """Priya's Acme supplement with everything done: ready to file."""
    supplement = services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=3),
        rule=DeadlineRule.DAYS_30,
    )
    comment = services.comment_add(
        supplement=supplement,
        actor=world.agency_staff,
        tab=PlatformTab.BASIC,
        text="英文姓名與護照不符，請更正。",
        field_label="英文名字",
    )
    services.comment_resolve(
        comment=comment, actor=world.agency_staff, corrected_value="PRIYA KUMARI"
    )
    item = services.item_add(
        supplement=supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport data page (護照資料頁)",
        waits_on=Party.APPLICANT,
    )
    document = services.document_add(
        supplement=supplement,
        actor=world.agency_staff,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    services.document_approve(document=document, actor=world.agency_staff)
    services.supplement_set_reply(
        supplement=supplement, actor=world.agency_staff, reply="您好：已更正英文姓名，謝謝。"
    )
    supplement.refresh_from_db()
    assert supplement.is_ready is True
    return supplement
