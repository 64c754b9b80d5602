"""Tenant scoping for the admin: a staff member who is not a superuser lists, opens and picks only
what the tenancy rule (cases.tenancy) lets them see.

An object outside the scope answers as a missing one does: the admin's "does not exist" redirect on
its change and delete pages, 404 on its history pages. Foreign-key choices are limited the same way,
so a form cannot attach another tenant's row by id. `may_change` narrows which visible rows a user
may change or delete (403 for the others, as in the API). Superusers are not scoped.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Applicant, Organization
from cases.models import Case, RequestedItem, ReviewerComment, SupplementRequest
from cases.tenancy import (  # noqa: F401 - own_agencies is part of what the admins import here
    case_filter,
    own_agencies,
    scope_for,
    visible_applicants,
    visible_cases,
    visible_comments,
    visible_items,
    visible_organizations,
    visible_supplements,
)

Choices = Callable[..., QuerySet]

# What a form may offer for a foreign key to tenant data, by the model the key points to. A key to
# another model keeps Django's choices unless the admin names it in `choice_scopes`.
VISIBLE: dict[type, Choices] = {
    Applicant: visible_applicants,
    Organization: visible_organizations,
    Case: visible_cases,
    SupplementRequest: visible_supplements,
    ReviewerComment: visible_comments,
    RequestedItem: visible_items,
}


def own_user(user) -> QuerySet:
    return get_user_model().objects.filter(pk=user.pk)


class ScopedQuerysetMixin:
    """Rows and foreign-key choices, for model admins and inlines alike."""

    # Field name -> the choices for that key, where the model's default in VISIBLE is not the rule.
    choice_scopes: dict[str, Choices] = {}

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The default choices are every row of the table, so a POST could name any tenant's row.
        if not request.user.is_superuser:
            choices = self.choice_scopes.get(db_field.name) or VISIBLE.get(db_field.related_model)
            if choices is not None:
                kwargs["queryset"] = choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedQuerysetMixin):
    """A scoped model admin: rows, choices, write rights, bulk deletes and history pages."""

    def may_change(self, request, obj) -> bool:
        """Whether the user may change or delete a row they see (on top of the model permission)."""
        return True

    def _may_write(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or self.may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def get_deleted_objects(self, objs, request):
        # The bulk delete action checks only the model permission: a selection holding a row the
        # user may see but not change is refused whole (the page names the missing permission).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not all(self._may_write(request, obj) for obj in objs):
            perms_needed.add(self.opts.verbose_name)
        return deleted, counts, perms_needed, protected

    def _in_scope_or_404(self, request, object_id) -> None:
        """simple-history's history pages fall back to the historical rows of objects outside
        get_queryset; keep them to the same scope (superusers keep deleted objects' history)."""
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history's page of one old version (only SimpleHistoryAdmin routes to it)."""
        self._in_scope_or_404(request, object_id)
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        # simple-history saves a POSTed old version with the view permission alone, past
        # may_change and the limited choices: reverting is left to superusers.
        return not request.user.is_superuser


class CaseScopedAdminMixin(ScopedAdminMixin):
    """Rows that belong to a case: those of the cases in the user's scope."""

    # How the model reaches its case ("" for the case itself, "case__", "supplement__case__").
    case_prefix = ""

    def scope_queryset(self, request, queryset):
        return queryset.filter(case_filter(scope_for(request.user), self.case_prefix))


class OwnRowsAdminMixin(ScopedAdminMixin):
    """Rows that are one person's own (preferences, feeds, tokens): only that person's."""

    owner_field = "user"

    def scope_queryset(self, request, queryset):
        return queryset.filter(**{f"{self.owner_field}_id": request.user.pk})

    @property
    def choice_scopes(self) -> dict[str, Choices]:
        return {self.owner_field: own_user}
