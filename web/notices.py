"""Notices on the pages (issue 13): "Add a notice" (an .eml, a PDF, or pasted text), the inbox of
notices the intake read (unmatched ones attached to a case here), one notice's fields beside its
original, and confirming a supplement read from a notice. Thin views over intake.services."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.client_ip import client_ip
from accounts.models import Organization
from cases import services as case_services
from cases import tenancy
from cases.choices import DeadlineRule, PlatformTab, RequestingBody
from cases.documents.storage import file_response
from cases.errors import DomainError
from intake import parser
from intake import services as intake
from intake.models import Outcome, Source
from notifications.selectors import administered_organizations
from web import feedback
from web.common import organization_required
from web.workspace import done, failed, render_workspace, write_access

PART = "add-notice"

# The fields the intake reads (intake.parser), as the notice page names them.
FIELD_LABELS = {
    "application_number": gettext_lazy("Application number (申請案號)"),
    "name_zh": gettext_lazy("Chinese name (中文姓名)"),
    "name_en": gettext_lazy("English name (英文姓名)"),
    "notice_date": gettext_lazy("Notice date"),
    "rule": gettext_lazy("Deadline rule"),
    "deadline": gettext_lazy("Date written in the notice"),
    "requesting_body": gettext_lazy("Requesting body"),
    "authority_code": gettext_lazy("Authority"),
}


class NoticeForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Received by")
    )
    file = forms.FileField(
        required=False, label=gettext_lazy("The notice: the e-mail (.eml) or a PDF")
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea, label=gettext_lazy("…or paste the notice's text")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = tenancy.scope_for(user)
        queryset = Organization.objects.order_by("name")
        if not scope.is_superuser:
            queryset = queryset.filter(pk__in=scope.member_org_ids)
        self.fields["organization"].queryset = queryset
        if queryset.count() == 1:
            self.fields["organization"].initial = queryset.first()


def _result_text(result: intake.IntakeResult) -> str:
    if result.outcome == Outcome.MATCHED and result.supplement is not None:
        return _(
            "Supplement (補正) created on %(case)s, due %(deadline)s: from a notice, to confirm."
        ) % {"case": result.supplement.case.reference, "deadline": result.supplement.deadline}
    if result.outcome == intake.DUPLICATE:
        return _("This notice was already received; nothing was created.")
    if result.outcome == Outcome.NOT_A_NOTICE:
        return _("Not a supplement notice (it seems to be: %(what)s); filed as such.") % {
            "what": result.reason
        }
    return _("No case matched (%(reason)s): the notice waits in the inbox below.") % {
        "reason": result.reason
    }


@organization_required
def notice_inbox(request):
    form = NoticeForm(user=request.user)
    notices = intake.visible_notices(request.user).select_related("case", "supplement")[:200]
    return render(
        request,
        "cases/notices.html",
        {
            "form": form,
            "unmatched": [n for n in notices if n.outcome == Outcome.UNMATCHED],
            "others": [n for n in notices if n.outcome != Outcome.UNMATCHED],
            "can_manage_mailboxes": administered_organizations(user=request.user).exists(),
        },
    )


@organization_required
@require_POST
def notice_add(request):
    form = NoticeForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        feedback.error(request, " ".join(errors), PART)
        return redirect("web:notices")
    organization = form.cleaned_data["organization"]
    upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
    try:
        if upload:
            result = intake.notice_ingest(
                data=b"".join(upload.chunks()),
                name=upload.name,
                organization=organization,
                actor=request.user,
                source=Source.UPLOAD,
            )
        else:
            result = intake.notice_ingest_text(
                text=text or "", organization=organization, actor=request.user
            )
    except parser.Unreadable as exc:
        feedback.error(request, _("The file cannot be read: %(why)s") % {"why": exc}, PART)
        return redirect("web:notices")
    except DomainError as exc:
        feedback.error(request, str(exc), PART)
        return redirect("web:notices")
    feedback.success(request, _result_text(result), PART)
    return redirect("web:notices")


def _shown(name: str, value):
    """A rule or a body as its label (the code stays in the API)."""
    choices = {"rule": DeadlineRule, "requesting_body": RequestingBody}.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


@login_required
@require_safe
def notice_detail(request, pk: int):
    notice = intake.access_notice(request.user, pk)
    cases = tenancy.organization_cases(notice.organization).filter(
        pk__in=tenancy.visible_cases(request.user)
    )
    tabs = dict(PlatformTab.choices)
    return render(
        request,
        "cases/notice.html",
        {
            "notice": notice,
            "rows": [
                (
                    FIELD_LABELS.get(name, name),
                    _shown(name, found.get("value")),
                    found.get("source"),
                )
                for name, found in (notice.fields or {}).items()
            ],
            "comments": [
                (tabs.get(comment["tab"], comment["tab"]), comment["text"])
                for comment in notice.comments or []
            ],
            "cases": cases.order_by("-pk")[:200] if notice.outcome == Outcome.UNMATCHED else [],
        },
    )


@login_required
@require_safe
def notice_original(request, pk: int) -> FileResponse:
    notice = intake.access_notice(request.user, pk)
    if request.method == "GET":
        intake.notice_record_download(
            notice=notice, actor=request.user, ip_address=client_ip(request)
        )
    return file_response(notice.file, notice.original_name, notice.content_type)


@login_required
@require_POST
def notice_attach(request, pk: int):
    notice = intake.access_notice(request.user, pk)
    part = feedback.at("notice", notice.pk)
    try:
        case = tenancy.access_case(request.user, request.POST.get("case", ""))
        result = intake.notice_attach(notice=notice, case=case, actor=request.user)
    except Http404:
        feedback.error(request, _("Choose a case of this organization."), part)
        return redirect("web:notice", pk=notice.pk)
    except (DomainError, PermissionDenied) as exc:
        feedback.error(request, str(exc), part)
        return redirect("web:notice", pk=notice.pk)
    feedback.success(request, _result_text(result), part)
    return redirect("web:notice", pk=notice.pk)


class ConfirmNoticeForm(forms.Form):
    """What the intake read, as staff confirm or correct it (all optional: empty keeps it)."""

    notice_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Notice date"),
    )
    rule = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *DeadlineRule.choices],
        label=gettext_lazy("Deadline rule"),
    )
    requesting_body = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *RequestingBody.choices],
        label=gettext_lazy("Requesting body"),
    )
    deadline = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Date written in the notice"),
    )
    reason = forms.CharField(required=False, max_length=500, label=gettext_lazy("Reason"))


@login_required
@require_POST
def supplement_confirm_notice(request, pk: int):
    """Confirm what was read, correcting any field on the way (the API's confirm-notice).
    Someone who sees but may not change the supplement: 403, as for every workspace action."""
    supplement = write_access(request, pk)
    form = ConfirmNoticeForm(request.POST)
    if not form.is_valid():
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        feedback.error(request, errors, "attachments")
        return render_workspace(request, supplement, status=400)
    given = {key: value for key, value in form.cleaned_data.items() if value}
    try:
        case_services.supplement_confirm_notice(supplement=supplement, actor=request.user, **given)
    except DomainError as exc:
        return failed(request, supplement, exc, "attachments")
    return done(request, supplement, _("The notice's reading is confirmed."), "attachments")


# --- Mailboxes (the organization's admins) ----------------------------------------------------
MAILBOX_PART = "mailboxes"


class MailboxForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Organization")
    )
    host = forms.CharField(max_length=200, label=gettext_lazy("IMAP server"))
    port = forms.IntegerField(min_value=1, max_value=65535, initial=993, label=gettext_lazy("Port"))
    use_ssl = forms.BooleanField(required=False, initial=True, label=gettext_lazy("TLS (IMAPS)"))
    username = forms.CharField(max_length=200, label=gettext_lazy("Login"))
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput,
        label=gettext_lazy("Password (stored encrypted; leave empty to keep it)"),
    )
    folder = forms.CharField(max_length=200, initial="INBOX", label=gettext_lazy("Folder to read"))
    processed_folder = forms.CharField(
        max_length=200, initial="Processed", label=gettext_lazy("Folder for processed mail")
    )
    active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = administered_organizations(user=user)


def _admin_mailboxes(user):
    from intake.models import Mailbox

    return Mailbox.objects.filter(
        organization__in=administered_organizations(user=user)
    ).select_related("organization")


@login_required
def mailboxes(request):
    """The organization's notice mailboxes: a list, and a form that adds one (POST)."""
    if not administered_organizations(user=request.user).exists():
        raise Http404(_("No such page."))
    form = MailboxForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                mailbox = intake.mailbox_save(actor=request.user, **data)
            except (DomainError, PermissionDenied) as exc:
                feedback.error(request, str(exc), MAILBOX_PART)
                status = 400
            else:
                feedback.success(
                    request, _("Mailbox %(name)s added.") % {"name": mailbox}, MAILBOX_PART
                )
                return redirect("web:mailboxes")
        else:
            feedback.error(request, _("Check the fields marked below."), MAILBOX_PART)
            status = 400
    return render(
        request,
        "cases/mailboxes.html",
        {"form": form, "mailboxes": _admin_mailboxes(request.user)},
        status=status,
    )


@login_required
@require_POST
def mailbox_edit(request, pk: int):
    """Change (or, with `delete`, remove) one mailbox; an empty password keeps the stored one."""
    mailbox = _admin_mailboxes(request.user).filter(pk=pk).first()
    if mailbox is None:
        raise Http404(_("No such mailbox."))
    part = feedback.at("mailbox", mailbox.pk)
    if "delete" in request.POST:
        intake.mailbox_delete(actor=request.user, mailbox=mailbox)
        feedback.success(request, _("Mailbox removed."), MAILBOX_PART)
        return redirect("web:mailboxes")
    form = MailboxForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        feedback.error(request, " ".join(errors), part)
        return redirect("web:mailboxes")
    try:
        intake.mailbox_save(actor=request.user, mailbox=mailbox, **form.cleaned_data)
    except (DomainError, PermissionDenied) as exc:
        feedback.error(request, str(exc), part)
    else:
        feedback.success(request, _("Mailbox saved."), part)
    return redirect("web:mailboxes")
