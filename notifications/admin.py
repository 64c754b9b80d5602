"""Admin for alerts: the log of what was sent to whom (failed ones first to see, with their error,
and an action to send them again), organizations' policies, preferences, obligations, feeds.
Staff who are not superusers see only rows on their cases (cases.tenancy)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cases.deadlines import compute_deadline
from cases.services import taiwan_calendar
from cases.tenancy import case_filter, scope_for
from notifications.models import (
    Alert,
    AlertPolicy,
    AlertPreference,
    AlertResponse,
    AlertStatus,
    CalendarFeed,
    Obligation,
    PlannedStage,
)
from notifications.services import OBLIGATION_RULES, alerts_resend


class CaseScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(case_filter(scope_for(request.user), "case__"))


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
    list_filter = ["status", "channel", "subject_kind", "role", "urgent"]
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

    @admin.display(description=_("error"))
    def short_error(self, obj: Alert) -> str:
        return obj.error[:120]

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
class AlertPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "offsets", "escalate_days", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_hour", "quiet_start", "quiet_end", "updated_at"]
    search_fields = ["user__username", "user__email"]


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ["case", "kind", "starts_on", "due_on", "assignee", "fulfilled_at"]
    list_filter = ["kind", ("fulfilled_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["due_on", "rule", "created_at", "created_by", "fulfilled_by"]
    raw_id_fields = ["case", "assignee"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(case_filter(scope_for(request.user), "case__"))

    def save_model(self, request, obj, form, change):
        # The due date is the engine's count, never typed in.
        obj.rule = OBLIGATION_RULES.get(obj.kind, obj.rule)
        obj.due_on = compute_deadline(obj.starts_on, obj.rule, calendar=taiwan_calendar()).last_day
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AlertResponse)
class AlertResponseAdmin(CaseScopedAdmin):
    list_display = ["user", "subject_kind", "subject_id", "acknowledged_at", "snoozed_until"]
    list_filter = ["subject_kind"]
    raw_id_fields = ["user", "case"]


@admin.register(PlannedStage)
class PlannedStageAdmin(admin.ModelAdmin):
    list_display = ["subject_kind", "subject_id", "due_on", "offset", "recipients", "planned_at"]
    list_filter = ["subject_kind", "offset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_fetched_at"]
    exclude = ["token"]  # the URL is the user's secret; revoke by deleting the row
    readonly_fields = ["user", "created_at", "last_fetched_at"]

    def has_add_permission(self, request):
        return False
