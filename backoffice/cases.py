"""Admin for cases and supplements, scoped by the tenancy rule for staff who are not superusers.

An operator's tool: every save goes through the services (who may act, the supplement lock, the
freeze after submission, the history); what a supplement holds is shown, and changed in the
workspace or the API.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from backoffice.reference import OperatorOnlyAdminMixin
from backoffice.scoping import CaseScopedAdminMixin
from cases import services
from cases.clock import days_left
from cases.editable import (
    CASE_EDITABLE_FIELDS,
    SUPPLEMENT_ADMIN_EDITABLE_OPEN,
    SUPPLEMENT_EDITABLE_AFTER_SUBMISSION,
)
from cases.errors import DomainError
from cases.models import (
    Case,
    CaseStatusChange,
    ClosureDay,
    Document,
    FieldOfExpertise,
    RequestedItem,
    ReviewerComment,
    SupplementAttachment,
    SupplementRequest,
)
from cases.tenancy import own_agencies


class CasesScopedAdminMixin(CaseScopedAdminMixin):
    """Limit what a non-superuser staff member sees to the cases in their scope; no reverts."""

    def revert_disabled(self, request, obj=None):
        # Not even for superusers: a revert would bypass the services (locks, versions, the freeze
        # after submission).
        return True


class ReadOnlyInline:
    """What a supplement holds is changed in the workspace or the API, through the services (locks,
    versions, readiness, the freeze after submission); the admin shows it."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Rows written only by the services: the admin lists and shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyInline, admin.StackedInline):
    model = ReviewerComment
    fields = ["tab", "text", "field_label", "corrected_value", "resolution", "resolved_at"]


class ItemInline(ReadOnlyInline, admin.TabularInline):
    model = RequestedItem
    fields = ["kind", "description", "waits_on", "state", "comment"]


class DocumentInline(ReadOnlyInline, admin.TabularInline):
    model = Document
    fields = [
        "original_name",
        "item",
        "size",
        "content_type",
        "pages",
        "encrypted",
        "review_state",
        "visibility",
    ]


