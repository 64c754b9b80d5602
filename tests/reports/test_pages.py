"""The reports pages: the agency's and HR's figures match what each may see (and the API for the
same query), charts are inline SVG under the CSP, both languages, exports, bad filters."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.reports.conftest import TODAY  # noqa: F401 (the set's "today")


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def figure(html: str, name: str) -> str:
    match = re.search(rf'id="figure-{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return match.group(1)


def api(user, **params) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client.get("/api/v1/reports/supplements/", params).json()


def test_agency_page_matches_the_api(client, book):
    staff = book.world.agency_staff
    response = page(client, staff, "/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    body = api(staff)
    assert figure(html, "open") == str(body["open"]) == "2"
    assert figure(html, "overdue") == str(body["overdue"]) == "1"
    assert figure(html, "submitted") == str(body["submitted"]) == "3"
    assert figure(html, "on-time") == "2"
    assert figure(html, "late") == "1"
    assert figure(html, "rate") == "67%"
    assert "<svg" in html
    assert "part-submitted_late" in html
    assert 'style="' not in html.split("<main", 1)[1]  # no inline style: the CSP holds
    assert "Content-Security-Policy" in response.headers


def test_agency_page_filters_like_the_api(client, book):
    world = book.world
    params = {"employer": world.acme.pk, "from": "2026-03-01", "to": "2026-04-30"}
    html = page(client, world.agency_admin, "/reports/", **params).content.decode()
    body = api(world.agency_admin, **params)
    assert body["count"] == 2
    assert figure(html, "count") == "2"
    assert figure(html, "on-time") == str(body["submitted_on_time"]) == "2"
    # The printed page says what it counts.
    printed = re.search(r'id="report-filters">([^<]*)<', html).group(1)
    assert printed == (
        "Filters: Employer: Acme; Notices from: 2026-03-01; Notices to: 2026-04-30. "
        "Taipei date: 2026-06-15"
    )


def test_hr_page_only_their_employees(client, book):
    world = book.world
    html = page(client, world.hr_acme, "/hr/reports/").content.decode()
    assert figure(html, "count") == "5"
    assert figure(html, "rate") == "100%"
    assert "Globex" not in html
    assert '<th scope="row">Digital</th>' not in html  # the Globex case's field
    assert '<th scope="row">Economy</th>' in html
    globex = page(client, world.hr_globex, "/hr/reports/").content.decode()
    assert figure(globex, "count") == "2"
    assert figure(globex, "overdue") == "1"
    assert "Acme" not in globex


def test_agency_page_leaves_out_other_agencies(client, book):
    html = page(client, book.world.agency_staff, "/reports/").content.decode()
    assert figure(html, "count") == "6"  # not the other agency's O1
    outsider = page(client, book.world.outsider, "/reports/").content.decode()
    assert figure(outsider, "count") == "1"
    assert '<th scope="row">Workforce Development Agency' not in outsider


@pytest.mark.parametrize(
    ("persona", "url", "home"),
    [
        ("hr_acme", "/reports/", "/hr/"),
        ("agency_staff", "/hr/reports/", "/dashboard/"),
        ("applicant", "/hr/reports/", "/me/"),
    ],
)
def test_each_page_is_for_its_side(client, book, persona, url, home):
    response = page(client, book.world.personas()[persona], url)
    assert response.status_code == 302
    assert response.url == home


def test_navigation_links(client, book):
    html = page(client, book.world.agency_staff, "/dashboard/").content.decode()
    assert 'href="/reports/"' in html
    html = page(client, book.world.hr_acme, "/hr/").content.decode()
    assert 'href="/hr/reports/"' in html


def test_bad_filter_is_named_and_counts_nothing(client, book):
    response = page(client, book.world.agency_staff, "/reports/", **{"from": "2026-02-31"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="from-errors"' in html
    assert "figure-open" not in html


def test_chinese_page(client, book):
    """In Chinese: the page's words and the fields' Chinese names."""
    client.force_login(book.world.agency_staff)
    client.post("/accounts/language/", {"language": "zh-hant", "next": "/reports/"})
    html = client.get("/reports/").content.decode()
    assert '<html lang="zh-hant">' in html
    assert "逾期" in html
    assert "匯出 CSV" in html
    assert "篩選條件" in html
    assert '<th scope="row">經濟</th>' in html  # the field's Chinese name
    assert "準時送出率" in html  # the report's own words
    assert "On-time rate" not in html
    assert '<th scope="row">Economy</th>' not in html
    assert figure(html, "open") == "2"
    # Another person in another browser (the first visit keeps that browser's language: none).
    english = page(Client(), book.world.agency_admin, "/reports/").content.decode()
    assert '<th scope="row">Economy</th>' in english


def test_xlsx_export_matches(client, book):
    response = page(client, book.world.agency_staff, "/reports/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "supplement-report-2026-06-15.xlsx" in response["Content-Disposition"]
    book_ = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book_["Summary"].iter_rows(values_only=True)}
    assert summary["Open"] == 2
    assert summary["Submitted on time"] == 2
    assert summary["On-time rate"] == 0.6667
    assert summary["Days from notice to submission, median"] == 31
    months = list(book_["By month"].iter_rows(values_only=True))
    assert months[1][:3] == ("2026-03", 1, 0)


def test_csv_export_for_hr(client, book):
    response = page(client, book.world.hr_globex, "/hr/reports/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Section", "Item", "Figure", "Value"]
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("Summary", "", "Supplements")] == "2"
    assert values[("Summary", "", "Submitted late")] == "1"
    assert "Acme" not in text
    assert page(client, book.world.hr_globex, "/hr/reports/export.pdf").status_code == 404


def test_a_period_ending_before_it_starts_is_refused_like_the_api(client, book):
    staff = book.world.agency_staff
    params = {"from": "2026-04-30", "to": "2026-03-01"}
    response = page(client, staff, "/reports/", **params)
    assert response.status_code == 400
    assert 'id="to-errors"' in response.content.decode()
    assert page(client, staff, "/reports/export.csv", **params).status_code == 400
    client.force_login(staff)
    assert client.get("/api/v1/reports/supplements/", params).status_code == 400


def test_a_spread_of_zero_days_reads_zero_not_a_dash():
    from django.template.loader import render_to_string

    from web import report_charts

    figures = {
        "days_to_file": {"median": 0.0, "p90": 2.0},
        "days_to_outcome": {"median": None, "p90": None},
        "on_time_rate": None,
        "submitted_on_time": 0,
        "submitted": 0,
    }
    charts = {
        "months": report_charts.columns([]),
        "bodies": report_charts.rows_across([]),
        "fields": report_charts.rows_across([]),
        "ring": report_charts.ring(None),
        "spreads": report_charts.spreads(figures),
    }
    html = render_to_string(
        "cases/_report_charts.html",
        {"charts": charts, "figures": figures, "parts": report_charts.part_labels()},
    )
    assert "Notice to submission, median: 0</title>" in html
    assert "Notice to submission, 90th pct.: 2</title>" in html
    assert "Submission to outcome, median: —</title>" in html
