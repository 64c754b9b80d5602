"""Moving a case along its lifecycle from its page (/cases/<id>/): the status with its date, the
body now holding it and a note; the case's details (card issue and validity dates among them);
the agency's internal notes. The case page answers each post with the result at its top."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.choices import CaseStatus
from cases.errors import DomainError
from cases.models import Case
from cases.tenancy import access_case, check_can_edit_case, check_can_edit_notes
from web.case_forms import CaseDetailsForm, CaseTransitionForm, NotesForm
from web.case_page import render_case
from web.common import error_text


def _back(case: Case, anchor: str):
    response = redirect("web:case", pk=case.pk)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def change_status(request, pk: int):
    case = access_case(request.user, pk)
    check_can_edit_case(request.user, case)
    form = CaseTransitionForm(request.POST, case=case)
    if not form.is_valid():
        if form.has_error("status"):
            messages.error(
                request,
                _("A case in “%(status)s” cannot move there. Choose one of the next steps shown.")
                % {"status": case.get_status_display()},
                extra_tags="status",
            )
        return render_case(request, case, status=400, transition_form=form)
    data = form.cleaned_data
    try:
        change = services.case_transition(
            case=case,
            actor=request.user,
            status=data["status"],
            happened_on=data["happened_on"],
            holding_body=data["holding_body"] or None,
            note=data["note"],
        )
    except DomainError as exc:
        messages.error(request, error_text(exc), extra_tags="status")
        return render_case(request, case, status=exc.status, transition_form=form)
    messages.success(
        request,
        _("Status recorded: %(status)s, held by %(holder)s.")
        % {"status": change.get_status_display(), "holder": change.get_holding_body_display()},
        extra_tags="status",
    )
    if change.status == CaseStatus.SUPPLEMENT_REQUESTED:
        messages.info(
            request,
            _("Now record the supplement request itself, with its notice."),
            extra_tags="status",
        )
    return _back(case, "status")


@login_required
@require_POST
def edit_details(request, pk: int):
    case = access_case(request.user, pk)
    check_can_edit_case(request.user, case)
    # The form validates a copy: the case shown beside the errors keeps its recorded values.
    form = CaseDetailsForm(request.POST, instance=Case.objects.get(pk=case.pk), user=request.user)
    if not form.is_valid():
        messages.error(
            request, _("The details were not saved; see the marked fields."), extra_tags="details"
        )
        return render_case(request, case, status=400, details_form=form)
    try:
        services.case_update(case=case, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, error_text(exc), extra_tags="details")
        return render_case(request, case, status=exc.status, details_form=form)
    messages.success(request, _("Case details saved."), extra_tags="details")
    return _back(case, "details")


@login_required
@require_POST
def edit_notes(request, pk: int):
    case = access_case(request.user, pk)
    check_can_edit_notes(request.user, case)
    form = NotesForm(request.POST)
    form.is_valid()  # one optional text field: always valid, cleaned (stripped) here
    services.case_update(
        case=case, actor=request.user, internal_notes=form.cleaned_data.get("internal_notes", "")
    )
    messages.success(request, _("Internal notes saved."), extra_tags="notes")
    return _back(case, "notes")
