"""The supplement workspace (/supplements/<id>/, where the alert emails link) and its actions.

Every action fetches the supplement through the tenancy rule, calls one service, and either goes
back to the workspace (PRG; htmx swaps the #workspace part of that page in place) or shows the page
again with the error and the person's input intact. Submitted supplements are read-only: the
services refuse changes, the page shows no forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases import services, tenancy
from cases.choices import (
    AttachmentKind,
    DeadlineRule,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementState,
)
from cases.errors import DomainError, StaleVersion
from cases.models import RequestedItem
from cases.readiness import Readiness
from cases.tenancy import (
    access_comment,
    access_document,
    access_supplement,
    party_for,
)
from notifications import reminders
from web import documents as web_documents
from web import feedback, queries
from web.attachment_queries import attachment_card
from web.common import error_text
from web.forms import (
    AssignForm,
    CommentForm,
    ItemForm,
    ItemStateForm,
    OutcomeForm,
    OverrideDeadlineForm,
    ReplyForm,
    ResolveForm,
    ReviewForm,
    SubmitForm,
    UploadForm,
)


def back(supplement, anchor: str = ""):
    url = reverse("web:workspace", args=[supplement.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def done(request, supplement, text: str, *at):
    """The action worked: say so beside what was clicked, and return there."""
    feedback.success(request, text, *at)
    return back(supplement, feedback.at(*at))


def workspace_context(request, supplement, **overrides) -> dict:
    """The page's context: the workspace data and a blank form for each action (or the bound
    form with errors the caller passes in `overrides`)."""
    space = queries.workspace_for(user=request.user, supplement=supplement)
    pending_for_party = [
        item
        for item in space.items
        if item.is_pending and (space.party == Party.AGENCY or item.waits_on == space.party)
    ]
    context = {
        "space": space,
        "supplement": supplement,
        "case": supplement.case,
        "reply_form": ReplyForm(
            initial={"reply": supplement.reply, "expected_version": supplement.reply_version}
        ),
        "comment_form": CommentForm(),
        "item_form": ItemForm(supplement=supplement),
        "upload_form": UploadForm(supplement=supplement, party=space.party),
        "assign_form": AssignForm(
            case=supplement.case, initial={"assignee": supplement.assignee_id}
        ),
        "override_form": OverrideDeadlineForm(
            initial={
                "deadline": supplement.deadline_override,
                "reason": supplement.override_reason,
            }
        ),
        "item_states": ItemStateForm.base_fields["state"].choices,
        "pending_for_party": pending_for_party,
        "reminder_options": reminders.options_for(supplement, request.user, space.items),
        "pack": web_documents.pack_status(supplement, request.user),
        "tabs": PlatformTab,
        "outcome_form": OutcomeForm(),
        "resolve_errors": {},
        "review_errors": {},
        "attachments": attachment_card(request.user, supplement),
        # The "from a notice: to confirm" form (issue 13, web.notices).
        "confirm_rules": DeadlineRule.choices,
        "confirm_bodies": RequestingBody.choices,
    }
    context.update(overrides)
    return context


def render_workspace(request, supplement, *, status: int = 200, **overrides):
    return render(
        request,
        "cases/workspace.html",
        workspace_context(request, supplement, **overrides),
        status=status,
    )


@login_required
def workspace(request, pk: int):
    supplement = access_supplement(request.user, pk)
    return render_workspace(request, supplement)


def write_access(request, pk: int):
    """For the actions whose rule is "manage the supplement", refused (403) before their form is
    read; the service makes the same check (cases.tenancy.checks) again."""
    return access_supplement(request.user, pk, for_write=True)


def failed(request, supplement, exc: DomainError, at: str, **overrides):
    """The action was refused: the reason beside what was clicked, the form as typed."""
    feedback.error(request, error_text(exc), at)
    return render_workspace(request, supplement, status=exc.status, **overrides)


@login_required
@require_POST
def save_reply(request, pk: int):
    supplement = write_access(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, reply_form=form)
    try:
        services.supplement_set_reply(
            supplement=supplement,
            actor=request.user,
            reply=form.cleaned_data["reply"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except StaleVersion as exc:
        supplement.refresh_from_db()
        # Keep what the person typed; show what is saved now, who saved it and when; let them
        # save again on purpose.
        kept = ReplyForm(
            initial={
                "reply": form.cleaned_data["reply"],
                "expected_version": supplement.reply_version,
            }
        )
        feedback.error(request, exc.message, "reply")
        return render_workspace(
            request, supplement, status=409, reply_form=kept, reply_conflict=supplement.reply
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "reply", reply_form=form)
    return done(request, supplement, _("Reply saved."), "reply")


@login_required
@require_POST
def add_comment(request, pk: int):
    supplement = write_access(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, comment_form=form)
    try:
        comment = services.comment_add(
            supplement=supplement, actor=request.user, **form.cleaned_data
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "add-comment", comment_form=form)
    return done(request, supplement, _("Comment added."), "comment", comment.pk)


def _version(raw: str | None) -> int | None:
    """A version a form read (a hidden field); anything else means "no check"."""
    return int(raw) if raw and raw.isdigit() else None


def _comment(request, pk: int, comment_id: int) -> tuple:
    supplement = write_access(request, pk)
    comment = access_comment(request.user, comment_id)
    if comment.supplement_id != supplement.pk:
        raise Http404
    return supplement, comment


@login_required
@require_POST
def resolve_comment(request, pk: int, comment_id: int):
    supplement, comment = _comment(request, pk, comment_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, resolve_errors={comment.pk: form})
    try:
        services.comment_resolve(comment=comment, actor=request.user, **form.cleaned_data)
    except StaleVersion as exc:
        # Someone resolved or reopened this comment meanwhile: say who, when and what it says.
        now = exc.params.get("current") or _("(not resolved)")
        text = exc.message + " " + _("It now reads: %(text)s") % {"text": now}
        feedback.error(request, text, "comment", comment.pk)
        return render_workspace(request, supplement, status=409, resolve_errors={comment.pk: form})
    except DomainError as exc:
        return failed(
            request, supplement, exc, f"comment-{comment.pk}", resolve_errors={comment.pk: form}
        )
    return done(request, supplement, _("Comment marked resolved."), "comment", comment.pk)


@login_required
@require_POST
def reopen_comment(request, pk: int, comment_id: int):
    supplement, comment = _comment(request, pk, comment_id)
    try:
        services.comment_reopen(
            comment=comment,
            actor=request.user,
            expected_version=_version(request.POST.get("expected_version")),
        )
    except DomainError as exc:
        return failed(request, supplement, exc, f"comment-{comment.pk}")
    return done(request, supplement, _("Comment reopened."), "comment", comment.pk)


@login_required
@require_POST
def add_item(request, pk: int):
    supplement = write_access(request, pk)
    form = ItemForm(request.POST, supplement=supplement)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, item_form=form)
    try:
        services.item_add(supplement=supplement, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return failed(request, supplement, exc, "add-item", item_form=form)
    return done(request, supplement, _("Requested item added."), "items")


@login_required
@require_POST
def set_item_state(request, pk: int, item_id: int):
    supplement = write_access(request, pk)
    item = get_object_or_404(RequestedItem, pk=item_id, supplement=supplement)
    form = ItemStateForm(request.POST)
    if not form.is_valid():
        feedback.error(request, _("Choose a state."), "item", item.pk)
        return render_workspace(request, supplement, status=400)
    try:
        services.item_set_state(item=item, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return failed(request, supplement, exc, f"item-{item.pk}")
    return done(request, supplement, _("Item updated."), "item", item.pk)


@login_required
@require_POST
def assign(request, pk: int):
    supplement = access_supplement(request.user, pk)
    tenancy.check_can_assign(request.user, supplement.case)  # the service's check, before the form
    form = AssignForm(request.POST, case=supplement.case)
    if not form.is_valid():
        feedback.error(
            request, _("Choose someone at the agency or the employer on the case."), "assign"
        )
        return render_workspace(request, supplement, status=400)
    try:
        services.supplement_assign(
            supplement=supplement, actor=request.user, assignee=form.cleaned_data["assignee"]
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "assign")
    return done(request, supplement, _("Assignment saved."), "assign")


@login_required
@require_POST
def remind(request, pk: int):
    """Ask the applicant or the employer's HR by email for what still waits on them (催件)."""
    supplement = access_supplement(request.user, pk)  # who may: the service's check
    try:
        sent = reminders.remind(
            supplement=supplement, actor=request.user, party=request.POST.get("party", "")
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "reminders")
    text = ngettext(
        "Reminder on its way to %(emails)s.", "Reminders on their way to %(emails)s.", len(sent)
    ) % {"emails": ", ".join(row.email for row in sent)}
    return done(request, supplement, text, "reminders")


