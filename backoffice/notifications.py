"""Admin for alerts: the log of what was sent to whom (failed ones first to see, with their error,
and an action to send them again), organizations' policies, preferences, obligations, feeds.
Staff who are not superusers see only rows on their cases (backoffice.scoping), the policies of
their organizations (changed by those organizations' admins), and their own preferences, feeds and
acknowledgements."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from backoffice.scoping import (
    CaseScopedAdminMixin,
    OwnRowsAdminMixin,
    ScopedAdminMixin,
    own_user,
)
from cases.deadlines import compute_deadline
from cases.services import taiwan_calendar
from cases.tenancy import member_org_ids
from notifications.models import (
    Alert,
    AlertPolicy,
    AlertPreference,
    AlertResponse,
    AlertStatus,
    CalendarFeed,
    Obligation,
    PlannedStage,
    Reminder,
)
from notifications.selectors import administered_organizations
from notifications.services import OBLIGATION_RULES, alerts_resend


def _administered(user):
    return administered_organizations(user=user)


class CaseScopedAdmin(CaseScopedAdminMixin, admin.ModelAdmin):
    case_prefix = "case__"


@admin.register(Reminder)
class ReminderAdmin(CaseScopedAdminMixin, admin.ModelAdmin):
    """Reminders (催件) sent from the workspace or the API: a record, never edited here."""

    case_prefix = "supplement__case__"
    list_display = ["created_at", "supplement", "party", "email", "sent_by", "status", "reason"]
    list_filter = ["status", "party", "reason"]
    search_fields = ["email", "sent_by__username", "supplement__case__application_number"]
    date_hierarchy = "created_at"
    list_select_related = ["supplement__case", "sent_by"]
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(CaseScopedAdmin):
    list_display = [
        "created_at",
        "recipient",
        "case_reference",
        "subject_kind",
        "due_on",
        "offset",
        "role",
        "urgent",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "reason", "channel", "subject_kind", "role", "urgent"]
    search_fields = ["recipient__username", "recipient__email", "error", "message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "case"]
    actions = ["send_again"]
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("case"), ordering="case_id")
    def case_reference(self, obj: Alert) -> str:
        return obj.case.reference

    @admin.display(description=_("reason"))
    def short_error(self, obj: Alert) -> str:
        # The reason in the reader's language, then the mail server's own words, if any.
        return " · ".join(filter(None, [obj.reason_text, obj.error[:120]]))

    @admin.action(description=_("Send the selected failed alerts again"))
    def send_again(self, request, queryset):
        count = alerts_resend(
            alert_ids=queryset.filter(status=AlertStatus.FAILED).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d alert queued again.", "%(count)d alerts queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AlertPolicy)
class AlertPolicyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["organization", "offsets", "escalate_days", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
    # As on the policy page: members read their organization's offsets, its admins set them.
    choice_scopes = {"organization": _administered}

    def scope_queryset(self, request, queryset):
        return queryset.filter(organization_id__in=member_org_ids(request.user))

    def may_change(self, request, obj) -> bool:
        return _administered(request.user).filter(pk=obj.organization_id).exists()


@admin.register(AlertPreference)
class AlertPreferenceAdmin(OwnRowsAdminMixin, admin.ModelAdmin):
    list_display = ["user", "digest_hour", "quiet_start", "quiet_end", "updated_at"]
    search_fields = ["user__username", "user__email"]


@admin.register(Obligation)
class ObligationAdmin(CaseScopedAdminMixin, SimpleHistoryAdmin):
    case_prefix = "case__"
    list_display = ["case", "kind", "starts_on", "due_on", "assignee", "fulfilled_at"]
    list_filter = ["kind", ("fulfilled_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["due_on", "rule", "created_at", "created_by", "fulfilled_by"]
    raw_id_fields = ["case", "assignee"]

    def save_model(self, request, obj, form, change):
        # The due date is the engine's count, never typed in.
        obj.rule = OBLIGATION_RULES.get(obj.kind, obj.rule)
        obj.due_on = compute_deadline(obj.starts_on, obj.rule, calendar=taiwan_calendar()).last_day
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AlertResponse)
class AlertResponseAdmin(CaseScopedAdmin):
    """Everyone's answers on the cases in scope; one changes only one's own."""

    list_display = ["user", "subject_kind", "subject_id", "acknowledged_at", "snoozed_until"]
    list_filter = ["subject_kind"]
    raw_id_fields = ["user", "case"]
    choice_scopes = {"user": own_user}

    def may_change(self, request, obj) -> bool:
        return obj.user_id == request.user.pk


@admin.register(PlannedStage)
class PlannedStageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["subject_kind", "subject_id", "due_on", "offset", "recipients", "planned_at"]
    list_filter = ["subject_kind", "offset"]

    def scope_queryset(self, request, queryset):
        # The sweep's own bookkeeping, of every tenant's deadlines and tied to no case: for
        # superusers only (staff follow their alerts in the alert log).
        return queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(OwnRowsAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created_at", "last_fetched_at"]
    exclude = ["token"]  # the URL is the user's secret; revoke by deleting the row
    readonly_fields = ["user", "created_at", "last_fetched_at"]

    def has_add_permission(self, request):
        return False
