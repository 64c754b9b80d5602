"""An agency's templates (/templates/items/, /templates/replies/): the catalogue of usual requested
items (list, add, edit, offer or withdraw, reorder) and the reply templates. The agency's admins
write; its staff read; anyone else meets 404, as for any row not theirs (cases.tenancy). The
workspace uses them through web.workspace_templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services, tenancy
from web import feedback
from web.catalogue_forms import ItemTemplateForm, ReplyTemplateForm
from web.common import add_service_errors

ITEM_FIELDS = ("name_zh", "name_en", "kind", "waits_on", "tab", "active")
REPLY_FIELDS = ("name", "language", "body", "active")


def _agency(request):
    """The agency whose templates the page shows: ?agency=<id> for someone in several, else their
    (first) agency. Someone in none (HR, an applicant) meets 404."""
    agencies = tenancy.template_agencies(request.user)
    chosen = request.GET.get("agency", "")
    agency = agencies.filter(pk=chosen).first() if chosen.isdigit() else agencies.first()
    if agency is None:
        raise Http404(_("No such page."))
    return agency, agencies


def _url(name: str, agency, *args) -> str:
    return reverse(name, args=args) + "?" + urlencode({"agency": agency.pk})


def _context(request, agency, agencies, **more) -> dict:
    return {
        "agency": agency,
        "agencies": agencies if len(agencies) > 1 else [],
        "may_edit": tenancy.can_manage_templates(request.user, agency),
        **more,
    }


# --- The catalogue of usual requested items ----------------------------------------------------
@login_required
def item_templates(request):
    agency, agencies = _agency(request)
    entries = services.item_catalogue(agency, include_inactive=True)
    context = _context(request, agency, agencies, entries=entries)
    return render(request, "cases/item_templates.html", context)


@login_required
def item_template_new(request):
    agency, _agencies = _agency(request)
    tenancy.check_can_manage_templates(request.user, agency)  # staff: 403 before the form
    form = ItemTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.item_template_add(
                actor=request.user, agency=agency, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            feedback.success(request, _("“%(item)s” added.") % {"item": entry}, "entry", entry.pk)
            return redirect(_url("web:item_templates", agency) + f"#entry-{entry.pk}")
    return render(
        request,
        "cases/item_template_form.html",
        {"form": form, "entry": None, "agency": agency},
        status=400 if form.errors else 200,
    )


@login_required
def item_template_edit(request, pk: int):
    entry = tenancy.access_item_template(request.user, pk)
    tenancy.check_can_manage_templates(request.user, entry.agency)
    initial = {name: getattr(entry, name) for name in ITEM_FIELDS}
    form = ItemTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            entry = services.item_template_update(template=entry, actor=request.user, **changes)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            feedback.success(request, _("Saved."), "entry", entry.pk)
            return redirect(_url("web:item_templates", entry.agency) + f"#entry-{entry.pk}")
    return render(
        request,
        "cases/item_template_form.html",
        {"form": form, "entry": entry, "agency": entry.agency},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_template_move(request, pk: int):
    entry = tenancy.access_item_template(request.user, pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    services.item_template_move(template=entry, actor=request.user, step=step)
    feedback.success(request, _("Order saved."), "entry", entry.pk)
    return redirect(_url("web:item_templates", entry.agency) + f"#entry-{entry.pk}")


@login_required
@require_POST
def item_template_active(request, pk: int):
    """Withdraw an entry from the workspace (kept, with the items added from it), or offer it
    again."""
    entry = tenancy.access_item_template(request.user, pk)
    active = request.POST.get("active") == "1"
    services.item_template_update(template=entry, actor=request.user, active=active)
    text = _("Offered in the workspace again.") if active else _("No longer offered.")
    feedback.success(request, text, "entry", entry.pk)
    return redirect(_url("web:item_templates", entry.agency) + f"#entry-{entry.pk}")


# --- Reply templates ----------------------------------------------------------------------------
@login_required
def reply_templates(request):
    agency, agencies = _agency(request)
    templates = services.reply_templates(agency, include_inactive=True)
    context = _context(request, agency, agencies, templates=templates)
    return render(request, "cases/reply_templates.html", context)


@login_required
def reply_template_new(request):
    agency, _agencies = _agency(request)
    tenancy.check_can_manage_templates(request.user, agency)
    form = ReplyTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.reply_template_add(
                actor=request.user, agency=agency, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            feedback.success(request, _("Reply template added."), "reply-template", template.pk)
            return redirect(_url("web:reply_templates", agency) + f"#reply-template-{template.pk}")
    return render(
        request,
        "cases/reply_template_form.html",
        {"form": form, "template": None, "agency": agency},
        status=400 if form.errors else 200,
    )


@login_required
def reply_template_edit(request, pk: int):
    template = tenancy.access_reply_template(request.user, pk)
    tenancy.check_can_manage_templates(request.user, template.agency)
    initial = {name: getattr(template, name) for name in REPLY_FIELDS}
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            template = services.reply_template_update(
                template=template, actor=request.user, **changes
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            feedback.success(request, _("Saved."), "reply-template", template.pk)
            return redirect(
                _url("web:reply_templates", template.agency) + f"#reply-template-{template.pk}"
            )
    return render(
        request,
        "cases/reply_template_form.html",
        {"form": form, "template": template, "agency": template.agency},
        status=400 if form.errors else 200,
    )
