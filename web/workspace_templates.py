"""The workspace's use of the agency's templates (web.catalogue keeps them): adding a usual item
from the catalogue in one click, and filling the reply box from a reply template. Same shape as
web.workspace: fetched through the tenancy rule, one service, the result beside the control."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.errors import DomainError
from cases.models import ItemTemplate, ReplyTemplate
from web import feedback
from web.forms import ReplyForm
from web.workspace import done, failed, render_workspace, write_access


def _case_template(model, supplement, raw: str | None):
    """An offered template of the case's own agency; any other (or none) is 404."""
    agency_id = supplement.case.agency_id
    if agency_id is None or not (raw or "").isdigit():
        raise Http404(_("No such template."))
    template = model.objects.filter(pk=raw, agency_id=agency_id, active=True).first()
    if template is None:
        raise Http404(_("No such template."))
    return template


@login_required
@require_POST
def catalogue_item_add(request, pk: int):
    supplement = write_access(request, pk)
    template = _case_template(ItemTemplate, supplement, request.POST.get("template"))
    try:
        item = services.item_add_from_catalogue(
            supplement=supplement, actor=request.user, template=template
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "catalogue")
    text = _("“%(item)s” added to the requested items.") % {"item": item.description}
    return done(request, supplement, text, "catalogue")


@login_required
@require_POST
def reply_fill(request, pk: int):
    """The reply box filled from a template, shown for review and NOT saved: saving stays the
    person's own step (web.workspace.save_reply), with the version they read, so a colleague's
    save meanwhile is still caught as a conflict."""
    supplement = write_access(request, pk)
    template = _case_template(ReplyTemplate, supplement, request.POST.get("reply_template"))
    text = services.fill_reply(body=template.body, supplement=supplement)
    read = request.POST.get("expected_version", "")
    version = int(read) if read.isdigit() else supplement.reply_version
    form = ReplyForm(initial={"reply": text, "expected_version": version})
    feedback.info(
        request,
        _("“%(name)s” is in the box below. Nothing is saved until you save the reply.")
        % {"name": template.name},
        "reply",
    )
    typed = request.POST.get("reply", "")
    if typed.strip() and typed.replace("\r\n", "\n") != supplement.reply.replace("\r\n", "\n"):
        # The box held unsaved text: say it was replaced rather than let it vanish unnoticed.
        feedback.warning(
            request,
            _("The text you had typed and not saved was replaced. The saved reply is unchanged."),
            "reply",
        )
    return render_workspace(request, supplement, reply_form=form)
