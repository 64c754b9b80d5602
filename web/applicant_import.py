"""Importing applicants from a spreadsheet (agency admins, /applicants/import/): upload, see every
row's problems, then import the whole file at once. The rules live in accounts.importing."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts import importing
from accounts.models import Organization
from cases.clock import taipei_today
from cases.tenancy import scope_for

SESSION_KEY = "applicant-import"


def _agencies(user):
    scope = scope_for(user)
    agencies = Organization.objects.filter(kind="agency").order_by("name")
    return agencies if scope.is_superuser else agencies.filter(pk__in=scope.agency_admin_ids)


def _admin_agencies(request):
    agencies = list(_agencies(request.user))
    if not agencies:
        raise PermissionDenied(_("Only an agency's admin can import applicants."))
    return agencies


def _jsonable(rows: list[dict]) -> list[dict]:
    """Spreadsheet cells for the session: dates as ISO text (the importer reads them back)."""
    return [
        {
            key: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
            for key, value in row.items()
        }
        for row in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_applicants(request):
    agencies = _admin_agencies(request)
    context = {"agencies": agencies, "max_rows": importing.MAX_ROWS}
    if request.method == "GET":
        return render(request, "cases/applicant_import.html", context)
    chosen = request.POST.get("organization") or str(agencies[0].pk)
    agency = next((a for a in agencies if str(a.pk) == chosen), None)
    if agency is None:
        raise Http404(_("No such agency."))
    if request.POST.get("token"):
        return _confirm(request, agency, context)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV or XLSX file."))
        return render(request, "cases/applicant_import.html", context, status=400)
    try:
        rows = importing.read_rows(upload.read(importing.MAX_BYTES + 1))
    except importing.ImportRefused as exc:
        messages.error(request, str(exc))
        return render(request, "cases/applicant_import.html", context, status=400)
    result = importing.run_import(
        rows=rows, organization=agency, actor=request.user, commit=False, today=taipei_today()
    )
    token = secrets.token_urlsafe(16)
    if result.ok:
        request.session[SESSION_KEY] = {
            "token": token,
            "agency": agency.pk,
            "name": upload.name,
            "rows": _jsonable(rows),
        }
    context |= {"result": result, "agency": agency, "token": token, "file_name": upload.name}
    return render(request, "cases/applicant_import.html", context, status=200 if result.ok else 400)


def _confirm(request, agency, context):
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("token") != request.POST["token"] or pending.get("agency") != agency.pk:
        messages.error(
            request, _("This import was already done or has expired; upload the file again.")
        )
        return redirect("web:applicant_import")
    result = importing.run_import(
        rows=pending["rows"],
        organization=agency,
        actor=request.user,
        commit=True,
        today=taipei_today(),
    )
    if not result.ok:  # someone added one of these applicants meanwhile
        context |= {"result": result, "agency": agency, "file_name": pending["name"]}
        return render(request, "cases/applicant_import.html", context, status=409)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        ngettext(
            "%(count)d applicant imported with %(agency)s's authorisation (委任書).",
            "%(count)d applicants imported with %(agency)s's authorisation (委任書).",
            result.imported,
        )
        % {"count": result.imported, "agency": agency.name},
    )
    return redirect("web:applicant_import")


@login_required
def import_template(request, fmt: str):
    agencies = _admin_agencies(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("No such format."))
    data = importing.template_dataset(agencies[0])
    body = data.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # a BOM, so Excel opens the Chinese labels as UTF-8
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="applicants-template.{fmt}"'
    return response
