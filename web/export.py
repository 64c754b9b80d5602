"""The dashboard's and the case list's rows as CSV or XLSX (tablib), safe to open in a spreadsheet.

Formula escaping is on: tablib's own XLSX `escape` only strips a leading "=", and CSV has none, so
every text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return, OWASP's list) is prefixed with an apostrophe, in both formats. Numbers and dates
stay typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import tablib
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from cases.choices import Party
from cases.models import Case
from web.queries import Row

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def supplements_dataset(rows: Sequence[Row]) -> tablib.Dataset:
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


def cases_dataset(cases: Sequence[Case]) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            _("Reference"),
            _("Application number (申請案號)"),
            _("Applicant"),
            _("Employer"),
            _("Agency"),
            _("Kind"),
            _("Field of expertise (領域專長)"),
            _("Status"),
            _("Held by"),
            _("Application date (申請日期)"),
            _("Card valid from"),
            _("Card valid to"),
            _("Open supplements"),
        ],
        title=_("Cases"),
    )
    for case in cases:
        values = [
            case.reference,
            case.application_number or "",
            str(case.applicant),
            case.employer.name if case.employer else "",
            case.agency.name if case.agency else "",
            case.get_kind_display(),
            case.field.name_en if case.field else "",
            case.get_status_display(),
            case.get_holding_body_display(),
            case.applied_on,
            case.card_valid_from,
            case.card_valid_to,
            case.open_count,
        ]
        data.append([escape_cell(value) for value in values])
    return data


def as_csv(data: tablib.Dataset) -> bytes:
    # A byte-order mark so Excel opens the UTF-8 (Chinese) text correctly.
    return ("\ufeff" + data.export("csv")).encode("utf-8")


def as_xlsx(data: tablib.Dataset) -> bytes:
    return data.export("xlsx", escape=True)


def download(data: tablib.Dataset, fmt: str, stem: str, today: dt.date) -> HttpResponse:
    """The list as a file to save: `fmt` is csv or xlsx (anything else: 404)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    body = as_xlsx(data) if fmt == "xlsx" else as_csv(data)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{today:%Y-%m-%d}.{fmt}"'
    return response
