"""The report as XLSX (one sheet per table) or CSV (one long table: section, item, figure, value),
through tablib like the lists' exports (web/export.py, whose formula escaping it uses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import tablib
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from web.export import CONTENT_TYPES, as_csv, escape_cell

COUNT_KEYS = (
    "count",
    "open",
    "overdue",
    "submitted",
    "submitted_on_time",
    "submitted_late",
    "withdrawn",
    "on_time_rate",
)


def count_labels() -> dict[str, str]:
    return {
        "count": _("Supplements"),
        "open": _("Open"),
        "overdue": _("Overdue"),
        "submitted": _("Submitted"),
        "submitted_on_time": _("Submitted on time"),
        "submitted_late": _("Submitted late"),
        "withdrawn": _("Withdrawn"),
        "on_time_rate": _("On-time rate"),
    }


def _summary(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = count_labels()
    rows: list[tuple[str, Any]] = [(labels[key], figures[key]) for key in COUNT_KEYS]
    rows += [
        (_("Cases"), figures["cases"]),
        (_("Supplements per case"), figures["supplements_per_case"]),
        (_("Deadlines set by staff"), figures["overridden"]),
        (_("Days from notice to submission, median"), figures["days_to_file"]["median"]),
        (_("Days from notice to submission, 90th percentile"), figures["days_to_file"]["p90"]),
        (_("Days from submission to outcome, median"), figures["days_to_outcome"]["median"]),
        (
            _("Days from submission to outcome, 90th percentile"),
            figures["days_to_outcome"]["p90"],
        ),
        (_("Outcome: accepted"), figures["outcomes"]["accepted"]),
        (_("Outcome: another supplement requested"), figures["outcomes"]["further_request"]),
        (_("Outcome: refused"), figures["outcomes"]["refused"]),
        (_("Outcome: pending"), figures["outcomes"]["pending"]),
    ]
    rows += [
        (
            ngettext("Cases with %(rounds)s round", "Cases with %(rounds)s rounds", row["rounds"])
            % {"rounds": row["rounds"]},
            row["cases"],
        )
        for row in figures["rounds_per_case"]
    ]
    return rows


def tables(figures: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, dict[str, Any]]]]]:
    """The breakdowns as (title, first column's header, [(item, counts)])."""
    return [
        (_("By month"), _("Month"), [(row["month"], row) for row in figures["by_month"]]),
        (
            _("By requesting body"),
            _("Requesting body"),
            [(row["label"], row) for row in figures["by_requesting_body"]],
        ),
        (
            _("By field of expertise"),
            _("Field of expertise (領域專長)"),
            [(row["label"], row) for row in figures["by_field"]],
        ),
        (
            _("By assignee"),
            _("Assigned to"),
            [(row["label"], row) for row in figures["by_assignee"]],
        ),
    ]


def databook(figures: dict[str, Any]) -> tablib.Databook:
    labels = count_labels()
    summary = tablib.Dataset(headers=[_("Figure"), _("Value")], title=_("Summary")[:31])
    for label, value in _summary(figures):
        summary.append([escape_cell(label), value])
    sheets = [summary]
    for title, first, rows in tables(figures):
        sheet = tablib.Dataset(headers=[first, *(labels[k] for k in COUNT_KEYS)], title=title[:31])
        for item, row in rows:
            sheet.append([escape_cell(item), *(row[k] for k in COUNT_KEYS)])
        sheets.append(sheet)
    return tablib.Databook(sheets)


def long_table(figures: dict[str, Any]) -> tablib.Dataset:
    labels = count_labels()
    data = tablib.Dataset(headers=[_("Section"), _("Item"), _("Figure"), _("Value")])
    for label, value in _summary(figures):
        data.append([_("Summary"), "", escape_cell(label), value])
    for title, _first, rows in tables(figures):
        for item, row in rows:
            for key in COUNT_KEYS:
                data.append([title, escape_cell(item), labels[key], row[key]])
    return data


def download(figures: dict[str, Any], fmt: str, stem: str, today: dt.date) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    body = databook(figures).export("xlsx") if fmt == "xlsx" else as_csv(long_table(figures))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{today:%Y-%m-%d}.{fmt}"'
    return response
