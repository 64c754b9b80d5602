"""Issue 11, feedback where the eye is: after every workspace action the result (success, refusal,
conflict) is beside the control and inside the viewport; a refused upload stays until dismissed;
a real conflict on the reply says who changed it and shows both texts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.choices import DeadlineRule, ItemKind, Party, PlatformTab, RequestingBody
from tests.documents.files import encrypted_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def supplement(world):
    supplement = services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=3),
        rule=DeadlineRule.DAYS_30,
    )
    for tab in (PlatformTab.BASIC, PlatformTab.PASSPORT, PlatformTab.FIELD, PlatformTab.UPLOAD):
        services.comment_add(
            supplement=supplement, actor=world.agency_staff, tab=tab, text="請補正。" * 20
        )
    for number in range(6):
        services.item_add(
            supplement=supplement,
            actor=world.agency_staff,
            kind=ItemKind.DOCUMENT,
            description=f"Document {number}",
            waits_on=Party.APPLICANT,
        )
    return supplement


def test_every_result_is_in_view_beside_its_control(browser_for, world, supplement, tmp_path):
    b = browser_for(viewport={"width": 1280, "height": 800})
    b.login(world.agency_staff.username)
    page = b.page
    page.goto(f"/supplements/{supplement.pk}/")

    def result(part: str):
        message = page.locator(f'[data-feedback="{part}"] .message').first
        expect(message).to_be_visible()
        expect(message).to_be_in_viewport()
        return message

    # A new reviewer's comment (the form is at the bottom): its result is at the new comment.
    page.locator("#add-comment").get_by_label("Platform tab").select_option(PlatformTab.VISA)
    page.locator("#add-comment").get_by_label(
        "Reviewer's comment (審核意見), as the platform shows it"
    ).fill("繳驗護照資料有誤。")
    page.locator("#add-comment").get_by_role("button", name="Add the comment").click()
    expect(page.locator('[data-feedback^="comment-"]')).to_contain_text("Comment added.")
    comment = supplement.comments.get(tab=PlatformTab.VISA)  # once the server has answered
    result(f"comment-{comment.pk}")

    # Resolving it.
    page.locator(f"#comment-{comment.pk} summary").click()
    page.locator(f"#res-{comment.pk}").fill("Corrected on the platform")
    page.locator(f"#comment-{comment.pk}").get_by_role("button", name="Mark resolved").click()
    expect(result(f"comment-{comment.pk}")).to_contain_text("Comment marked resolved.")

    # An encrypted PDF is refused where it was chosen, and the refusal stays until dismissed.
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf())
    upload = page.locator("#upload-form")
    upload.locator('input[type="file"]').set_input_files(str(locked))
    upload.get_by_role("button", name="Upload").click()
    refusal = result("upload")
    expect(refusal).to_have_attribute("role", "alert")
    expect(refusal).to_contain_text("encrypt")
    page.wait_for_timeout(1500)
    expect(refusal).to_be_visible()
    refusal.get_by_role("button", name="Dismiss").click()
    expect(page.locator('[data-feedback="upload"]')).to_have_count(0)

    # The reply.
    reply = page.get_by_label("Reply to the reviewer (審核意見回覆)")
    reply.fill("您好：已補正。")
    page.get_by_role("button", name="Save the reply").click()
    expect(result("reply")).to_contain_text("Reply saved.")

    # A colleague saves the reply meanwhile: a real conflict, who and when, both texts.
    services.supplement_set_reply(
        supplement=supplement, actor=world.agency_admin, reply="同事的回覆"
    )
    reply.fill("我的回覆")
    page.get_by_role("button", name="Save the reply").click()
    conflict = result("reply")
    expect(conflict).to_contain_text("changed this at")
    expect(page.locator("#tab-submit blockquote.reply")).to_have_text("同事的回覆")
    expect(reply).to_have_value("我的回覆")
    assert not supplement.documents.exists()  # the refused upload left nothing behind
    assert b.problems == []
