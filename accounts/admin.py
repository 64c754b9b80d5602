"""Admin for organizations, members, applicants and authorisations, with change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Invitation,
    Membership,
    Organization,
    Profile,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    autocomplete_fields = ["employer"]


class AuthorisationInline(admin.TabularInline):
    model = Authorisation
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_zh", "kind", "licence_number", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "name_zh", "licence_number", "tax_id"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Applicant)
class ApplicantAdmin(SimpleHistoryAdmin):
    list_display = [
        "family_name_en",
        "given_name_en",
        "name_zh",
        "nationality",
        "passport_number",
        "email",
        "user",
    ]
    list_filter = ["nationality"]
    search_fields = ["family_name_en", "given_name_en", "name_zh", "passport_number", "email"]
    autocomplete_fields = ["user"]
    inlines = [EmploymentInline, AuthorisationInline]


@admin.register(Employment)
class EmploymentAdmin(SimpleHistoryAdmin):
    list_display = ["applicant", "employer", "job_title", "start_date", "end_date"]
    list_filter = ["employer"]
    search_fields = ["applicant__family_name_en", "applicant__name_zh", "employer__name"]
    autocomplete_fields = ["applicant", "employer"]


@admin.register(Authorisation)
class AuthorisationAdmin(SimpleHistoryAdmin):
    list_display = [
        "applicant",
        "agency",
        "covers_filing",
        "covers_supplement",
        "covers_pickup",
        "valid_from",
        "valid_until",
        "revoked_at",
    ]
    list_filter = ["agency", "covers_supplement", "covers_pickup"]
    search_fields = ["applicant__family_name_en", "applicant__passport_number", "agency__name"]
    autocomplete_fields = ["applicant", "agency"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "applicant",
        "invited_by",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", "organization"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["nonce", "invited_by", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["organization", "applicant"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "language", "time_zone"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
