"""Admin for organizations, members, applicants and authorisations, with change history.

Staff who are not superusers see what the tenancy rule lets them see (backoffice.scoping):
- organizations: their own, and those they meet on their cases and applicants (read-only unless
  they administer it, as in the API);
- memberships: of their own organizations, changed only by those organizations' admins;
- applicants: as in the API (cases in scope, the agency's authorisations, the employer's staff);
- employments: at their employer, or of the applicants their agency works for (not another
  employer's salary); authorisations: their agency's own;
- invitations: those they sent, into their organizations, or to their agency's clients (changed by
  their sender or the organization's admins);
- profiles: their own.
"""

from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from accounts import services, standing
from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Invitation,
    Membership,
    Organization,
    Profile,
)
from backoffice.scoping import (
    OwnRowsAdminMixin,
    ScopedAdminMixin,
    ScopedQuerysetMixin,
)
from cases.tenancy import (
    admin_org_ids,
    agency_client_filter,
    can_edit_applicants,
    invitable_organizations,
    member_org_ids,
    own_agencies,
    scope_for,
    visible_applicants,
    visible_memberships,
    visible_organizations,
)


class ScopedMemberships(ScopedQuerysetMixin):
    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=visible_memberships(request.user).values("pk"))


class ScopedEmployments(ScopedQuerysetMixin):
    def scope_queryset(self, request, queryset):
        scope = scope_for(request.user)
        return queryset.filter(
            Q(employer_id__in=scope.employer_ids) | agency_client_filter(scope, "applicant_id")
        )


class ScopedAuthorisations(ScopedQuerysetMixin):
    # An agency records only its own authorisations.
    choice_scopes = {"agency": own_agencies}

    def scope_queryset(self, request, queryset):
        return queryset.filter(agency_id__in=scope_for(request.user).agency_ids)


class MembershipInline(ScopedMemberships, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class EmploymentInline(ScopedEmployments, admin.TabularInline):
    model = Employment
    extra = 0
    autocomplete_fields = ["employer"]


class AuthorisationInline(ScopedAuthorisations, admin.TabularInline):
    model = Authorisation
    extra = 0
    autocomplete_fields = ["agency"]
    # The signed paper is private and checked on the way in (PDF or image, 10 MB): it is attached
    # and read on the applicant's page (web.applicants), never through the admin's file widget.
    exclude = ["signed_file"]


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_zh", "kind", "licence_number", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "name_zh", "licence_number", "tax_id"]
    inlines = [MembershipInline]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=visible_organizations(request.user).values("pk"))

    def may_change(self, request, obj) -> bool:
        return obj.pk in admin_org_ids(request.user)

    def save_model(self, request, obj, form, change):
        # A change goes through the service (who may change it, history); adding an
        # organization is the operator's.
        changed = set(form.changed_data) & services.ORGANIZATION_FIELDS
        if not change:
            super().save_model(request, obj, form, change)
        elif changed:
            data = form.cleaned_data
            services.organization_update(
                organization=obj, actor=request.user, **{name: data[name] for name in changed}
            )


@admin.register(Membership)
class MembershipAdmin(ScopedMemberships, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    choice_scopes = {"organization": standing.administered_organizations}

    def may_change(self, request, obj) -> bool:
        return obj.organization_id in admin_org_ids(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Once added, a membership changes only its role (the service keeps one admin).
        return (
            self.readonly_fields if obj is None else [*self.readonly_fields, "user", "organization"]
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if "role" in form.changed_data:
                services.membership_set_role(membership=obj, actor=request.user, role=data["role"])
        else:
            saved = services.membership_add(
                organization=data["organization"],
                actor=request.user,
                user=data["user"],
                role=data["role"],
            )
            obj.pk = saved.pk

    def get_deleted_objects(self, objs, request):
        # The confirmation page names the last admin as protected instead of deleting it.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not perms_needed:  # a refusal for want of rights answers first (403)
            protected = [*protected, *(str(m) for m in objs if services.is_last_admin(m))]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


@admin.register(Applicant)
class ApplicantAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=visible_applicants(request.user).values("pk"))

    def may_change(self, request, obj) -> bool:
        return can_edit_applicants(request.user)

    def save_model(self, request, obj, form, change):
        # A change to the applicant's own data goes through the service; linking a login
        # (superusers only) and adding one are the operator's.
        changed = set(form.changed_data)
        if change and changed and changed <= services.APPLICANT_FIELDS:
            data = form.cleaned_data
            services.applicant_update(
                applicant=obj, actor=request.user, **{name: data[name] for name in changed}
            )
        else:
            super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # A login reaches the applicant's cases at every agency: it is linked by accepting an
        # invitation (accounts.invitations), never typed in by staff.
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "user"]

    def has_delete_permission(self, request, obj=None):
        # One applicant is shared by every agency and employer working with them, and deleting
        # one takes their authorisations and employments along: a superuser's decision.
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Employment)
class EmploymentAdmin(ScopedEmployments, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["applicant", "employer", "job_title", "start_date", "end_date"]
    # RelatedOnly: a plain related filter would list every organization, other tenants' too.
    list_filter = [("employer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["applicant__family_name_en", "applicant__name_zh", "employer__name"]
    autocomplete_fields = ["applicant", "employer"]


@admin.register(Authorisation)
class AuthorisationAdmin(ScopedAuthorisations, ScopedAdminMixin, SimpleHistoryAdmin):
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
    list_filter = [
        ("agency", admin.RelatedOnlyFieldListFilter),
        "covers_supplement",
        "covers_pickup",
    ]
    search_fields = ["applicant__family_name_en", "applicant__passport_number", "agency__name"]
    autocomplete_fields = ["applicant", "agency"]
    exclude = ["signed_file"]  # as on the inline above


@admin.register(Invitation)
class InvitationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "applicant",
        "invited_by",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["nonce", "invited_by", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["organization", "applicant"]
    # Where the pages let an admin invite people: their organizations and their clients' employers.
    choice_scopes = {"organization": invitable_organizations}

    def scope_queryset(self, request, queryset):
        user = request.user
        return queryset.filter(
            Q(invited_by_id=user.pk)
            | Q(organization_id__in=member_org_ids(user))
            | agency_client_filter(scope_for(user), "applicant_id")
        )

    def may_change(self, request, obj) -> bool:
        # As on the pages, inviting is the admins' work: one's own invitations, or into an
        # organization one administers.
        user = request.user
        return obj.invited_by_id == user.pk or obj.organization_id in admin_org_ids(user)


@admin.register(Profile)
class ProfileAdmin(OwnRowsAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "language", "time_zone"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email"]
