"""The journeys in a real browser: agency staff triage, upload, pack, reply, print the filing sheet
and record the submission; HR and the applicant on their pages; another tenant's pages are 404;
the main pages in English and Chinese, and on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import tablib
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Applicant
from cases import services
from cases.choices import DeadlineRule, ItemKind, Party, PlatformTab, RequestingBody
from cases.documents.models import PackJob, PackState
from cases.models import Document, SupplementRequest
from cases.services import pack_run
from tests.browser.conftest import SCREENSHOTS
from tests.web.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(world, settings):
    """Priya's open supplement: one comment to resolve, her passport page to upload, no reply;
    and a second, overdue one on the Globex case, waiting on Globex's HR."""
    settings.UPLOAD_SET_AUTO_PACK = False  # packing on request, so the test runs the worker step
    today = timezone.localdate()
    supplement = services.supplement_create(
        case=world.acme_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=today - dt.timedelta(days=5),
        rule=DeadlineRule.DAYS_30,
        assignee=world.agency_staff,
    )
    comment = services.comment_add(
        supplement=supplement,
        actor=world.agency_staff,
        tab=PlatformTab.BASIC,
        text="英文姓名與護照不符，請更正。",
        field_label="英文名字",
    )
    item = services.item_add(
        supplement=supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport data page (護照資料頁)",
        waits_on=Party.APPLICANT,
    )
    overdue = services.supplement_create(
        case=world.globex_case,
        actor=world.agency_staff,
        requesting_body=RequestingBody.WDA,
        notice_date=today - dt.timedelta(days=40),
        rule=DeadlineRule.CUSTOM,
        deadline_override=today - dt.timedelta(days=1),
    )
    hr_item = services.item_add(
        supplement=overdue,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Employment certificate (在職證明)",
        waits_on=Party.EMPLOYER,
    )
    return {
        "supplement": supplement,
        "comment": comment,
        "item": item,
        "overdue": overdue,
        "hr_item": hr_item,
    }


def _file(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(name, pages=2))
    return str(path)


