"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Chromium comes from apt (`apt-get install -y chromium fonts-noto-cjk`; .ci/run installs it);
PLAYWRIGHT_CHROMIUM_EXECUTABLE points elsewhere. Without it the tests skip, unless
REQUIRE_REAL_SERVICES=1, when they fail. Screenshots go to artifacts/screenshots/ (CI keeps them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_REAL_SERVICES

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
    "--mute-audio",
]


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module; the Playwright loop lives only while the module runs."""
    if not _chromium_available():
        if REQUIRE_REAL_SERVICES:
            pytest.fail(f"REQUIRE_REAL_SERVICES=1 but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe, so Django's async guard is lifted while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Browser:
    """A browser context for one test, with CSP violations and page errors collected."""

    def __init__(self, chromium, live_server, **context_args):
        self.base = live_server.url
        self.context = chromium.new_context(
            base_url=self.base, locale="en-US", timezone_id="Asia/Taipei", **context_args
        )
        self.context.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.problems.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        return page

    def login(self, username: str, password: str = "pw-for-tests-1") -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    def shot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser_for(chromium, live_server):
    opened: list[Browser] = []

    def make(**context_args) -> Browser:
        browser = Browser(chromium, live_server, **context_args)
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        browser.close()
