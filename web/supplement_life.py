"""A supplement's life after its content: withdrawing it, reopening one withdrawn by mistake, and
recording the reviewer's outcome once submitted (送出). Each posts from the workspace and answers
with the workspace, its result in view at the top (the services move the case along)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.choices import SupplementOutcome
from cases.errors import DomainError
from web.forms import OutcomeForm
from web.workspace import back, failed, render_workspace, write_access


@login_required
@require_POST
def withdraw(request, pk: int):
    supplement = write_access(request, pk)
    try:
        services.supplement_withdraw(supplement=supplement, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc)
    messages.success(
        request,
        _("Supplement withdrawn. Its alerts stop; reopen it if this was a mistake."),
    )
    return back(supplement)


@login_required
@require_POST
def reopen(request, pk: int):
    supplement = write_access(request, pk)
    try:
        services.supplement_reopen(supplement=supplement, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc)
    messages.success(request, _("Supplement reopened; the case reads “supplement requested”."))
    return back(supplement)


@login_required
@require_POST
def record_outcome(request, pk: int):
    supplement = write_access(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome the reviewer gave."))
        return render_workspace(request, supplement, status=400, outcome_form=form)
    outcome = form.cleaned_data["outcome"]
    try:
        services.supplement_record_outcome(
            supplement=supplement, actor=request.user, outcome=outcome
        )
    except DomainError as exc:
        return failed(request, supplement, exc, outcome_form=form)
    if outcome == SupplementOutcome.FURTHER_REQUEST:
        messages.success(
            request,
            _("Outcome recorded. Record the new supplement request from the case page."),
        )
    elif outcome == SupplementOutcome.REFUSED:
        messages.success(request, _("Outcome recorded; the case is now refused (不予許可)."))
    else:
        messages.success(request, _("Outcome recorded."))
    return back(supplement)
