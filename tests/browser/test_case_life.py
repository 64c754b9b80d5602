"""Issue 10 in a real browser: an agency admin adds a client employer, an applicant with the
agency's authorisation (委任書) and a case, and follows it through submission → supplement →
submission → approval → card ready without the Django admin; HR sees the true status and holder
at every step; another agency's admin gets 404 on each of these pages."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organization, Role
from cases.models import Case
from tests.browser.conftest import SCREENSHOTS
from tests.cases.files import pdf_bytes
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAX_ID = "24510968"  # passes the 統一編號 checksum


def _status_as_hr(hr, case: Case) -> tuple[str, str]:
    page = hr.page
    page.goto(f"/cases/{case.pk}/")
    return page.locator("#case-status").inner_text(), page.locator("#case-holder").inner_text()


def test_an_agency_admin_runs_a_case_from_client_to_card(browser_for, world, tmp_path):
    admin = browser_for()
    admin.login(world.agency_admin.username)
    page = admin.page
    today = timezone.localdate().isoformat()

    # 1. A client employer, with a wrong Tax ID first: refused beside the field, nothing added.
    page.goto("/clients/new/")
    page.get_by_label("Company name (英文名稱)").fill("Lumen Optics")
    page.get_by_label("Chinese name (中文名稱)").fill("流明光學股份有限公司")
    page.get_by_label("Tax ID (統一編號)").fill("12345678")
    page.get_by_role("button", name="Add the client").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    page.get_by_label("Tax ID (統一編號)").fill(TAX_ID)
    page.get_by_role("button", name="Add the client").click()
    expect(page.get_by_text("Lumen Optics is now a client")).to_be_visible()
    client_url = page.url

    # Its HR joins (by invitation in real life; set up directly here).
    lumen = Organization.objects.get(name="Lumen Optics")
    lumen_hr = MembershipFactory(organization=lumen, role=Role.EMPLOYER_HR).user

    # 2. An applicant with the agency's authorisation and the employment at the new client.
    page.goto("/applicants/new/")
    page.locator("#id_applicant-family_name_en").fill("Novak")
    page.locator("#id_applicant-given_name_en").fill("Tomas")
    page.locator("#id_applicant-passport_number").fill("C1234567")
    page.locator("#id_applicant-nationality").fill("CZ")
    page.locator("#id_applicant-email").fill("tomas@example.com")
    page.locator("#id_applicant-time_zone").fill("Europe/Prague")
    page.locator("#id_auth-signed_on").fill(today)
    page.locator("#id_auth-valid_from").fill(today)
    signed = tmp_path / "authorisation.pdf"
    signed.write_bytes(pdf_bytes("委任書"))
    page.locator("#id_auth-signed_file").set_input_files(str(signed))
    page.locator("#id_job-employer").select_option(label="Lumen Optics")
    page.locator("#id_job-start_date").fill(today)
    page.get_by_role("button", name="Add the applicant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Novak")
    applicant_url = page.url

    # 3. A case for them.
    page.goto("/cases/new/")
    page.get_by_label("Applicant").select_option(label="Novak, Tomas")
    page.get_by_label("Employer").select_option(label="Lumen Optics")
    page.get_by_label("Kind").select_option("new")
    page.get_by_label("Application number (申請案號)").fill("115551039999")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text(re.compile(r"Case GC-\d+ opened"))).to_be_visible()
    case = Case.objects.get(application_number="115551039999")

    hr = browser_for()
    hr.login(lumen_hr.username)

    def move(status_label: str) -> None:
        page.get_by_label("New status").select_option(label=status_label)
        page.get_by_role("button", name="Record the new status").click()
        expect(page.locator('[data-feedback="status"]')).to_contain_text("Status recorded")
        expect(page.locator('[data-feedback="status"] .message')).to_be_in_viewport()

    # A step the lifecycle does not allow is not even offered.
    offered = page.get_by_label("New status").locator("option").all_inner_texts()
    assert "Approved (核准)" not in offered
    move("Submitted (已送出)")
    move("NIA information check (移民署初審)")
    assert _status_as_hr(hr, case) == (
        "NIA information check (移民署初審)",
        "National Immigration Agency (內政部移民署)",
    )

    # 4. A supplement request moves the case; its submission returns it to the review.
    page.get_by_role("link", name="Record a new supplement request").click()
    page.get_by_label("Requesting body").select_option("nia_initial")
    page.get_by_label("Notice date").fill(today)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text(re.compile("Supplement round 1 recorded"))).to_be_visible()
    assert _status_as_hr(hr, case) == ("Supplement requested (資料補正)", "Applicant side (申請人)")

    page.get_by_role("link", name="Record the submission (送出)…").click()
    page.get_by_label(re.compile("I pressed 送出")).check()
    page.get_by_label(re.compile("Record it although")).check()
    page.get_by_role("button", name="Yes, record the submission").click()
    expect(page.locator('[data-feedback="life"]')).to_contain_text("Submission recorded")
    page.get_by_label("Record the reviewer's outcome").select_option("accepted")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator('[data-feedback="life"]')).to_contain_text("Outcome recorded")
    assert _status_as_hr(hr, case) == (
        "NIA information check (移民署初審)",
        "National Immigration Agency (內政部移民署)",
    )

    # 5. On to the card.
    page.goto(f"/cases/{case.pk}/")
    for label, holder in (
        ("Qualification review by WDA / competent authority (資格審查)", "勞動力發展署"),
        ("NIA final review (移民署複審)", "移民署"),
        ("Approved (核准)", "移民署"),
        ("Card ready to collect (待領證)", "移民署"),
    ):
        move(label)
        status, held_by = _status_as_hr(hr, case)
        assert (status, holder in held_by) == (label, True)
    expect(page.get_by_label("New status").locator("option")).to_have_text(
        ["Card collected (已領證)"]
    )
    admin.shot("case-life-card-ready")

    # Another agency's admin: 404 on every page of this story.
    other = browser_for()
    other.login(world.outsider.username)
    for url in (client_url, applicant_url, f"/cases/{case.pk}/"):
        response = other.page.goto(url)
        assert response.status == 404, url
    assert admin.problems == []
    assert hr.problems == []
    assert SCREENSHOTS.exists()
