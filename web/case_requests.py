"""Case requests (issue 10): employer HR asks an agency for a case for an employee from the HR
portal; the agency's members see the waiting requests (/case-requests/ and a panel on the
dashboard) and accept one, which opens the case, or decline it with a reason. Thin views: who may
do what is cases.tenancy's, what happens is cases.services.case_requests'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services, tenancy
from cases.errors import DomainError
from cases.models import CaseRequestState
from web import queries
from web.case_request_forms import CaseRequestAcceptForm, CaseRequestDeclineForm, CaseRequestForm
from web.common import error_text

RELATED = ("employer", "agency", "applicant", "requested_by", "decided_by", "case")


def requests_for(user):
    """The requests the user sees, waiting ones first, newest first within each."""
    waiting_first = SqlCase(
        When(state=CaseRequestState.WAITING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        tenancy.visible_case_requests(user)
        .select_related(*RELATED)
        .order_by(waiting_first, "-requested_at", "-id")
    )


@login_required
def case_request_new(request):
    """HR asks an agency for a case (the form also sits on the HR portal)."""
    if not queries.persona_for(request.user).is_employer:
        raise PermissionDenied(_("Only an employer's HR can ask for a case."))
    form = CaseRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_request = services.case_request_create(
                actor=request.user,
                employer=data["employer"],
                agency=data["agency"],
                applicant=data["applicant"],
                kind=data["kind"],
                note=data["note"],
            )
        except DomainError as exc:
            field = exc.params.get("field")
            form.add_error(field if field in form.fields else None, error_text(exc))
        else:
            messages.success(
                request,
                _("Your request was sent to %(agency)s; you will hear when they decide.")
                % {"agency": case_request.agency.name},
            )
            return redirect("web:hr")
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/case_request_new.html", {"form": form}, status=status)


@login_required
def case_request_list(request):
    rows = list(requests_for(request.user))
    context = {
        "waiting": [row for row in rows if row.state == CaseRequestState.WAITING],
        "decided": [row for row in rows if row.state != CaseRequestState.WAITING],
    }
    return render(request, "cases/case_requests.html", context)


def _detail(request, case_request, *, status=200, **forms):
    user = request.user
    context = {
        "req": case_request,
        "can_decide": case_request.is_waiting
        and tenancy.can_decide_case_request(user, case_request),
        "can_cancel": case_request.is_waiting
        and tenancy.can_cancel_case_request(user, case_request),
        "accept_form": forms.get("accept_form") or CaseRequestAcceptForm(),
        "decline_form": forms.get("decline_form") or CaseRequestDeclineForm(),
        "conflict": forms.get("conflict"),
    }
    return render(request, "cases/case_request.html", context, status=status)


@login_required
def case_request_detail(request, pk: int):
    return _detail(request, tenancy.access_case_request(request.user, pk))


def _conflict(request, case_request, exc: DomainError):
    """Someone decided first: show the request as it is now, with why nothing happened."""
    fresh = tenancy.access_case_request(request.user, case_request.pk)
    return _detail(request, fresh, status=exc.status, conflict=error_text(exc))


@login_required
@require_POST
def case_request_accept(request, pk: int):
    case_request = tenancy.access_case_request(request.user, pk)
    form = CaseRequestAcceptForm(request.POST)
    # A request decided meanwhile goes on to the service, which says so (409).
    if case_request.is_waiting and not form.is_valid():
        return _detail(request, case_request, status=400, accept_form=form)
    try:
        case_request = services.case_request_accept(
            case_request=case_request,
            actor=request.user,
            field=form.cleaned_data.get("field") if form.is_valid() else None,
        )
    except DomainError as exc:
        return _conflict(request, case_request, exc)
    messages.success(
        request,
        _("Request accepted: case %(reference)s opened for %(employee)s.")
        % {"reference": case_request.case.reference, "employee": case_request.applicant},
    )
    return redirect("web:case", pk=case_request.case_id)


@login_required
@require_POST
def case_request_decline(request, pk: int):
    case_request = tenancy.access_case_request(request.user, pk)
    form = CaseRequestDeclineForm(request.POST)
    # A request decided meanwhile goes on to the service, which says so (409).
    if case_request.is_waiting and not form.is_valid():
        return _detail(request, case_request, status=400, decline_form=form)
    try:
        services.case_request_decline(
            case_request=case_request,
            actor=request.user,
            reason=form.cleaned_data.get("reason", "") if form.is_valid() else "",
        )
    except DomainError as exc:
        if exc.status == 409:
            return _conflict(request, case_request, exc)
        form.add_error("reason", error_text(exc))
        return _detail(request, case_request, status=400, decline_form=form)
    messages.success(request, _("Request declined; HR is told why."))
    return redirect("web:case_requests")


@login_required
@require_POST
def case_request_cancel(request, pk: int):
    case_request = tenancy.access_case_request(request.user, pk)
    try:
        services.case_request_cancel(case_request=case_request, actor=request.user)
    except DomainError as exc:
        return _conflict(request, case_request, exc)
    messages.success(request, _("Request cancelled."))
    return redirect("web:hr")
