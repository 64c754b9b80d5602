"""Each figure of cases.reports on the hand-built set (conftest.py), as the agency, both HR sides
and through the period; the same answers on SQLite (ordered window) and PostgreSQL
(percentile_cont)."""

from __future__ import annotations

import datetime as dt

from cases import reports
from tests.reports.conftest import TODAY


def report_for(user, **period):
    return reports.supplement_report(reports.reportable(user), today=TODAY, **period)


def by(rows, key):
    return {row[key]: row for row in rows}


def test_agency_totals(book):
    figures = report_for(book.world.agency_staff)
    assert {
        key: figures[key]
        for key in (
            "count",
            "open",
            "overdue",
            "submitted",
            "submitted_on_time",
            "submitted_late",
            "withdrawn",
            "on_time_rate",
            "cases",
            "overridden",
            "supplements_per_case",
        )
    } == {
        "count": 6,
        "open": 2,
        "overdue": 1,
        "submitted": 3,
        "submitted_on_time": 2,
        "submitted_late": 1,
        "withdrawn": 1,
        "on_time_rate": 0.6667,
        "cases": 3,
        "overridden": 1,
        "supplements_per_case": 2.0,
    }


def test_agency_times_and_outcomes(book):
    figures = report_for(book.world.agency_admin)
    # To file: 18, 31 (G1, late by its Taipei date), 35; to outcome: 10, 14, 21.
    assert figures["days_to_file"] == {"median": 31.0, "p90": 34.2}
    assert figures["days_to_outcome"] == {"median": 14.0, "p90": 19.6}
    assert figures["outcomes"] == {
        "pending": 0,
        "accepted": 1,
        "further_request": 1,
        "refused": 1,
    }
    assert figures["rounds_per_case"] == [
        {"rounds": 1, "cases": 1},
        {"rounds": 2, "cases": 1},
        {"rounds": 3, "cases": 1},
    ]


def test_agency_breakdowns(book):
    figures = report_for(book.world.agency_staff)
    bodies = by(figures["by_requesting_body"], "requesting_body")
    assert {name: row["count"] for name, row in bodies.items()} == {
        "nia_initial": 2,
        "nia_final": 2,
        "wda": 1,
        "competent_authority": 1,
    }
    assert (bodies["nia_initial"]["submitted_on_time"], bodies["nia_initial"]["on_time_rate"]) == (
        1,
        0.5,
    )
    assert (bodies["nia_final"]["open"], bodies["nia_final"]["withdrawn"]) == (1, 1)
    assert bodies["competent_authority"]["overdue"] == 1
    assert bodies["wda"]["label"] == "Workforce Development Agency (勞動部勞動力發展署)"

    fields = by(figures["by_field"], "field")
    assert {code: row["count"] for code, row in fields.items()} == {
        "economy": 3,
        "digital": 2,
        None: 1,
    }
    assert fields["digital"]["submitted_late"] == 1
    assert fields["economy"]["name_zh"] == "經濟"

    people = by(figures["by_assignee"], "assignee")
    staff = book.world.agency_staff
    assert people[staff.pk]["open"] == 1
    assert people[staff.pk]["overdue"] == 0
    assert (people[None]["open"], people[None]["overdue"], people[None]["count"]) == (1, 1, 5)

    months = [
        (m["month"], m["count"], m["submitted"], m["submitted_on_time"], m["open"])
        for m in figures["by_month"]
    ]
    assert months == [
        ("2026-03", 1, 1, 1, 0),
        ("2026-04", 2, 2, 1, 0),
        ("2026-05", 2, 0, 0, 1),
        ("2026-06", 1, 0, 0, 1),
    ]


def test_hr_sees_only_their_employees(book):
    acme = report_for(book.world.hr_acme)
    # A1-A3, W1 and the other agency's O1; never Globex's.
    assert (acme["count"], acme["submitted"], acme["submitted_on_time"], acme["on_time_rate"]) == (
        5,
        3,
        3,
        1.0,
    )
    assert acme["overdue"] == 0
    assert "digital" not in {row["field"] for row in acme["by_field"]}
    globex = report_for(book.world.hr_globex)
    assert (
        globex["count"],
        globex["submitted_late"],
        globex["on_time_rate"],
        globex["overdue"],
    ) == (
        2,
        1,
        0.0,
        1,
    )
    assert {row["requesting_body"] for row in globex["by_requesting_body"]} == {
        "nia_initial",
        "competent_authority",
    }


def test_other_agency_and_outsiders(book):
    other = report_for(book.world.outsider)
    assert (other["count"], other["submitted_on_time"]) == (1, 1)
    assert other["by_assignee"] == [
        {
            "assignee": None,
            "name": None,
            "count": 1,
            "open": 0,
            "overdue": 0,
            "submitted": 1,
            "submitted_on_time": 1,
            "withdrawn": 0,
            "submitted_late": 0,
            "on_time_rate": 1.0,
        }
    ]
    applicant = report_for(book.world.applicant_user)  # Priya: her own case only
    assert applicant["count"] == 3


def test_period_selects_by_notice_date(book):
    april = report_for(
        book.world.agency_staff, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)
    )
    assert (april["count"], april["submitted"], april["submitted_on_time"]) == (2, 2, 1)
    assert [row["month"] for row in april["by_month"]] == ["2026-04"]
    assert april["days_to_file"] == {"median": 33.0, "p90": 34.6}


def test_empty_report(world, frozen):
    figures = report_for(world.agency_staff)
    assert (figures["count"], figures["on_time_rate"], figures["supplements_per_case"]) == (
        0,
        None,
        None,
    )
    assert figures["days_to_file"] == {"median": None, "p90": None}
    assert figures["by_month"] == []
    assert figures["rounds_per_case"] == []


def test_percentiles_by_window_match_percentile_cont(book, postgres_only):
    """On PostgreSQL, the SQLite fallback gives what percentile_cont gives."""
    rows = reports._annotated(reports.reportable(book.world.agency_staff))
    assert reports._percentiles_by_window(rows, "days_to_file") == {0.5: 31.0, 0.9: 34.2}
    assert report_for(book.world.agency_staff)["days_to_file"] == {"median": 31.0, "p90": 34.2}


def test_query_count_does_not_grow(book):
    """The same number of queries at N and 2N supplements: 6 on PostgreSQL, 8 on SQLite (the
    percentiles by window). The tenancy rule is a sub-select inside them (the person's
    memberships are read once per request and kept on the user)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import on_postgres
    from tests.reports.conftest import _supplement

    counts = []
    for size in (5, 10):
        for n in range(size):
            _supplement(
                book.withdrawn_case,
                10 + len(counts) * 5 + n,
                "wda",
                dt.date(2026, 2, 1),
                dt.date(2026, 3, 3),
            )
        with CaptureQueriesContext(connection) as captured:
            report_for(book.world.agency_staff)
        counts.append(len(captured))
    assert counts[0] == counts[1] == 6 if on_postgres() else 8
