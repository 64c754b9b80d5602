"""The dashboard on a phone (390 px): nothing moves after the first paint (the filter box is
closed before it shows, not after), and every control is a tap target of at least 24 × 24 px
(WCAG 2.2, 2.5.8; links inside running text are exempt)."""

from __future__ import annotations

import time

import pytest

from tests.api.conftest import open_supplement_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}

# Layout shifts the page had since it started, as the browser counts them (Layout Instability
# API): the sum is the page's cumulative layout shift.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1500);
})"""

SMALL_TARGETS = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    "button, select, summary, input:not([type=hidden]), .nav a, .header-tools a, td > a:only-child");
  for (const element of controls) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || element.closest("[hidden], .visually-hidden")) continue;
    if (box.width < 24 || box.height < 24)
      small.push(`${element.tagName} ${element.name || element.textContent.trim().slice(0, 30)}:`
                 + ` ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""


def test_phone_dashboard_does_not_shift_and_its_targets_are_big_enough(browser_for, world):
    for _ in range(3):
        open_supplement_on(world.acme_case, world.agency_staff)
    browser = browser_for(**PHONE)
    browser.login(world.agency_staff.username)
    page = browser.page

    # A slow phone: the page paints before app.js arrives (its script is deferred).
    page.route("**/cases/app*.js", lambda route: (time.sleep(0.8), route.continue_()))
    page.goto("/dashboard/")
    page.wait_for_load_state("load")
    shift = page.evaluate(LAYOUT_SHIFT)
    box_open = page.evaluate("document.querySelector('details.filter-box').open")
    small = page.evaluate(SMALL_TARGETS)
    browser.shot("phone-dashboard", full_page=False)

    assert shift < 0.01
    assert box_open is False
    assert small == []
    assert browser.problems == []
