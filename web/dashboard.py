"""The agency staff dashboard: open supplements in triage order with filters, bulk assignment, a
month calendar of deadlines and an export of the current list. Also the home page, which sends each
person to their own page."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases import services
from cases.clock import taipei_today
from cases.errors import DomainError
from cases.tenancy import can_assign
from web import export, queries
from web.common import agency_required
from web.filters import SupplementFilter
from web.forms import BulkAssignForm

PAGE_SIZE = 50
EXPORT_LIMIT = 5000


@login_required
def home(request):
    return redirect(queries.persona_for(request.user).home)


@login_required
def nothing(request):
    """A user with no organization and no case yet (an invitation not accepted, say)."""
    return render(request, "cases/nothing.html")


def _filtered(request, today: dt.date) -> SupplementFilter:
    return SupplementFilter(
        request.GET or None,
        queryset=queries.dashboard_queryset(user=request.user, today=today),
        request=request,
        today=today,
    )


@agency_required
def dashboard(request):
    today = taipei_today()
    filterset = _filtered(request, today)
    queryset = filterset.qs
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.rows_for(list(page.object_list), today)
    assign_form = BulkAssignForm(user=request.user, supplements=queryset, prefix="bulk")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "rows": rows,
        "page_obj": page,
        "today": today,
        "assign_form": assign_form,
        "query": query.urlencode(),
        "return_to": request.get_full_path(),
    }
    template = "cases/dashboard.html"
    if request.htmx and request.htmx.target == "results":
        template = "cases/_dashboard_results.html"
    else:
        # Unfiltered, as on the admin's attention page: the filters narrow only the list below.
        context["attention"] = queries.attention_panel(user=request.user, today=today)
    return render(request, template, context)


@agency_required
@require_POST
def bulk_assign(request):
    today = taipei_today()
    visible = queries.dashboard_queryset(user=request.user, today=today)
    form = BulkAssignForm(request.POST, user=request.user, supplements=visible, prefix="bulk")
    back = request.POST.get("return_to") or reverse("web:dashboard")
    if not back.startswith("/"):
        back = reverse("web:dashboard")
    if not form.is_valid():
        messages.error(request, _("Tick at least one supplement and choose whom to assign."))
        return redirect(back)
    assignee = form.cleaned_data["assignee"]
    done = refused = 0
    for supplement in form.cleaned_data["supplements"]:
        if not can_assign(request.user, supplement.case):
            continue  # the same check the service makes; counted as skipped, not as an error
        try:
            services.supplement_assign(supplement=supplement, actor=request.user, assignee=assignee)
        except DomainError:
            refused += 1  # the person works for neither the agency nor the employer on that case
        else:
            done += 1
    who = (assignee.get_full_name() or assignee.get_username()) if assignee else _("nobody")
    messages.success(
        request,
        ngettext(
            "%(count)d supplement assigned to %(who)s.",
            "%(count)d supplements assigned to %(who)s.",
            done,
        )
        % {"count": done, "who": who},
    )
    if refused:
        messages.warning(
            request,
            ngettext(
                "%(count)d supplement was not assigned: %(who)s is not on its case.",
                "%(count)d supplements were not assigned: %(who)s is not on their cases.",
                refused,
            )
            % {"count": refused, "who": who},
        )
    return redirect(back)


@agency_required
def export_list(request, fmt: str):
    """The current list (the same filters) as CSV or XLSX."""
    if fmt not in export.CONTENT_TYPES:
        raise Http404
    today = taipei_today()
    filterset = _filtered(request, today)
    rows = queries.rows_for(list(filterset.qs[:EXPORT_LIMIT]), today)
    return export.download(export.supplements_dataset(rows), fmt, "supplements", today)


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@agency_required
def deadline_calendar(request):
    """A month of deadlines (open supplements), with the dashboard's filters."""
    today = taipei_today()
    first = _month(request.GET.get("month"), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    filterset = _filtered(request, today)
    queryset = filterset.qs
    by_day = queries.deadlines_between(queryset, weeks[0][0], weeks[-1][-1])
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "supplements": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    previous_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("month", None)
    context = {
        "grid": grid,
        "month": first,
        "previous_month": previous_month,
        "next_month": next_month,
        "today": today,
        "filter": filterset,
        "query": query.urlencode(),
        "weekdays": [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ],
    }
    return render(request, "cases/calendar.html", context)