class AttachmentInline(ReadOnlyInline, admin.TabularInline):
    """The notice and the proof of submission: listed, written only through the services."""

    model = SupplementAttachment
    fields = ["kind", "original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class StatusChangeInline(admin.TabularInline):
    model = CaseStatusChange
    extra = 0
    fields = ["happened_on", "from_status", "status", "holding_body", "note", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the transition service


class SupplementInline(admin.TabularInline):
    model = SupplementRequest
    extra = 0
    fields = ["round", "requesting_body", "notice_date", "deadline", "state", "is_ready"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FieldOfExpertise)
class FieldOfExpertiseAdmin(OperatorOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name_en", "name_zh", "authority_code", "authority_name_en", "active"]
    list_filter = ["active", "authority_code"]
    search_fields = ["name_en", "name_zh", "authority_code"]


@admin.register(ClosureDay)
class ClosureDayAdmin(OperatorOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"


@admin.register(Case)
class CaseAdmin(CasesScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "application_number",
        "applicant",
        "kind",
        "channel",
        "status",
        "holding_body",
        "employer",
        "agency",
        "field",
    ]
    # RelatedOnly: a plain related filter would list every organization, other tenants' too.
    list_filter = [
        "status",
        "kind",
        "channel",
        "holding_body",
        "field",
        ("agency", admin.RelatedOnlyFieldListFilter),
        ("employer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "application_number",
        "applicant__family_name_en",
        "applicant__given_name_en",
        "applicant__name_zh",
        "applicant__passport_number",
    ]
    list_select_related = ["applicant", "agency", "employer", "field"]
    autocomplete_fields = ["applicant", "agency", "employer", "previous_case"]
    # A case is handed only to one's own agency; applicant and employer: those the user sees.
    choice_scopes = {"agency": own_agencies}
    readonly_fields = ["status", "holding_body", "status_changed_at", "created_at", "updated_at"]
    inlines = [StatusChangeInline, SupplementInline]

    @admin.display(description=_("reference"))
    def reference(self, obj: Case) -> str:
        return obj.reference

    # Who the case is for and who files it decide who sees it: set once, at creation.
    PARTIES = ("applicant", "kind", "channel", "agency", "employer")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "applicant", "channel", "agency", "employer"]

    def save_model(self, request, obj, form, change):
        # Through the services, as the pages and the API: the first status history row, who may
        # open a case on its channel, who may write the agency's notes.
        data = form.cleaned_data
        if change:
            editable = set(form.changed_data).intersection(CASE_EDITABLE_FIELDS)
            if not editable:
                return
            saved = services.case_update(
                case=obj, actor=request.user, **{name: data[name] for name in editable}
            )
        else:
            details = {
                name: data[name]
                for name in form.changed_data
                if name in CASE_EDITABLE_FIELDS and name != "kind"
            }
            saved = services.case_create(
                actor=request.user,
                **{name: data.get(name) for name in self.PARTIES},
                **details,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()


class SupplementRequestForm(forms.ModelForm):
    """What an operator may change on a supplement: its assignee, the deadline printed in the
    notice, and (once submitted) the outcome. Checked here with the services' own rules, saved by
    the services (SupplementRequestAdmin.save_model)."""

    class Meta:
        model = SupplementRequest
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets and read-only fields decide)

    def clean(self):
        data = super().clean()
        supplement = self.instance
        if data.get("assignee") is not None:
            try:
                services.check_assignee(case=supplement.case, assignee=data["assignee"])
            except DomainError as exc:
                self.add_error("assignee", exc.message)
        override = data.get("deadline_override", supplement.deadline_override)
        reason = (data.get("override_reason", supplement.override_reason) or "").strip()
        if "deadline_override" in self.changed_data or "override_reason" in self.changed_data:
            try:
                services.supplement_deadlines(
                    notice_date=supplement.notice_date,
                    rule=supplement.rule,
                    deadline_override=override,
                    override_reason=reason,
                )
            except DomainError as exc:
                field = exc.params.get("field")
                self.add_error(field if field in self.fields else "deadline_override", exc.message)
        return data


@admin.register(SupplementRequest)
class SupplementRequestAdmin(CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "case__"
    form = SupplementRequestForm
    list_display = [
        "__str__",
        "requesting_body",
        "notice_date",
        "deadline",
        "days_left_display",
        "state",
        "is_ready",
        "assignee",
        "outcome",
    ]
    list_filter = [
        "state",
        "is_ready",
        "requesting_body",
        "rule",
        "outcome",
        ("case__agency", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "case__application_number",
        "case__applicant__family_name_en",
        "case__applicant__name_zh",
        "case__applicant__passport_number",
    ]
    list_select_related = ["case", "case__applicant", "assignee"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["case", "assignee"]
    readonly_fields = [
        "round",
        "proposed_deadline",
        "deadline",
        "state",
        "submitted_at",
        "submitted_by",
        "is_ready",
        "missing",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [CommentInline, ItemInline, DocumentInline, AttachmentInline]

    @admin.display(description=_("days left"))
    def days_left_display(self, obj: SupplementRequest) -> int:
        return days_left(obj.deadline)

    def has_add_permission(self, request):
        # A supplement is recorded through supplement_create (the case page or the API): it moves
        # the case to 資料補正 and numbers the round under the case's lock.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        editable = (
            SUPPLEMENT_ADMIN_EDITABLE_OPEN
            if obj.is_editable
            else SUPPLEMENT_EDITABLE_AFTER_SUBMISSION
        )
        return [f.name for f in obj._meta.fields if f.name not in editable]

    def save_model(self, request, obj, form, change):
        # Through the services, as the pages and the API: they lock the row, check who may act,
        # refuse a change a submission won the race against, and record who and when.
        changed = set(form.changed_data)
        if "assignee" in changed:
            services.supplement_assign(
                supplement=obj, actor=request.user, assignee=form.cleaned_data["assignee"]
            )
        if changed & {"deadline_override", "override_reason"}:
            services.supplement_override_deadline(
                supplement=obj,
                actor=request.user,
                deadline=form.cleaned_data.get("deadline_override"),
                reason=form.cleaned_data.get("override_reason") or "",
            )
        if "outcome" in changed and form.cleaned_data.get("outcome"):
            services.supplement_record_outcome(
                supplement=obj, actor=request.user, outcome=form.cleaned_data["outcome"]
            )
        obj.refresh_from_db()


@admin.register(ReviewerComment)
class ReviewerCommentAdmin(ReadOnlyAdminMixin, CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "supplement__case__"
    list_display = ["supplement", "tab", "text", "resolved_at"]
    list_filter = ["tab"]
    search_fields = ["text", "resolution", "supplement__case__application_number"]
    list_select_related = ["supplement", "supplement__case", "supplement__case__applicant"]


@admin.register(RequestedItem)
class RequestedItemAdmin(ReadOnlyAdminMixin, CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "supplement__case__"
    list_display = ["description", "supplement", "kind", "waits_on", "state"]
    list_filter = ["kind", "state", "waits_on"]
    search_fields = ["description", "supplement__case__application_number"]
    list_select_related = ["supplement", "supplement__case", "supplement__case__applicant"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "supplement__case__"
    list_display = [
        "original_name",
        "supplement",
        "content_type",
        "size",
        "pages",
        "encrypted",
        "review_state",
        "uploaded_at",
    ]
    list_filter = ["content_type", "encrypted", "review_state", "visibility"]
    search_fields = ["original_name", "supplement__case__application_number"]
    list_select_related = ["supplement", "supplement__case", "supplement__case__applicant"]
    readonly_fields = [
        "file",
        "size",
        "content_type",
        "pages",
        "encrypted",
        "sha256",
        "uploaded_by",
    ]


@admin.register(CaseStatusChange)
class CaseStatusChangeAdmin(CasesScopedAdminMixin, admin.ModelAdmin):
    case_prefix = "case__"
    list_display = ["case", "happened_on", "from_status", "status", "holding_body", "recorded_by"]
    list_filter = ["status", "holding_body"]
    search_fields = ["case__application_number", "note"]
    list_select_related = ["case", "case__applicant", "recorded_by"]
    date_hierarchy = "happened_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