def test_agency_staff_triage_upload_pack_reply_print_and_submit(
    browser_for, world, journey, tmp_path
):
    supplement, comment = journey["supplement"], journey["comment"]
    b = browser_for(permissions=["clipboard-read", "clipboard-write"])
    page = b.page
    b.login(world.agency_staff.username)

    # Triage: the overdue one first.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    rows = page.locator("#supplements tbody tr[data-supplement]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-supplement", str(journey["overdue"].pk))
    expect(rows.first).to_contain_text("overdue")
    expect(rows.nth(1)).to_contain_text("Reply to the reviewer (審核意見回覆) is empty")
    b.shot("en-dashboard")

    # Filters swap the list in place (htmx) and keep the URL shareable.
    page.get_by_label("Requesting body").select_option("wda")
    expect(page).to_have_url(re.compile(r"requesting_body=wda"))
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Clear").click()
    expect(rows).to_have_count(2)

    # Bulk assign the overdue one to a colleague.
    page.locator(f"#pick-{journey['overdue'].pk}").check()
    page.get_by_label("Assign to").select_option(str(world.agency_admin.pk))
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 supplement assigned to")
    assert (
        SupplementRequest.objects.get(pk=journey["overdue"].pk).assignee_id == world.agency_admin.pk
    )

    # The workspace: resolve the comment.
    page.locator(f'#supplements a[href="/supplements/{supplement.pk}/"]').click()
    expect(page.locator("#tab-basic-h")).to_have_text("1. Basic data (基本資料)")
    page.locator(f"#comment-{comment.pk} summary").click()
    page.locator(f"#cv-{comment.pk}").fill("PRIYA KUMARI")
    page.locator(f"#comment-{comment.pk}").get_by_role("button", name="Mark resolved").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Resolved")

    # Chase Priya for her passport page (催件): recorded, and the button waits out the interval.
    page.get_by_role("button", name="Remind the applicant (催件)").click()
    expect(page.locator(".messages")).to_contain_text("Reminder on its way to")
    expect(page.get_by_role("button", name="Remind the applicant (催件)")).to_be_disabled()
    expect(page.locator("#reminder-applicant")).to_contain_text("Last reminded")

    # Upload the passport page for its item.
    upload = page.locator("#upload-form")
    upload.locator('input[type="file"]').set_input_files(_file(tmp_path, "passport.pdf"))
    upload.get_by_label("Answers item").select_option(str(journey["item"].pk))
    upload.get_by_role("button", name="Upload").click()
    expect(page.locator("#document-list")).to_contain_text("passport.pdf")
    expect(page.locator(".messages")).to_contain_text("“passport.pdf” uploaded.")

    # Sent, not yet done: a document item is done once the agency approves the document.
    expect(page.locator(f"#item-{journey['item'].pk}")).to_contain_text(
        "Sent, waiting for approval"
    )
    passport = Document.objects.get(supplement=supplement, original_name="passport.pdf")
    row = page.locator(f"#document-{passport.pk}")
    row.get_by_text("Review", exact=True).click()
    row.get_by_label("Decision").select_option("approve")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Review saved.")

    # The reply, in Chinese as the platform suggests.
    page.get_by_label("Reply to the reviewer (審核意見回覆)").fill(
        "您好：已更正英文姓名並上傳護照資料頁。"
    )
    page.get_by_role("button", name="Save the reply").click()
    expect(page.locator(".messages")).to_contain_text("Reply saved.")
    expect(page.locator("#ready-h + meter, .card meter").first).to_have_attribute("value", "4")

    # Pack: the page polls while the worker packs.
    page.get_by_role("button", name="Pack the upload set").click()
    expect(page.locator("#upload-set")).to_contain_text("Packing")
    for job in PackJob.objects.filter(supplement=supplement, state=PackState.QUEUED):
        pack_run(job_id=job.pk)  # what the Celery worker does
    expect(page.locator("#packed-files")).to_be_visible(timeout=10_000)
    expect(page.locator("#packed-files")).to_contain_text("KB")
    # What each packed file holds, and the whole set as one zip under the same names.
    expect(page.locator("#packed-files")).to_contain_text("passport.pdf")
    with page.expect_download() as download:
        page.locator("#upload-set-zip").click()
    assert download.value.suggested_filename.endswith(".zip")
    b.shot("en-workspace")

    # The filing sheet: copy a value, print it.
    page.get_by_role("link", name="Filing sheet").click()
    expect(page.locator("#sheet-basic-h")).to_have_text("1. Basic data (基本資料)")
    # The heading exists once the page is parsed; the copy script (deferred) runs just after.
    page.wait_for_load_state("load")
    # The live region keeps the confirmation (the button's own "Copied" reverts after 1.5 s).
    page.locator(f'button[data-copy-target="v-c{comment.pk}"]').click()
    expect(page.locator("#copy-status")).to_have_text("Copied: Copy 英文名字")
    assert page.evaluate("navigator.clipboard.readText()") == "PRIYA KUMARI"
    page.locator('button[data-copy-target="v-reply"]').click()
    expect(page.locator("#copy-status")).to_have_text("Copied: Copy the reply")
    assert (
        page.evaluate("navigator.clipboard.readText()") == "您好：已更正英文姓名並上傳護照資料頁。"
    )
    expect(page.locator("#upload-set")).to_contain_text("1 file")
    b.shot("en-filing-sheet")
    page.emulate_media(media="print")
    expect(page.locator(".copy").first).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / "filing-sheet.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")

    # Record the submission, after confirmation; then read-only.
    page.get_by_role("link", name="Back to the workspace").click()
    page.get_by_role("link", name="Record the submission (送出)…").click()
    page.get_by_label(re.compile("I pressed 送出")).check()
    page.get_by_role("button", name="Yes, record the submission").click()
    expect(page.locator(".readonly-banner")).to_contain_text("Submitted (送出): read-only.")
    expect(page.locator("textarea")).to_have_count(0)
    assert SupplementRequest.objects.get(pk=supplement.pk).state == "submitted"
    assert b.problems == []