@login_required
@require_POST
def override_deadline(request, pk: int):
    supplement = write_access(request, pk)
    form = OverrideDeadlineForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, override_form=form)
    try:
        services.supplement_override_deadline(
            supplement=supplement,
            actor=request.user,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return failed(request, supplement, exc, "deadline", override_form=form)
    return done(request, supplement, _("Deadline saved."), "deadline")


def _upload_part(form) -> str:
    """An upload for a requested item answers in the item's row; any other in the upload form."""
    item = form.cleaned_data.get("item") if hasattr(form, "cleaned_data") else None
    return f"item-{item.pk}" if item is not None else "upload"


@login_required
@require_POST
def upload(request, pk: int):
    """Any party on the case may add documents: HR the employer's, the applicant their own."""
    supplement = access_supplement(request.user, pk)  # who may upload: the service's check
    party = party_for(request.user, supplement.case)
    form = UploadForm(request.POST, request.FILES, supplement=supplement, party=party)
    next_url = request.POST.get("next", "")
    if not form.is_valid():
        if next_url.startswith("/"):
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(next_url)
        feedback.error(request, _("The file was not uploaded; see below."), _upload_part(form))
        return render_workspace(request, supplement, status=400, upload_form=form)
    try:
        document = web_documents.add(
            supplement=supplement,
            actor=request.user,
            upload=form.cleaned_data["file"],
            item=form.cleaned_data["item"],
            visibility=form.cleaned_data["visibility"],
        )
    except DomainError as exc:
        if next_url.startswith("/"):
            messages.error(request, error_text(exc))
            return redirect(next_url)
        return failed(request, supplement, exc, _upload_part(form), upload_form=form)
    text = _("“%(name)s” uploaded.") % {"name": document.original_name}
    if next_url.startswith("/"):
        messages.success(request, text)
        return redirect(next_url)
    return done(request, supplement, text, _upload_part(form))


@login_required
def submit(request, pk: int):
    """Record that the supplement was sent (送出) on the platform, after confirmation."""
    supplement = write_access(request, pk)
    if supplement.state != SupplementState.OPEN:
        feedback.info(request, _("This supplement is already submitted."), "life")
        return back(supplement, "life")
    form = SubmitForm(request.POST or None, request.FILES or None)
    readiness = Readiness.from_stored(supplement.missing)
    if request.method == "POST" and form.is_valid():
        proof = form.cleaned_data.get("proof")
        try:
            # Both or neither: a refused proof leaves the submission unrecorded, to try again.
            with transaction.atomic():
                services.supplement_submit(
                    supplement=supplement,
                    actor=request.user,
                    submitted_at=form.cleaned_data["submitted_at"],
                    force=form.cleaned_data["force"],
                )
                if proof is not None:
                    services.attachment_add(
                        supplement=supplement,
                        actor=request.user,
                        kind=AttachmentKind.PROOF,
                        data=b"".join(proof.chunks()),
                        name=proof.name,
                    )
        except DomainError as exc:
            messages.error(request, error_text(exc))
            status = exc.status
        else:
            text = _("Submission recorded. The supplement is now read-only and its alerts stop.")
            if proof is not None:
                text += " " + _("The proof “%(name)s” is kept with it.") % {"name": proof.name}
            return done(request, supplement, text, "life")
    else:
        status = 400 if request.method == "POST" else 200
    context = {
        "supplement": supplement,
        "case": supplement.case,
        "form": form,
        "readiness": readiness,
    }
    return render(request, "cases/submit_confirm.html", context, status=status)


def document_of(request, pk: int, document_id: int) -> tuple:
    """Who may remove, move or review: the services' checks (an uploader removes their own)."""
    supplement = access_supplement(request.user, pk)
    # Through the tenancy rule, so a document's own visibility holds here too.
    document = access_document(request.user, document_id)
    if document.supplement_id != supplement.pk:
        raise Http404
    return supplement, document


@login_required
@require_POST
def remove_document(request, pk: int, document_id: int):
    supplement, document = document_of(request, pk, document_id)
    try:
        web_documents.remove(document=document, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc, f"document-{document.pk}")
    text = _("“%(name)s” removed.") % {"name": document.original_name}
    return done(request, supplement, text, "documents")


@login_required
@require_POST
def move_document(request, pk: int, document_id: int):
    supplement, document = document_of(request, pk, document_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        web_documents.move(supplement=supplement, actor=request.user, document=document, step=step)
    except DomainError as exc:
        return failed(request, supplement, exc, f"document-{document.pk}")
    return done(request, supplement, _("Order saved."), "document", document.pk)


@login_required
@require_POST
def review_document(request, pk: int, document_id: int):
    supplement, document = document_of(request, pk, document_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, supplement, status=400, review_errors={document.pk: form})
    try:
        web_documents.review(
            document=document,
            actor=request.user,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return failed(request, supplement, exc, f"document-{document.pk}")
    return done(request, supplement, _("Review saved."), "document", document.pk)


@login_required
@require_POST
def pin_document(request, pk: int, document_id: int):
    """Keep a document in a packed file of its own, or let it share one again."""
    supplement, document = document_of(request, pk, document_id)
    pinned = request.POST.get("pinned") == "1"
    try:
        web_documents.pin(document=document, actor=request.user, pinned=pinned)
    except DomainError as exc:
        return failed(request, supplement, exc, f"document-{document.pk}")
    return done(
        request, supplement, _("Saved: the upload set is packed again."), "document", document.pk
    )


@login_required
@require_POST
def pack(request, pk: int):
    supplement = access_supplement(request.user, pk)  # who may: the service's check
    try:
        web_documents.pack(supplement=supplement, actor=request.user)
    except DomainError as exc:
        return failed(request, supplement, exc, "upload-set")
    feedback.info(request, _("Packing the upload set…"), "upload-set")
    return back(supplement, "upload-set")


@login_required
def pack_progress(request, pk: int):
    """htmx polls this while packing runs: the upload-set box alone."""
    supplement = access_supplement(request.user, pk)
    space = queries.workspace_for(user=request.user, supplement=supplement)
    context = {
        "supplement": supplement,
        "space": space,
        "pack": web_documents.pack_status(supplement, request.user),
    }
    return render(request, "cases/_ws_pack.html", context)
