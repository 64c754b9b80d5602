"""Applicants one by one (/applicants/): the list in the user's scope, adding one (an agency with its
authorisation 委任書, an employer with the employment), the applicant's page with their
authorisations, employments and cases, and the changes made there. accounts.services decides; rows
not in the user's scope are 404 (cases.tenancy)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import services
from accounts.checks import warnings_for
from accounts.models import Organization, OrganizationKind
from accounts.standing import can_change_applicant_email
from cases import tenancy
from cases.clock import taipei_today
from cases.documents.storage import file_response
from web.applicant_forms import (
    ApplicantForm,
    AuthorisationForm,
    EmploymentEndForm,
    EmploymentForm,
    SignedFileForm,
)
from web.common import add_service_errors

LIST_LIMIT = 200
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


# --- Who may do what here -------------------------------------------------------------------------
def _member_scope(request) -> tenancy.Scope:
    """These pages are for the agency's and the employer's people; an applicant has /me/."""
    scope = tenancy.scope_for(request.user)
    if not (scope.is_superuser or scope.member_org_ids):
        raise Http404(_("No such page."))
    return scope


def _agencies(scope: tenancy.Scope):
    agencies = Organization.objects.filter(kind=OrganizationKind.AGENCY).order_by("name")
    return agencies if scope.is_superuser else agencies.filter(pk__in=scope.agency_ids)


def _employers(request, scope: tenancy.Scope):
    """Where an employment may be recorded: an agency's clients and the employers it works with;
    for HR, their own employer."""
    employers = tenancy.visible_organizations(request.user).filter(kind=OrganizationKind.EMPLOYER)
    if not (scope.is_superuser or scope.agency_ids):
        employers = employers.filter(pk__in=scope.employer_ids)
    return employers.order_by("name")


def _accounts_error(form, exc: services.AccountsError) -> None:
    form.add_error(
        exc.params.get("field") if exc.params.get("field") in form.fields else None, exc.message
    )


def _warn(request, data: dict) -> None:
    for warning in warnings_for(data):
        messages.warning(request, warning)


# --- List and new ---------------------------------------------------------------------------------
@login_required
@require_safe
def applicant_list(request):
    scope = _member_scope(request)
    text = request.GET.get("q", "").strip()
    applicants = tenancy.visible_applicants(request.user).order_by(
        "family_name_en", "given_name_en", "pk"
    )
    if text:
        applicants = applicants.filter(
            Q(family_name_en__icontains=text)
            | Q(given_name_en__icontains=text)
            | Q(name_zh__icontains=text)
            | Q(passport_number__iexact=text.replace(" ", ""))
        )
    context = {
        "applicants": applicants[:LIST_LIMIT],
        "limit": LIST_LIMIT,
        "q": text,
        "may_add": bool(scope.member_org_ids) or scope.is_superuser,
    }
    return render(request, "cases/applicants.html", context)


@login_required
def applicant_new(request):
    scope = _member_scope(request)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    agencies = _agencies(scope)
    form = ApplicantForm(data, prefix="applicant")
    today = taipei_today()
    if agencies.exists():  # an agency adds with its authorisation; the employment may follow
        auth = AuthorisationForm(
            data,
            files,
            prefix="auth",
            agencies=agencies,
            initial={"signed_on": today, "valid_from": today},
        )
        job = EmploymentForm(
            data, prefix="job", employers=_employers(request, scope), optional=True
        )
    else:  # HR adds their employer's employee
        auth = None
        job = EmploymentForm(data, prefix="job", employers=_employers(request, scope))
    context = {"form": form, "auth": auth, "job": job}
    if request.method != "POST":
        return render(request, "cases/applicant_new.html", context)
    with_job = not job.is_blank()
    valid = [
        form.is_valid(),
        auth.is_valid() if auth else True,
        job.is_valid() if with_job else True,
    ]
    if all(valid):
        if auth is not None:
            organization = auth.cleaned_data["agency"]
            authorisation = auth.service_fields() | {
                "signed_file": auth.cleaned_data.get("signed_file")
            }
        else:
            organization, authorisation = job.cleaned_data["employer"], None
        try:
            applicant = services.applicant_create(
                actor=request.user,
                organization=organization,
                authorisation=authorisation,
                employment=job.service_fields() if with_job else None,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(exc, *[f for f in (form, auth, job) if f is not None])
        except services.AccountsError as exc:
            _accounts_error(form, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": applicant})
            _warn(request, form.cleaned_data)
            return redirect("web:applicant_detail", pk=applicant.pk)
    return render(request, "cases/applicant_new.html", context, status=400)


# --- One applicant --------------------------------------------------------------------------------
def _applicant(request, pk: int):
    scope = _member_scope(request)
    return scope, tenancy.access_applicant(request.user, pk)


def _detail(request, applicant, scope, *, status: int = 200, **bound):
    """The applicant's page, with any form the person just sent shown with its errors."""
    authorisations = applicant.authorisations.select_related("agency")
    employments = applicant.employments.select_related("employer")
    if not scope.is_superuser:
        authorisations = authorisations.filter(agency_id__in=scope.agency_ids)
        if not scope.agency_ids:
            employments = employments.filter(employer_id__in=scope.employer_ids)
    agencies = _agencies(scope)
    employers = _employers(request, scope)
    today = taipei_today()
    context = {
        "applicant": applicant,
        "authorisations": authorisations,
        "employments": employments,
        "cases": tenancy.visible_cases(request.user)
        .filter(applicant=applicant)
        .select_related("agency", "employer")
        .order_by("-pk"),
        "may_edit": tenancy.can_edit_applicants(request.user),
        "may_authorise": agencies.exists(),
        "may_employ": employers.exists(),
        "auth_form": bound.get("auth_form")
        or AuthorisationForm(
            prefix="auth", agencies=agencies, initial={"signed_on": today, "valid_from": today}
        ),
        "job_form": bound.get("job_form")
        or EmploymentForm(prefix="job", employers=employers, initial={"start_date": today}),
        # A form sent for one row shows its errors on that row; the others get a blank one.
        "file_form": bound.get("file_form"),
        "file_for": bound.get("file_for"),
        "blank_file_form": SignedFileForm(prefix="file"),
        "end_form": bound.get("end_form"),
        "end_for": bound.get("end_for"),
        "blank_end_form": EmploymentEndForm(prefix="end"),
        "warnings": warnings_for({"passport_expiry": applicant.passport_expiry}),
    }
    return render(request, "cases/applicant_detail.html", context, status=status)


