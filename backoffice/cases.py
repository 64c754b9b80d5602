"""Admin for cases and supplements, scoped by the tenancy rule for staff who are not superusers.

Content edits still meet the rule that a submitted supplement is frozen: its fields and inlines turn
read-only, and saves recompute the deadline and readiness through the services' helpers.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from backoffice.scoping import CaseScopedAdminMixin
from cases.errors import DomainError
from cases.models import (
    Case,
    CaseStatusChange,
    ClosureDay,
    Document,
    FieldOfExpertise,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from cases.selectors import days_left
from cases.services import check_assignee, refresh_readiness, supplement_deadlines
from cases.tenancy import own_agencies


class CasesScopedAdminMixin(CaseScopedAdminMixin):
    """Limit what a non-superuser staff member sees to the cases in their scope; no reverts."""

    def revert_disabled(self, request, obj=None):
        # Not even for superusers: a revert would bypass the services (locks, versions, the freeze
        # after submission).
        return True


class FrozenWhenSubmittedInline:
    _parent = None

    def _frozen(self, obj) -> bool:
        return obj is not None and not obj.is_editable

    def get_formset(self, request, obj=None, **kwargs):
        self._parent = obj  # inline instances live for one request
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The comment an item answers, or the item a document answers, belongs to this supplement;
        # the default choices would list every tenant's comments and items by their text.
        if db_field.related_model in (ReviewerComment, RequestedItem):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                supplement=self._parent
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class CommentInline(FrozenWhenSubmittedInline, admin.StackedInline):
    model = ReviewerComment
    extra = 0
    fields = ["tab", "text", "field_label", "corrected_value", "resolution", "resolved_at"]


class ItemInline(FrozenWhenSubmittedInline, admin.TabularInline):
    model = RequestedItem
    extra = 0
    fields = ["kind", "description", "waits_on", "state", "comment"]


class DocumentInline(FrozenWhenSubmittedInline, admin.TabularInline):
    model = Document
    extra = 0
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
    readonly_fields = ["original_name", "size", "content_type", "pages", "encrypted"]

    def has_add_permission(self, request, obj=None):
        return False  # files arrive through the upload checks, not the admin


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
class FieldOfExpertiseAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "name_zh", "authority_code", "authority_name_en", "active"]
    list_filter = ["active", "authority_code"]
    search_fields = ["name_en", "name_zh", "authority_code"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
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


class SupplementRequestForm(forms.ModelForm):
    """The assignee meets the services' rule: someone at the agency or the employer on the case
    (the autocomplete offers every login)."""

    class Meta:
        model = SupplementRequest
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets and read-only fields decide)

    def clean(self):
        data = super().clean()
        case = data.get("case") or (self.instance.case if self.instance.case_id else None)
        if case is not None and data.get("assignee") is not None:
            try:
                check_assignee(case=case, assignee=data["assignee"])
            except DomainError as exc:
                self.add_error("assignee", exc.message)
        if "notice_date" in self.fields and data.get("notice_date") and data.get("rule"):
            # While editable, the deadline follows the notice as supplement_create counts it.
            try:
                proposed, deadline, reason = supplement_deadlines(
                    notice_date=data["notice_date"],
                    rule=data["rule"],
                    deadline_override=data.get("deadline_override"),
                    override_reason=data.get("override_reason") or "",
                )
            except DomainError as exc:
                field = exc.params.get("field")
                self.add_error(field if field in self.fields else "deadline_override", exc.message)
            else:
                self.instance.proposed_deadline, self.instance.deadline = proposed, deadline
                data["override_reason"] = reason
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
    inlines = [CommentInline, ItemInline, DocumentInline]

    @admin.display(description=_("days left"))
    def days_left_display(self, obj: SupplementRequest) -> int:
        return days_left(obj)

    def has_add_permission(self, request):
        # A supplement is recorded through supplement_create (the case page or the API): it moves
        # the case to 資料補正 and numbers the round under the case's lock.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            # Frozen: only the outcome and the assignee may still change.
            return [f.name for f in obj._meta.fields if f.name not in {"outcome", "assignee"}]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Like the services: lock the row, let the freeze win a race with a submission, and bump
        # the version so a writer holding the old one (expected_version) notices. The form set
        # the deadlines (supplement_deadlines).
        locked = SupplementRequest.objects.select_for_update().get(pk=obj.pk)
        if locked.state != obj.state:
            raise PermissionDenied
        obj.version = locked.version + (1 if obj.is_editable else 0)
        if "outcome" in form.changed_data:
            obj.outcome_recorded_at = timezone.now()  # as supplement_record_outcome does
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_editable:
            refresh_readiness(form.instance)


@admin.register(ReviewerComment)
class ReviewerCommentAdmin(CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "supplement__case__"
    list_display = ["supplement", "tab", "text", "resolved_at"]
    list_filter = ["tab"]
    search_fields = ["text", "resolution", "supplement__case__application_number"]
    list_select_related = ["supplement", "supplement__case", "supplement__case__applicant"]


@admin.register(RequestedItem)
class RequestedItemAdmin(CasesScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "supplement__case__"
    list_display = ["description", "supplement", "kind", "waits_on", "state"]
    list_filter = ["kind", "state", "waits_on"]
    search_fields = ["description", "supplement__case__application_number"]
    list_select_related = ["supplement", "supplement__case", "supplement__case__applicant"]


@admin.register(Document)
class DocumentAdmin(CasesScopedAdminMixin, SimpleHistoryAdmin):
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

    def has_add_permission(self, request):
        return False


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
