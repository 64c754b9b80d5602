"""The reports pages: /reports/ for agency admins and staff (their agency's supplements), /hr/reports/
for employer HR (their employees' supplements only), each with charts, tables, a print layout and
XLSX/CSV exports. The figures come from cases.reports, the same function the API answers with."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import reports
from cases.clock import taipei_today
from cases.tenancy import scope_for
from web import report_charts, report_export
from web.common import agency_required, employer_required
from web.report_filters import ReportFilter

AGENCY, EMPLOYER = "agency", "employer"


def _base(request, side: str):
    """The supplements the page counts: those the person may see (the tenancy rule), on their
    own side: an agency's cases on the agency page, the employer's employees' on the HR page (a
    person who is both sees each on its own page)."""
    scope = scope_for(request.user)
    queryset = reports.reportable(request.user)
    if side == EMPLOYER:
        return queryset.filter(case__employer_id__in=scope.employer_ids)
    if scope.is_superuser:
        return queryset
    return queryset.filter(case__agency_id__in=scope.agency_ids)


def _labelled(figures: dict[str, Any]) -> dict[str, Any]:
    """Names for the rows that have none yet, in the reader's language."""
    chinese = (get_language() or "").lower().startswith("zh")
    for row in figures["by_field"]:
        name = row["name_zh"] if chinese else row["name_en"]
        row["label"] = name or _("Not recorded")
    for row in figures["by_assignee"]:
        row["label"] = row["name"] or _("Nobody")
    for row in figures["by_month"]:
        row["label"] = row["month"]
    return figures


def _figures(request, side: str):
    filterset = ReportFilter(request.GET or None, queryset=_base(request, side), request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, None
    period = filterset.form.cleaned_data if filterset.is_bound else {}
    figures = reports.supplement_report(
        filterset.qs,
        today=taipei_today(),
        date_from=period.get("from"),
        date_to=period.get("to"),
    )
    return filterset, _labelled(figures)


def _chosen(filterset: ReportFilter) -> list[tuple[str, str]]:
    """The filters in force as (label, value) for the printed page's header."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    chosen = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        shown = (
            value if hasattr(value, "pk") else choices.get(value, choices.get(str(value), value))
        )
        chosen.append((str(field.label), str(shown)))
    return chosen


def _page(request, side: str):
    filterset, figures = _figures(request, side)
    context: dict[str, Any] = {
        "filter": filterset,
        "figures": figures,
        "side": side,
        "query": request.GET.urlencode(),
        "chosen": _chosen(filterset),
        "parts": report_charts.part_labels(),
        "count_labels": report_export.count_labels(),
    }
    if figures is not None:
        context["charts"] = {
            "months": report_charts.columns(figures["by_month"]),
            "bodies": report_charts.rows_across(figures["by_requesting_body"]),
            "fields": report_charts.rows_across(figures["by_field"]),
            "ring": report_charts.ring(figures["on_time_rate"]),
            "spreads": report_charts.spreads(figures),
        }
        context["tables"] = report_export.tables(figures)
    status = 200 if figures is not None else 400
    return render(request, "cases/reports.html", context, status=status)


def _export(request, side: str, fmt: str):
    _filterset, figures = _figures(request, side)
    if figures is None:
        return _page(request, side)
    stem = "supplement-report" if side == AGENCY else "employee-supplement-report"
    return report_export.download(figures, fmt, stem, taipei_today())


@agency_required
def agency_reports(request):
    return _page(request, AGENCY)


@agency_required
def agency_export(request, fmt: str):
    return _export(request, AGENCY, fmt)


@employer_required
def hr_reports(request):
    return _page(request, EMPLOYER)


@employer_required
def hr_export(request, fmt: str):
    return _export(request, EMPLOYER, fmt)
