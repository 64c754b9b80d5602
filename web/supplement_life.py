"""A supplement's life after its content: withdrawing it, reopening one withdrawn by mistake, and
recording the reviewer's outcome once submitted (送出). Each posts from the workspace and answers
with the workspace, its result in view at the top (the services move the case along)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.choices import SupplementOutcome
from cases.errors import DomainError
from web import feedback
from web.forms import OutcomeForm
from web.workspace import done, failed, render_workspace, write_access


@login_required
@require_POST
def withdraw(request, pk: int):
    supplement = write_access(request, pk)
    try:
        services.supplement_withdraw(supplement=supplement, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc, "life")
    text = _("Supplement withdrawn. Its alerts stop; reopen it if this was a mistake.")
    return done(request, supplement, text, "life")


@login_required
@require_POST
def reopen(request, pk: int):
    supplement = write_access(request, pk)
    try:
        services.supplement_reopen(supplement=supplement, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc, "life")
    text = _("Supplement reopened; the case reads “supplement requested”.")
    return done(request, supplement, text, "life")


@login_required
@require_POST
def record_outcome(request, pk: int):
    supplement = write_access(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        feedback.error(request, _("Choose the outcome the reviewer gave."), "life")
        return render_workspace(request, supplement, status=400, outcome_form=form)
    outcome = form.cleaned_data["outcome"]
    try:
        services.supplement_record_outcome(
            supplement=supplement, actor=request.user, outcome=outcome
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "life", outcome_form=form)
    if outcome == SupplementOutcome.FURTHER_REQUEST:
        text = _("Outcome recorded. Record the new supplement request from the case page.")
    elif outcome == SupplementOutcome.REFUSED:
        text = _("Outcome recorded; the case is now refused (不予許可).")
    else:
        text = _("Outcome recorded.")
    return done(request, supplement, text, "life")
