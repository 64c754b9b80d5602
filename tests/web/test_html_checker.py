"""Our markup passes the Nu Html Checker (vnu.jar, the W3C's checker): the main pages as each
persona sees them, with a form's errors showing, the alert email's pages and an error page.
Duplicate ids, references to missing ids (aria-describedby), htmx's attributes outside the
data-* space: each is an error it reports. The checker comes from npm (vnu-jar, pinned) and runs
on Java."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from cases.choices import SupplementState
from notifications.links import make_token, unsubscribe_url
from tests.api.conftest import open_supplement_on
from tests.conftest import REQUIRE_REAL_SERVICES

VNU_JAR_VERSION = "26.9.27"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tracker-vnu"


def _checker() -> list[str]:
    java, npm = shutil.which("java"), shutil.which("npm")
    if java is None or npm is None:
        if REQUIRE_REAL_SERVICES:
            pytest.fail("the HTML checker needs Java (default-jre-headless) and npm")
        pytest.skip("the HTML checker needs Java and npm")
    folder = CACHE / VNU_JAR_VERSION
    jar = folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fetched = subprocess.run(
            [npm, "install", "--silent", "--prefix", str(folder), f"vnu-jar@{VNU_JAR_VERSION}"],
            check=False,
            capture_output=True,
            timeout=300,
        )
        if fetched.returncode and not REQUIRE_REAL_SERVICES:  # the npm registry out of reach
            pytest.skip(f"vnu.jar could not be fetched (offline?): {fetched.stderr[-300:]!r}")
        fetched.check_returncode()
    return [java, "-jar", str(jar)]


def _pages(world) -> dict[str, bytes]:
    supplement = open_supplement_on(world.acme_case, world.agency_staff)
    pages: dict[str, bytes] = {}
    visitor = Client()
    pages["login"] = visitor.get("/accounts/login/").content
    pages["login-refused"] = visitor.post(
        "/accounts/login/", {"username": "nobody", "password": "wrong"}
    ).content
    pages["not-found"] = visitor.get("/no-such-page/").content
    token = make_token(
        user_id=world.agency_staff.pk, subject_kind="supplement", subject_id=supplement.pk
    )
    pages["respond"] = visitor.get(f"/alerts/respond/{token}/").content
    path = unsubscribe_url(user_id=world.agency_staff.pk).split("://", 1)[1].split("/", 1)[1]
    pages["unsubscribe"] = visitor.get(f"/{path}").content

    staff = Client()
    staff.force_login(world.agency_staff)
    for name, url in {
        "dashboard": "/dashboard/",
        "dashboard-phone-filters": "/dashboard/?due_within=abc",
        "cases": "/cases/",
        "case": f"/cases/{world.acme_case.pk}/",
        "workspace": f"/supplements/{supplement.pk}/",
        "sheet": f"/supplements/{supplement.pk}/sheet/",
        "alerts": "/alerts/",
        "preferences": "/alerts/preferences/",
        "calendar": "/calendar/",
        "obligations": "/obligations/",
        "new-case": "/cases/new/",
        "settings": "/accounts/settings/",
    }.items():
        response = staff.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content
    hr = Client()
    hr.force_login(world.hr_acme)
    pages["hr"] = hr.get("/hr/").content
    applicant = Client()
    applicant.force_login(world.applicant_user)
    pages["applicant"] = applicant.get("/me/").content
    assert supplement.state == SupplementState.OPEN
    return pages


@pytest.mark.django_db
def test_our_pages_pass_the_nu_html_checker(world, tmp_path):
    command = _checker()
    for name, html in _pages(world).items():
        (tmp_path / f"{name}.html").write_bytes(html)

    result = subprocess.run(
        [
            *command,
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *sorted(str(path) for path in tmp_path.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout or "{}")
    errors = [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in report.get("messages", [])
        if message["type"] == "error"
    ]

    assert report, result.stderr
    assert errors == []


class _Ids(HTMLParser):
    """Every id on a page, and every id an aria-describedby / aria-labelledby / label points at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            self.references.update((values.get(name) or "").split())
        if tag == "label" and values.get("for"):
            self.references.add(values["for"])


@pytest.mark.django_db
def test_no_page_repeats_an_id_or_points_at_a_missing_one(world):
    problems = {}
    for name, html in _pages(world).items():
        parser = _Ids()
        parser.feed(html.decode())
        repeated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
        missing = sorted(parser.references - set(parser.ids))
        if repeated or missing:
            problems[name] = {"repeated": repeated, "missing": missing}

    assert problems == {}
