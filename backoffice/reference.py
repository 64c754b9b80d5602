"""Global reference data in the admin (closure days 停班停課, fields of expertise): every tenant's
deadlines read them, so only operators write them.

Superusers always may. Another staff member needs the model's own permission (add, change, delete,
view) and must belong to no tenant: an agency's or an employer's member, or an applicant, is
refused even when a broad grant gives them the permission, since one tenant's account moving a
closure day moves every other tenant's deadlines. Their pages answer 403; the changes are kept in
the models' history (simple-history's page, linked from each object).
"""

from __future__ import annotations

from accounts.models import Applicant
from cases.tenancy import scope_for


def is_tenant_member(user) -> bool:
    scope = scope_for(user)
    return bool(scope.member_org_ids) or Applicant.objects.filter(user_id=user.pk).exists()


def is_operator(user) -> bool:
    """Staff who may hold rights on global data: superusers, and staff of no tenant."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or not is_tenant_member(user)


class OperatorOnlyAdminMixin:
    """Model admins of global reference data: the model permission, held by an operator."""

    def _operator(self, request) -> bool:
        # Once per request: the admin asks for each permission, on every row of a list.
        cached = getattr(request, "_tracker_operator", None)
        if cached is None:
            cached = request._tracker_operator = is_operator(request.user)
        return cached

    def has_module_permission(self, request):
        return self._operator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._operator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._operator(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._operator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._operator(request) and super().has_delete_permission(request, obj)
