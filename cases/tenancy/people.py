"""Organizations, their members and applicants, read through the same rule as cases (built on
`scope_for` and `visible_cases`, never a second rule): 404 alike for "does not exist" and
"not yours", 403 for someone who sees a row without the role to change it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import (
    AgencyClient,
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    Role,
)
from accounts.standing import Actor
from cases.clock import taipei_today
from cases.models import Case
from cases.tenancy.cases import visible_cases
from cases.tenancy.checks import (
    check_can_change_organization,
    check_can_edit_applicant,
    check_can_manage_clients,
    check_can_manage_members,
)
from cases.tenancy.scope import agency_client_filter, scope_for


# --- Organizations and memberships --------------------------------------------------------------
def visible_organizations(user: Actor) -> QuerySet[Organization]:
    """The user's own organizations, those on the cases they see, the employers of the
    applicants they see (so an agency can name them on a new case) and their agencies' clients."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Organization.objects.all()
    if scope.anonymous:
        return Organization.objects.none()
    cases = visible_cases(user)
    employers = Employment.objects.filter(applicant__in=visible_applicants(user))
    return Organization.objects.filter(
        Q(pk__in=scope.member_org_ids)
        | Q(pk__in=cases.exclude(agency=None).values("agency_id"))
        | Q(pk__in=cases.exclude(employer=None).values("employer_id"))
        | Q(pk__in=employers.values("employer_id"))
        | Q(pk__in=_clients_of(scope.agency_ids).values("employer_id"))
    )


def _clients_of(agency_ids: frozenset[int]) -> QuerySet[AgencyClient]:
    return AgencyClient.objects.filter(agency_id__in=agency_ids)


# --- Client employers -----------------------------------------------------------------------------
def visible_clients(user: Actor) -> QuerySet[AgencyClient]:
    """The client employers of the user's agencies. An employer's own people, and other agencies,
    do not read an agency's client list (its contacts and notes are the agency's)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return AgencyClient.objects.all()
    return _clients_of(scope.agency_ids)


def access_client(user: Actor, client_id: int | str, *, for_write: bool = False) -> AgencyClient:
    try:
        client = (
            visible_clients(user)
            .select_related("agency", "employer", "created_by")
            .get(pk=client_id)
        )
    except (AgencyClient.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such client.")) from exc
    if for_write:
        check_can_manage_clients(user, client.agency)
    return client


def own_agencies(user: Actor) -> QuerySet[Organization]:
    """The agencies the user works at: a case or an authorisation is filed by one of these."""
    return Organization.objects.filter(pk__in=scope_for(user).agency_ids)


def access_organization(
    user: Actor, organization_id: int | str, *, for_write: bool = False
) -> Organization:
    try:
        organization = visible_organizations(user).get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such organization.")) from exc
    if for_write:
        check_can_change_organization(user, organization)
    return organization


def visible_memberships(user: Actor) -> QuerySet[Membership]:
    """Members of the user's own organizations (others' staff lists are not theirs to read)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Membership.objects.all()
    return Membership.objects.filter(organization_id__in=scope.member_org_ids)


def access_membership(
    user: Actor, membership_id: int | str, *, for_write: bool = False
) -> Membership:
    try:
        membership = (
            visible_memberships(user).select_related("organization", "user").get(pk=membership_id)
        )
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such membership.")) from exc
    if for_write:
        check_can_manage_members(user, membership.organization)
    return membership


def _active_members(members: QuerySet[Membership]) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"), is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def assignable_users(user: Actor) -> QuerySet[Any]:
    """Agency members a supplement can be assigned to: the staff of the user's agencies."""
    scope = scope_for(user)
    members = Membership.objects.filter(role__in=[Role.AGENCY_ADMIN, Role.AGENCY_STAFF])
    if not scope.is_superuser:
        members = members.filter(organization_id__in=scope.agency_ids)
    return _active_members(members)


def assignable_on(case: Case) -> QuerySet[Any]:
    """Who a supplement of `case` may be assigned to: the active people of the agency and the
    employer on the case (the services' check_assignee rule)."""
    organizations = [pk for pk in (case.agency_id, case.employer_id) if pk is not None]
    return _active_members(Membership.objects.filter(organization_id__in=organizations))


def invitable_organizations(user: Actor) -> QuerySet[Organization]:
    """Where an admin may invite people: their own organizations, and (agency admins) the
    employers whose employees' cases their agency works."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Organization.objects.order_by("kind", "name")
    employers = Case.objects.filter(
        agency_id__in=scope.agency_admin_ids, employer__isnull=False
    ).values("employer_id")
    clients = _clients_of(scope.agency_admin_ids).values("employer_id")
    return Organization.objects.filter(
        Q(pk__in=scope.admin_org_ids) | Q(pk__in=employers) | Q(pk__in=clients)
    ).order_by("kind", "name")


# --- Applicants -----------------------------------------------------------------------------------
def visible_applicants(user: Actor) -> QuerySet[Applicant]:
    """Applicants on the cases the user sees, plus those an agency holds an authorisation (委任書)
    from, an employer employs, and the applicant's own record."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Applicant.objects.all()
    if scope.anonymous:
        return Applicant.objects.none()
    condition = Q(user_id=scope.user_id) | Q(pk__in=visible_cases(user).values("applicant_id"))
    if scope.agency_ids:
        authorised = Authorisation.objects.filter(
            agency_id__in=scope.agency_ids, revoked_at__isnull=True
        )
        condition |= Q(pk__in=authorised.values("applicant_id"))
    if scope.employer_ids:
        # Current employees only: HR of a former employer no longer sees the person.
        employed = Employment.objects.filter(employer_id__in=scope.employer_ids).exclude(
            end_date__lt=taipei_today()
        )
        condition |= Q(pk__in=employed.values("applicant_id"))
    return Applicant.objects.filter(condition)


def access_applicant(user: Actor, applicant_id: int | str, *, for_write: bool = False) -> Applicant:
    try:
        applicant = visible_applicants(user).get(pk=applicant_id)
    except (Applicant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such applicant.")) from exc
    if for_write:
        check_can_edit_applicant(user)
    return applicant


def invitable_applicants(user: Actor) -> QuerySet[Applicant]:
    """Applicants without a login whom the admin's agency works for (on its cases or by an
    authorisation, as after an import): the tenancy rule, limited to the agencies they administer."""
    scope = scope_for(user)
    administered = dataclasses.replace(scope, agency_ids=scope.agency_admin_ids)
    return Applicant.objects.filter(agency_client_filter(administered), user__isnull=True)


def access_authorisation(
    user: Actor, applicant: Applicant, authorisation_id: int | str
) -> Authorisation:
    """One of a visible applicant's authorisations. An employer sees that the applicant is
    authorised, but the agency's own record (and its signed paper) is the agency's and theirs."""
    scope = scope_for(user)
    records = applicant.authorisations.select_related("agency")
    if not scope.is_superuser:
        records = records.filter(agency_id__in=scope.agency_ids)
    try:
        return records.get(pk=authorisation_id)
    except (Authorisation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such authorisation.")) from exc


def access_employment(user: Actor, applicant: Applicant, employment_id: int | str) -> Employment:
    """One of a visible applicant's employments; an employer reads only its own ones."""
    scope = scope_for(user)
    jobs = applicant.employments.select_related("employer")
    if not (scope.is_superuser or scope.agency_ids):
        jobs = jobs.filter(employer_id__in=scope.employer_ids)
    try:
        return jobs.get(pk=employment_id)
    except (Employment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such employment.")) from exc
