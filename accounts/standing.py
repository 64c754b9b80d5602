"""A user's standing in the organizations (their memberships and roles), computed once per request,
and the checks on organizations, their members and applicants that need nothing else. The rule over
cases is built on this in cases.tenancy; accounts itself knows nothing of cases.

`actor=None` is the system itself (a command, a task, the demo seed): it passes every check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, EMPLOYER_ROLES, Membership, Organization, Role

SYSTEM = None

# Who asks: a person (logged in or not), or the system itself (None).
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None
# Who writes (the services' `actor`): a logged-in person, or the system itself (None).
Writer: TypeAlias = "User | None"


@dataclass(frozen=True)
class Scope:
    """A user's standing, computed once per request."""

    user_id: int | None
    is_superuser: bool
    agency_ids: frozenset[int]
    agency_admin_ids: frozenset[int]
    employer_ids: frozenset[int]
    employer_admin_ids: frozenset[int] = frozenset()

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @property
    def member_org_ids(self) -> frozenset[int]:
        return self.agency_ids | self.employer_ids

    @property
    def admin_org_ids(self) -> frozenset[int]:
        """Organizations the user administers (agency admin or employer admin)."""
        return self.agency_admin_ids | self.employer_admin_ids


NOBODY = Scope(None, False, frozenset(), frozenset(), frozenset())


def narrowed_to(scope: Scope, organization_id: int) -> Scope:
    """The part of a person's standing that comes from one organization: what they see on its
    behalf (a webhook endpoint sees through its registering admin, but only as that
    organization: not the admin's other organizations, own applicant cases or operator rights)."""
    only = frozenset({organization_id})
    return Scope(
        user_id=0,  # nobody's own applicant cases
        is_superuser=False,
        agency_ids=scope.agency_ids & only,
        agency_admin_ids=scope.agency_admin_ids & only,
        employer_ids=scope.employer_ids & only,
        employer_admin_ids=scope.employer_admin_ids & only,
    )


def scope_for(user: Actor) -> Scope:
    if user is None or not user.is_authenticated:
        return NOBODY
    cached: Scope | None = getattr(user, "_tracker_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user_id=user.pk).values_list("organization_id", "role")
    )
    scope = Scope(
        user_id=user.pk,
        is_superuser=bool(getattr(user, "is_superuser", False)),
        agency_ids=frozenset(org for org, role in memberships if role in AGENCY_ROLES),
        agency_admin_ids=frozenset(org for org, role in memberships if role == Role.AGENCY_ADMIN),
        employer_ids=frozenset(org for org, role in memberships if role in EMPLOYER_ROLES),
        employer_admin_ids=frozenset(
            org for org, role in memberships if role == Role.EMPLOYER_ADMIN
        ),
    )
    setattr(user, "_tracker_scope", scope)  # noqa: B010 - a per-request cache on the user
    return scope


def member_org_ids(user: Actor) -> frozenset[int]:
    return scope_for(user).member_org_ids


def admin_org_ids(user: Actor) -> frozenset[int]:
    """Organizations the user administers (agency admin or employer admin)."""
    return scope_for(user).admin_org_ids


def administered_organizations(
    user: Actor, *, operator_sees_all: bool = False
) -> QuerySet[Organization]:
    """The organizations the user administers, by name; with `operator_sees_all`, every one for
    an operator (a superuser), where operators manage on the tenants' behalf."""
    scope = scope_for(user)
    organizations = Organization.objects.order_by("name")
    if operator_sees_all and scope.is_superuser:
        return organizations
    return organizations.filter(pk__in=scope.admin_org_ids)


# --- Who may act on organizations, members and applicants ---------------------------------------
def can_administer(user: Actor, organization: Organization) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or organization.pk in scope.admin_org_ids


def check_can_change_organization(user: Actor, organization: Organization) -> None:
    if user is SYSTEM:
        return
    if not can_administer(user, organization):
        raise PermissionDenied(_("Only the organization's admins can change it."))


def check_can_manage_members(user: Actor, organization: Organization) -> None:
    if user is SYSTEM:
        return
    if not can_administer(user, organization):
        raise PermissionDenied(_("Only the organization's admins can manage its members."))


def can_edit_applicants(user: Actor) -> bool:
    """Agency and employer members keep applicants' data; an applicant reads their own."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.member_org_ids)


def check_can_edit_applicant(user: Actor) -> None:
    if user is SYSTEM:
        return
    if not can_edit_applicants(user):
        raise PermissionDenied(_("Only the agency or the employer can change an applicant."))


def check_can_add_applicant(user: Actor, organization: Organization) -> None:
    """An applicant is added by a member of the organization that will act for or employ them."""
    if user is SYSTEM:
        return
    scope = scope_for(user)
    if not (scope.is_superuser or organization.pk in scope.member_org_ids):
        raise PermissionDenied(_("Only the organization's members can add its applicants."))


def can_manage_clients(user: Actor, agency: Organization) -> bool:
    """An agency's client employers are added and changed by its admins; its staff read them."""
    scope = scope_for(user)
    return scope.is_superuser or agency.pk in scope.agency_admin_ids


def check_can_manage_clients(user: Actor, agency: Organization) -> None:
    if user is SYSTEM:
        return
    if not can_manage_clients(user, agency):
        raise PermissionDenied(
            _("Only the agency's admins can add or change its client employers (雇主).")
        )


def can_change_applicant_email(user: Actor) -> bool:
    """The email is where the agency's and the NIA's mail goes: the agency keeps it, not HR."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.agency_ids)


def check_can_change_applicant_email(user: Actor) -> None:
    if user is SYSTEM:
        return
    if not can_change_applicant_email(user):
        raise PermissionDenied(_("Only the agency can change an applicant's email."))


def check_can_authorise(user: Actor, agency: Organization) -> None:
    """An authorisation (委任書) is recorded or revoked by the members of the agency it names."""
    if user is SYSTEM:
        return
    scope = scope_for(user)
    if not (scope.is_superuser or agency.pk in scope.agency_ids):
        raise PermissionDenied(
            _("Only the agency's members can record its authorisations (委任書).")
        )


def check_can_record_employment(user: Actor, employer: Organization) -> None:
    """An employment is recorded by the employer's own people, or by the agency acting for the
    applicant (the caller has fetched the applicant through the tenancy rule)."""
    if user is SYSTEM:
        return
    scope = scope_for(user)
    if not (scope.is_superuser or scope.agency_ids or employer.pk in scope.employer_ids):
        raise PermissionDenied(_("Only the employer or the agency can record its employments."))