def test_main_pages_in_traditional_chinese(browser_for, world, journey):
    supplement = journey["supplement"]
    b = browser_for()
    page = b.page
    b.login(world.agency_staff.username)
    page.get_by_label("Language").select_option("zh-hant")
    page.locator(".lang-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    b.shot("zh-dashboard")
    for name, url in [
        ("zh-workspace", f"/supplements/{supplement.pk}/"),
        ("zh-filing-sheet", f"/supplements/{supplement.pk}/sheet/"),
        ("zh-case", f"/cases/{world.acme_case.pk}/"),
        ("zh-calendar", "/dashboard/calendar/"),
    ]:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
        if name == "zh-workspace":
            expect(page.locator("#tab-basic-h")).to_contain_text("基本資料")
        b.shot(name)
    # The choice is the user's: a new browser shows Chinese after logging in.
    other = browser_for()
    other.login(world.agency_staff.username)
    expect(other.page.locator("html")).to_have_attribute("lang", "zh-hant")
    page.goto(f"/cases/{world.acme_case.pk}/")
    assert b.problems == []


def test_hr_and_applicant_pages(browser_for, world, journey, tmp_path):
    hr = browser_for()
    hr.login(world.hr_globex.username)
    page = hr.page
    expect(page).to_have_url(re.compile(r"/hr/$"))
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("Employment certificate (在職證明)")
    hr.shot("en-hr")
    item = page.locator(f"#item-{journey['hr_item'].pk}")
    item.locator('input[type="file"]').set_input_files(_file(tmp_path, "certificate.pdf"))
    item.get_by_role("button", name="Upload").click()
    expect(page.locator(".messages")).to_contain_text("“certificate.pdf” uploaded.")
    expect(waiting).to_contain_text("Nothing is waiting on HR right now.")
    page.get_by_label("Language").select_option("zh-hant")
    page.locator(".lang-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    hr.shot("zh-hr")

    me = browser_for()
    me.login(world.applicant_user.username)
    page = me.page
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("#asked")).to_contain_text("Upload: Passport data page (護照資料頁)")
    expect(page.locator("#asked")).to_contain_text("Taipei time")
    me.shot("en-applicant")
    page.get_by_label("Language").select_option("zh-hant")
    page.locator(".lang-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    me.shot("zh-applicant")
    assert hr.problems == []
    assert me.problems == []


def test_another_tenants_pages_are_404(browser_for, world, journey):
    b = browser_for()
    b.login(world.outsider.username)
    supplement = journey["supplement"]
    for url in [
        f"/supplements/{supplement.pk}/",
        f"/supplements/{supplement.pk}/sheet/",
        f"/cases/{world.acme_case.pk}/",
    ]:
        response = b.page.goto(url)
        assert response.status == 404, url
    b.page.goto("/dashboard/")
    expect(b.page.locator("#supplements tbody tr[data-supplement]")).to_have_count(0)


def test_pages_fit_a_phone(browser_for, world, journey):
    b = browser_for(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    b.login(world.agency_staff.username)
    page = b.page
    for name, url in [
        ("phone-dashboard", "/dashboard/"),
        ("phone-workspace", f"/supplements/{journey['supplement'].pk}/"),
        ("phone-filing-sheet", f"/supplements/{journey['supplement'].pk}/sheet/"),
        ("phone-cases", "/cases/"),
        ("phone-case", f"/cases/{world.acme_case.pk}/"),
        ("phone-alerts", "/alerts/"),
        ("phone-calendar", "/dashboard/calendar/"),
        ("phone-obligations", "/obligations/"),
        ("phone-clients", "/clients/"),
        ("phone-applicants", "/applicants/"),
        ("phone-case-requests", "/case-requests/"),
        ("phone-settings", "/accounts/settings/"),
    ]:
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)
        b.shot(name, full_page=False)
    assert b.problems == []


def test_agency_admin_imports_applicants_from_a_spreadsheet(browser_for, world, tmp_path):
    data = tablib.Dataset(
        headers=["family_name_en", "given_name_en", "passport_number", "nationality"]
    )
    data.append(["Tanaka", "Akiko", "TK1234567", "JP"])
    data.append(["Dubois", "Marie", "FR998877", "FR"])
    spreadsheet = tmp_path / "clients.xlsx"
    spreadsheet.write_bytes(data.export("xlsx"))
    b = browser_for()
    page = b.page
    b.login(world.agency_admin.username)

    page.get_by_role("link", name="Import applicants").click()
    page.get_by_label("Spreadsheet").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-check")).to_contain_text("All 2 applicants are ready to import.")
    expect(page.locator("#import-rows tbody tr")).to_have_count(2)
    b.shot("en-applicant-import")
    page.get_by_role("button", name="Import 2 applicants").click()

    expect(page.locator(".messages")).to_contain_text("2 applicants imported with Formosa")
    assert Applicant.objects.filter(passport_number__in=["TK1234567", "FR998877"]).count() == 2
