"""Who may see and change the API's other objects, derived from the one tenancy rule.

`cases.tenancy` answers for cases, supplements, comments, items and documents; this module extends the same rule
(built on `scope_for`, `case_filter` and `party_for`, never a second rule) to applicants,
organizations and memberships. As there: 404 alike for "does not exist" and "not yours",
PermissionDenied (403) for someone who sees an object without the role to change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    Role,
)
from cases.choices import Channel, Party, Visibility
from cases.models import Case
from cases.tenancy import (  # noqa: F401 - the part accessors are used as access.* by the API
    access_comment,
    access_document,
    access_item,
    can_manage_supplement,
    case_filter,
    party_for,
    scope_for,
    visible_cases,
    visible_comments,
    visible_documents,
    visible_items,
)


# --- Organizations and memberships --------------------------------------------------------------
def member_org_ids(user) -> frozenset[int]:
    scope = scope_for(user)
    return scope.agency_ids | scope.employer_ids


def admin_org_ids(user) -> frozenset[int]:
    """Organizations the user administers (agency admin or employer admin)."""
    scope = scope_for(user)
    if scope.anonymous:
        return frozenset()
    cached = getattr(user, "_tracker_admin_orgs", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user_id=scope.user_id, role=Role.EMPLOYER_ADMIN).values_list(
                "organization_id", flat=True
            )
        )
        user._tracker_admin_orgs = cached
    return scope.agency_admin_ids | cached


def visible_organizations(user) -> QuerySet[Organization]:
    """The user's own organizations, those on the cases they see, and the employers of the
    applicants they see (so an agency can name them on a new case)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Organization.objects.all()
    if scope.anonymous:
        return Organization.objects.none()
    cases = visible_cases(user)
    employers = Employment.objects.filter(applicant__in=visible_applicants(user))
    return Organization.objects.filter(
        Q(pk__in=member_org_ids(user))
        | Q(pk__in=cases.exclude(agency=None).values("agency_id"))
        | Q(pk__in=cases.exclude(employer=None).values("employer_id"))
        | Q(pk__in=employers.values("employer_id"))
    )


def access_organization(user, organization_id, *, for_write: bool = False) -> Organization:
    try:
        organization = visible_organizations(user).get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such organization.")) from exc
    if for_write and not (scope_for(user).is_superuser or organization.pk in admin_org_ids(user)):
        raise PermissionDenied(_("Only the organization's admins can change it."))
    return organization


def visible_memberships(user) -> QuerySet[Membership]:
    """Members of the user's own organizations (others' staff lists are not theirs to read)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Membership.objects.all()
    return Membership.objects.filter(organization_id__in=member_org_ids(user))


def access_membership(user, membership_id, *, for_write: bool = False) -> Membership:
    try:
        membership = (
            visible_memberships(user).select_related("organization", "user").get(pk=membership_id)
        )
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such membership.")) from exc
    if for_write:
        check_can_manage_members(user, membership.organization)
    return membership


def check_can_manage_members(user, organization: Organization) -> None:
    if not (scope_for(user).is_superuser or organization.pk in admin_org_ids(user)):
        raise PermissionDenied(_("Only the organization's admins can manage its members."))


# --- Applicants -----------------------------------------------------------------------------------
def visible_applicants(user) -> QuerySet[Applicant]:
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
        employed = Employment.objects.filter(employer_id__in=scope.employer_ids)
        condition |= Q(pk__in=employed.values("applicant_id"))
    return Applicant.objects.filter(condition)


def can_edit_applicants(user) -> bool:
    """Agency and employer members keep applicants' data; an applicant reads their own."""
    scope = scope_for(user)
    return scope.is_superuser or bool(member_org_ids(user))


def access_applicant(user, applicant_id, *, for_write: bool = False) -> Applicant:
    try:
        applicant = visible_applicants(user).get(pk=applicant_id)
    except (Applicant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such applicant.")) from exc
    if for_write and not can_edit_applicants(user):
        raise PermissionDenied(_("Only the agency or the employer can change an applicant."))
    return applicant


# --- Cases: who may open one for whom ------------------------------------------------------------
def check_case_create(
    user,
    *,
    channel: str,
    agency: Organization | None,
    employer: Organization | None,
    applicant: Applicant,
) -> None:
    """The filing party opens the case: an agency's members for the agency channel, the
    employer's HR for the employer channel, the applicant for a self-filed one."""
    scope = scope_for(user)
    if scope.is_superuser:
        return
    if channel == Channel.AGENCY:
        allowed = agency is not None and agency.pk in scope.agency_ids
    elif channel == Channel.EMPLOYER:
        allowed = employer is not None and employer.pk in scope.employer_ids
        allowed = allowed and (agency is None or agency.pk in scope.agency_ids)
    else:
        allowed = applicant.user_id == scope.user_id and agency is None
    if not allowed:
        raise PermissionDenied(_("Only the filing party can open a case on this channel."))


def case_queryset(user) -> QuerySet[Case]:
    return visible_cases(user).select_related("applicant", "agency", "employer", "field")


def can_see_internal_notes(user, case: Case) -> bool:
    return party_for(user, case) == Party.AGENCY


def allowed_visibilities(user, case: Case) -> frozenset[str]:
    """Who may be shown a document a party uploads: never narrower than the uploader can see."""
    party = party_for(user, case)
    if party == Party.AGENCY:
        return frozenset(Visibility.values)
    if party == Party.EMPLOYER:
        return frozenset({Visibility.ALL, Visibility.NO_APPLICANT})
    return frozenset({Visibility.ALL})