@login_required
@require_safe
def applicant_detail(request, pk: int):
    scope, applicant = _applicant(request, pk)
    return _detail(request, applicant, scope)


@login_required
def applicant_edit(request, pk: int):
    _scope, applicant = _applicant(request, pk)
    if not tenancy.can_edit_applicants(request.user):
        raise PermissionDenied(_("Only the agency or the employer can change an applicant."))
    form = ApplicantForm(
        request.POST or None,
        instance=applicant,
        prefix="applicant",
        may_change_email=can_change_applicant_email(request.user),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            applicant = services.applicant_update(
                applicant=applicant, actor=request.user, **changes
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Saved %(name)s's data.") % {"name": applicant})
            _warn(request, form.cleaned_data)
            return redirect("web:applicant_detail", pk=applicant.pk)
    context = {"form": form, "applicant": applicant}
    return render(request, "cases/applicant_edit.html", context, status=400 if form.errors else 200)


# --- Authorisations (委任書) ---------------------------------------------------------------------------
@login_required
@require_POST
def authorisation_add(request, pk: int):
    scope, applicant = _applicant(request, pk)
    form = AuthorisationForm(request.POST, request.FILES, prefix="auth", agencies=_agencies(scope))
    if form.is_valid():
        try:
            services.authorisation_add(
                applicant=applicant,
                agency=form.cleaned_data["agency"],
                actor=request.user,
                signed_file=form.cleaned_data.get("signed_file"),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Recorded the authorisation (委任書)."))
            return redirect("web:applicant_detail", pk=applicant.pk)
    return _detail(request, applicant, scope, status=400, auth_form=form)


@login_required
@require_POST
def authorisation_attach(request, pk: int, authorisation_id: int):
    scope, applicant = _applicant(request, pk)
    record = tenancy.access_authorisation(request.user, applicant, authorisation_id)
    form = SignedFileForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        try:
            services.authorisation_attach(
                authorisation=record,
                actor=request.user,
                signed_file=form.cleaned_data["signed_file"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Attached the signed authorisation (委任書)."))
            return redirect("web:applicant_detail", pk=applicant.pk)
    return _detail(request, applicant, scope, status=400, file_form=form, file_for=record.pk)


@login_required
@require_POST
def authorisation_revoke(request, pk: int, authorisation_id: int):
    _scope, applicant = _applicant(request, pk)
    record = tenancy.access_authorisation(request.user, applicant, authorisation_id)
    try:
        services.authorisation_revoke(authorisation=record, actor=request.user)
    except services.AccountsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Revoked the authorisation (委任書)."))
    # A revoked authorisation may take the applicant out of the agency's scope.
    if tenancy.visible_applicants(request.user).filter(pk=applicant.pk).exists():
        return redirect("web:applicant_detail", pk=applicant.pk)
    return redirect("web:applicant_list")


@login_required
@require_safe
def authorisation_file(request, pk: int, authorisation_id: int):
    _scope, applicant = _applicant(request, pk)
    record = tenancy.access_authorisation(request.user, applicant, authorisation_id)
    if not record.signed_file:
        raise Http404(_("No signed authorisation (委任書) is attached."))
    extension = record.signed_file.name.rsplit(".", 1)[-1]
    kind = "jpg" if extension == "jpeg" else extension
    name = f"authorisation-{applicant.passport_number}-{record.signed_on.isoformat()}.{kind}"
    return file_response(
        record.signed_file, name, CONTENT_TYPES.get(kind, "application/octet-stream")
    )


# --- Employments ---------------------------------------------------------------------------------------
@login_required
@require_POST
def employment_add(request, pk: int):
    scope, applicant = _applicant(request, pk)
    form = EmploymentForm(request.POST, prefix="job", employers=_employers(request, scope))
    if form.is_valid():
        fields = form.service_fields()
        try:
            services.employment_add(
                applicant=applicant, employer=fields.pop("employer"), actor=request.user, **fields
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Recorded the employment."))
            return redirect("web:applicant_detail", pk=applicant.pk)
    return _detail(request, applicant, scope, status=400, job_form=form)


@login_required
@require_POST
def employment_end(request, pk: int, employment_id: int):
    scope, applicant = _applicant(request, pk)
    job = tenancy.access_employment(request.user, applicant, employment_id)
    form = EmploymentEndForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            services.employment_end(
                employment=job, actor=request.user, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        except services.AccountsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recorded the end of the employment."))
            return redirect("web:applicant_detail", pk=applicant.pk)
    return _detail(request, applicant, scope, status=400, end_form=form, end_for=job.pk)
