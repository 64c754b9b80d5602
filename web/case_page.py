"""The case page (/cases/<id>/): status timeline with the body holding the case, every supplement
round, the documents, and the history of changes (who and when). Agency staff also record a new
supplement request here, with the proposed deadline explained as they type."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from cases import services
from cases.errors import DomainError
from cases.tenancy import (
    access_case,
    can_edit_case,
    can_edit_notes,
    can_manage_supplement,
    can_see_internal_notes,
    party_for,
)
from web import case_queries
from web.case_forms import CaseDetailsForm, CaseTransitionForm, NotesForm
from web.common import error_text
from web.forms import SupplementCreateForm


def _case_context(request, case, **extra) -> dict:
    user = request.user
    party = party_for(user, case)
    can_edit = can_edit_case(user, case)
    context = {
        "case": case,
        "party": party,
        "can_see_notes": can_see_internal_notes(user, case),
        "can_edit_notes": can_edit_notes(user, case),
        "can_edit": can_edit,
        "timeline": case_queries.case_timeline(case),
        "supplements": case_queries.case_supplements(case),
        "documents": case_queries.case_documents(user, case),
        "history": case_queries.case_history(user, case),
        "can_add_supplement": can_manage_supplement(user, case),
    }
    if can_edit:
        context["transition_form"] = CaseTransitionForm(case=case)
        context["details_form"] = CaseDetailsForm(instance=case, user=user)
        context["notes_form"] = NotesForm(initial={"internal_notes": case.internal_notes})
    context.update(extra)
    return context


def render_case(request, case, *, status: int = 200, **extra):
    """The case page; a refused post passes its bound form (with the errors) in `extra`."""
    return render(request, "cases/case.html", _case_context(request, case, **extra), status=status)


@login_required
def case_detail(request, pk: int):
    return render_case(request, access_case(request.user, pk))


@login_required
def supplement_new(request, pk: int):
    """Journey 2: a notice arrived; record the request and see how the deadline was counted."""
    case = access_case(request.user, pk)
    if not can_manage_supplement(request.user, case):
        raise PermissionDenied(_("Only the filing party can record a supplement request."))
    form = SupplementCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            supplement = services.supplement_create(
                case=case, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            field = exc.params.get("field")
            form.add_error(field if field in form.fields else None, error_text(exc))
        else:
            messages.success(
                request,
                _("Supplement round %(round)d recorded; deadline %(deadline)s.")
                % {"round": supplement.round, "deadline": supplement.deadline.isoformat()},
            )
            return redirect("web:workspace", pk=supplement.pk)
    context = {"case": case, "form": form, "preview": _preview(form)}
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/supplement_new.html", context, status=status)


def _preview(form) -> dict | None:
    """The proposed deadline for what is typed so far, with the steps of the count."""
    data = form.data if form.is_bound else None
    if not data:
        return None
    field_form = SupplementCreateForm.base_fields
    try:
        notice = field_form["notice_date"].clean(data.get("notice_date"))
        rule = field_form["rule"].clean(data.get("rule"))
    except ValidationError:  # an incomplete form simply has no preview yet
        return None
    if notice is None:
        return None
    result = services.propose_deadline(notice_date=notice, rule=rule)
    if result is None:
        return {"custom": True}
    language = translation.get_language() or "en"
    return {"last_day": result.last_day, "steps": [step.text(language) for step in result.steps]}


@login_required
def deadline_preview(request, pk: int):
    """htmx: the preview box alone, refreshed as the notice date or rule changes."""
    case = access_case(request.user, pk)
    form = SupplementCreateForm(request.GET or None, user=request.user)
    return render(
        request, "cases/_deadline_preview.html", {"case": case, "preview": _preview(form)}
    )
