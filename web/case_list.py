"""/cases/: every case the person sees, paginated, filtered and exportable; /cases/new/: agency
staff open a case. A search that finds exactly one case goes straight to it (journey 2: a notice
names an application number)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import services
from cases.choices import SupplementState
from cases.clock import taipei_today
from cases.errors import DomainError
from cases.tenancy import visible_cases
from web import export
from web.case_forms import CaseCreateForm
from web.common import add_errors, agency_required
from web.filters import CaseListFilter
from web.queries import persona_for

PAGE_SIZE = 50
EXPORT_LIMIT = 5000


def _cases(request) -> CaseListFilter:
    open_ = Q(supplements__state=SupplementState.OPEN)
    queryset = (
        visible_cases(request.user)
        .select_related("applicant", "agency", "employer", "field")
        .annotate(
            open_count=Count("supplements", filter=open_),
            next_deadline=Min("supplements__deadline", filter=open_),
        )
        .order_by("-updated_at", "-id")
    )
    return CaseListFilter(request.GET or None, queryset=queryset, request=request)


@login_required
def case_list(request):
    filterset = _cases(request)
    cases = filterset.qs
    text = request.GET.get("q", "").strip()
    only_search = text and not any(
        value for key, value in request.GET.items() if key not in ("q", "page")
    )
    if only_search and filterset.is_valid():
        found = list(cases[:2])
        if len(found) == 1:
            return redirect("web:case", pk=found[0].pk)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page_obj": page,
        "query": query.urlencode(),
        "today": taipei_today(),
        "can_open": _may_open_cases(request.user),
    }
    return render(request, "cases/case_list.html", context)


@login_required
def case_export(request, fmt: str):
    filterset = _cases(request)
    data = export.cases_dataset(list(filterset.qs[:EXPORT_LIMIT]))
    return export.download(data, fmt, "cases", taipei_today())


def _may_open_cases(user) -> bool:
    persona = persona_for(user)
    return persona.is_agency or persona.is_superuser


@agency_required
def case_new(request):
    form = CaseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except (DomainError, PermissionDenied, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Case %(reference)s opened for %(applicant)s.")
                % {"reference": case.reference, "applicant": case.applicant},
            )
            return redirect("web:case", pk=case.pk)
    status = 400 if form.errors else 200
    return render(request, "cases/case_new.html", {"form": form}, status=status)
