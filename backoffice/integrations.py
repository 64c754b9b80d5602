"""Tokens in the admin: see and revoke them; keys are never shown (only their first characters).
Staff who are not superusers see and revoke only their own."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backoffice.scoping import OwnRowsAdminMixin
from integrations.models import ApiToken
from integrations.services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(OwnRowsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False  # created by their owners through the API, where the key is shown once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
