"""Issue 15 in a real browser: the reports pages render their SVG charts under the CSP (no
violation, no script error), for the agency and for HR, and print without the filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.conftest import open_supplement_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reports_pages_render_under_the_csp(browser_for, world):
    open_supplement_on(world.acme_case, world.agency_staff)
    open_supplement_on(world.globex_case, world.agency_staff, days_ago=45)  # overdue

    agency = browser_for()
    agency.login(world.agency_admin.username)
    page = agency.page
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("#figure-open")).to_have_text("2")
    expect(page.locator("#figure-overdue")).to_have_text("1")
    assert page.locator("svg.chart-svg rect.part-open").count() >= 2
    box = page.locator("svg.chart-svg").first.bounding_box()
    assert box is not None
    assert box["width"] > 300
    page.emulate_media(media="print")
    expect(page.locator(".filter-box")).to_be_hidden()
    expect(page.locator("#report-filters")).to_be_visible()
    assert agency.problems == []

    hr = browser_for()
    hr.login(world.hr_globex.username)
    hr.page.get_by_role("link", name="Employee reports").click()
    expect(hr.page.locator("#figure-count")).to_have_text("1")
    expect(hr.page.locator("#figure-overdue")).to_have_text("1")
    assert hr.problems == []
