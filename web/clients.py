"""An agency's client employers (/clients/): the list with their open cases, adding one, its page
(contact, HR people, cases, inviting HR) and editing it. Admins write; staff read; anyone else
meets 404, as for any row not theirs (cases.tenancy)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import clients as client_services
from accounts.models import EMPLOYER_ROLES, Membership, Organization
from cases import tenancy
from cases.models import Case
from web.client_forms import ClientForm
from web.common import add_service_errors

CLIENT_FIELDS = ("name", "name_zh", "tax_id", "email")
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "note")


def _require_agency(request) -> tenancy.Scope:
    scope = tenancy.scope_for(request.user)
    if not (scope.agency_ids or scope.is_superuser):
        raise Http404(_("No such page."))
    return scope


def _admin_agencies(user):
    scope = tenancy.scope_for(user)
    agencies = Organization.objects.filter(kind="agency").order_by("name")
    return agencies if scope.is_superuser else agencies.filter(pk__in=scope.agency_admin_ids)


def _open_cases(agency_field: str = "agency_id"):
    """Open cases of the client employer worked by the client's own agency: one sub-select."""
    return Coalesce(
        Subquery(
            Case.objects.open()
            .filter(employer_id=OuterRef("employer_id"), agency_id=OuterRef(agency_field))
            .values("employer_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


@login_required
def client_list(request):
    _require_agency(request)
    text = request.GET.get("q", "").strip()
    clients = (
        tenancy.visible_clients(request.user)
        .select_related("agency", "employer")
        .annotate(open_cases=_open_cases())
        .order_by("employer__name", "pk")
    )
    if text:
        clients = clients.filter(
            Q(employer__name__icontains=text)
            | Q(employer__name_zh__icontains=text)
            | Q(employer__tax_id=text)
        )
    context = {
        "clients": clients,
        "q": text,
        "may_add": _admin_agencies(request.user).exists(),
    }
    return render(request, "cases/clients.html", context)


@login_required
def client_new(request):
    _require_agency(request)
    agencies = _admin_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(
            _("Only the agency's admins can add or change its client employers (雇主).")
        )
    form = ClientForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            client = client_services.client_add(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                _("%(name)s is now a client of %(agency)s.")
                % {"name": client.employer.name, "agency": client.agency.name},
            )
            return redirect("web:client", pk=client.pk)
    return render(
        request,
        "cases/client_form.html",
        {"form": form, "client": None},
        status=400 if form.errors else 200,
    )


@login_required
def client_detail(request, pk: int):
    client = tenancy.access_client(request.user, pk)
    employer = client.employer
    hr = (
        Membership.objects.filter(organization=employer, role__in=EMPLOYER_ROLES)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    cases = (
        tenancy.visible_cases(request.user)
        .filter(employer=employer)
        .select_related("applicant")
        .order_by("-pk")
    )
    may_edit = tenancy.can_administer(request.user, client.agency)
    context = {
        "client": client,
        "employer": employer,
        "hr": hr,
        "cases": cases.open()[:50],
        "open_count": cases.open().count(),
        "may_edit": may_edit,
        "invite_url": reverse("web:invite") + "?" + urlencode({"organization": employer.pk}),
        "dashboard_url": reverse("web:dashboard") + "?" + urlencode({"employer": employer.pk}),
    }
    return render(request, "cases/client.html", context)


@login_required
def client_edit(request, pk: int):
    client = tenancy.access_client(request.user, pk)
    tenancy.check_can_manage_clients(request.user, client.agency)
    initial = {name: getattr(client.employer, name) for name in CLIENT_FIELDS} | {
        name: getattr(client, name) for name in CONTACT_FIELDS
    }
    form = ClientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: value for name, value in form.cleaned_data.items() if value != initial.get(name)
        }
        try:
            client_services.client_update(client=client, actor=request.user, **changes)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Saved the client's data."))
            return redirect("web:client", pk=client.pk)
    return render(
        request,
        "cases/client_form.html",
        {"form": form, "client": client},
        status=400 if form.errors else 200,
    )
