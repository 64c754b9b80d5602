"""The dashboard's list as CSV or XLSX (tablib), safe to open in a spreadsheet.

Formula escaping is on: tablib's own XLSX `escape` only strips a leading "=", and CSV has none, so
every text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return, OWASP's list) is prefixed with an apostrophe, in both formats. Numbers and dates
stay typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import tablib
from django.utils.translation import gettext as _

from cases.choices import Party
from web.queries import Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def dataset(rows: Sequence[Row]) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            _("Reference"),
            _("Application number (申請案號)"),
            _("Applicant"),
            _("Employer"),
            _("Round"),
            _("Requesting body"),
            _("Notice date"),
            _("Deadline"),
            _("Days left"),
            _("Waiting on"),
            _("Ready"),
            _("What is missing"),
            _("Assigned to"),
        ],
        title=_("Supplements"),
    )
    for row in rows:
        supplement = row.supplement
        case = supplement.case
        values = [
            case.reference,
            case.application_number or "",
            str(case.applicant),
            case.employer.name if case.employer else "",
            supplement.round,
            supplement.get_requesting_body_display(),
            supplement.notice_date,
            supplement.deadline,
            row.days_left,
            ", ".join(str(Party(p).label) for p in row.waits_on),
            _("yes") if row.readiness.ready else _("no"),
            "; ".join(row.readiness.messages()),
            _person(supplement.assignee),
        ]
        data.append([escape_cell(value) for value in values])
    return data


def as_csv(rows: Sequence[Row]) -> bytes:
    # A byte-order mark so Excel opens the UTF-8 (Chinese) text correctly.
    return ("\ufeff" + dataset(rows).export("csv")).encode("utf-8")


def as_xlsx(rows: Sequence[Row]) -> bytes:
    return dataset(rows).export("xlsx", escape=True)


def filename(extension: str, today: dt.date) -> str:
    return f"supplements-{today:%Y-%m-%d}.{extension}"
