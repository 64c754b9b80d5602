"""Every write to organizations, memberships and applicants. The API and the pages call these;
each checks who may act (accounts.standing) before it changes anything.

Keyword-only arguments and the acting user, like `cases.services`; each change records who made it
in the change history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import (
    ADMIN_ROLES,
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    history_user,
)
from accounts.standing import (
    check_can_add_applicant,
    check_can_change_organization,
    check_can_edit_applicant,
    check_can_manage_members,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, User
    from django_stubs_ext import StrOrPromise

ORGANIZATION_FIELDS = frozenset({"name", "name_zh", "licence_number", "tax_id", "email"})
APPLICANT_FIELDS = frozenset(
    {
        "family_name_en",
        "given_name_en",
        "name_zh",
        "passport_number",
        "passport_expiry",
        "nationality",
        "date_of_birth",
        "email",
        "time_zone",
    }
)


class AccountsError(Exception):
    """A refused change, with a machine-readable code and an HTTP status (like DomainError)."""

    code = "accounts_error"
    status = 400
    default_message = gettext_lazy("The request cannot be carried out.")

    def __init__(self, message: StrOrPromise | None = None, **params: Any) -> None:
        self.params = params
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class LastAdmin(AccountsError):
    code = "last_admin"
    status = 409
    default_message = gettext_lazy("An organization keeps at least one admin.")


class MissingLink(AccountsError):
    code = "link_required"
    status = 400


def _record(actor: AbstractBaseUser | None, *objects: models.Model) -> None:
    # django-simple-history takes the user from the request, which token calls do not carry.
    history_user(actor, *objects)


# --- Organizations and memberships --------------------------------------------------------------
@transaction.atomic
def organization_update(
    *, organization: Organization, actor: AbstractBaseUser | None, **changes: Any
) -> Organization:
    unknown = set(changes) - ORGANIZATION_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    check_can_change_organization(actor, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in changes.items():
        setattr(organization, name, value)
    organization.full_clean()
    _record(actor, organization)
    organization.save()
    return organization


@transaction.atomic
def membership_add(
    *, organization: Organization, actor: AbstractBaseUser | None, user: User, role: str
) -> Membership:
    check_can_manage_members(actor, organization)
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()  # the role must fit the kind; one membership per user and organization
    _record(actor, membership)
    membership.save()
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role__in=ADMIN_ROLES)
        .exclude(pk=membership.pk)
        .exists()
    )


def is_last_admin(membership: Membership) -> bool:
    """Whether removing or demoting this membership would leave its organization without an admin."""
    return membership.role in ADMIN_ROLES and not _other_admins(membership)


@transaction.atomic
def membership_set_role(
    *, membership: Membership, actor: AbstractBaseUser | None, role: str
) -> Membership:
    check_can_manage_members(actor, membership.organization)
    # Lock the organization so two admins cannot demote each other at the same moment.
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    membership = Membership.objects.select_related("organization").get(pk=membership.pk)
    if role not in ADMIN_ROLES and is_last_admin(membership):
        raise LastAdmin()
    membership.role = role
    membership.full_clean()
    _record(actor, membership)
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: AbstractBaseUser | None) -> None:
    check_can_manage_members(actor, membership.organization)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    membership = Membership.objects.get(pk=membership.pk)
    if is_last_admin(membership):
        raise LastAdmin()
    _record(actor, membership)
    membership.delete()


# --- Applicants -----------------------------------------------------------------------------------
@transaction.atomic
def applicant_create(
    *,
    actor: AbstractBaseUser | None,
    organization: Organization,
    authorisation: dict[str, Any] | None = None,
    employment: dict[str, Any] | None = None,
    **fields: Any,
) -> Applicant:
    """Add an applicant for an organization. An agency records the applicant's authorisation
    (委任書: scope and dates), which it must hold to act; an employer records the employment."""
    unknown = set(fields) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"not applicant fields: {sorted(unknown)}")
    check_can_add_applicant(actor, organization)
    if organization.is_agency and not authorisation:
        raise MissingLink(
            _("An agency records the applicant's authorisation (委任書) with the applicant."),
            field="authorisation",
        )
    if not organization.is_agency and not employment:
        raise MissingLink(
            _("An employer records the applicant's employment with the applicant."),
            field="employment",
        )
    applicant = Applicant(**fields)
    applicant.full_clean()
    _record(actor, applicant)
    applicant.save()
    if authorisation:
        record = Authorisation(applicant=applicant, agency=organization, **authorisation)
        record.full_clean()
        _record(actor, record)
        record.save()
    if employment:
        employment = dict(employment)
        employer = employment.pop("employer", None) or organization
        job = Employment(applicant=applicant, employer=employer, **employment)
        job.full_clean()
        _record(actor, job)
        job.save()
    return applicant


@transaction.atomic
def applicant_update(
    *, applicant: Applicant, actor: AbstractBaseUser | None, **changes: Any
) -> Applicant:
    unknown = set(changes) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"not applicant fields: {sorted(unknown)}")
    check_can_edit_applicant(actor)
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    for name, value in changes.items():
        setattr(applicant, name, value)
    applicant.full_clean()
    _record(actor, applicant)
    applicant.save()
    return applicant
