"""A user's standing, computed once per request, and the Q filters every tenant query is built on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import AGENCY_ROLES, EMPLOYER_ROLES, Applicant, Authorisation, Membership, Role
from cases.choices import Party
from cases.models import Case


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


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_tracker_scope", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        agency_ids=frozenset(org for org, role in memberships if role in AGENCY_ROLES),
        agency_admin_ids=frozenset(org for org, role in memberships if role == Role.AGENCY_ADMIN),
        employer_ids=frozenset(org for org, role in memberships if role in EMPLOYER_ROLES),
        employer_admin_ids=frozenset(
            org for org, role in memberships if role == Role.EMPLOYER_ADMIN
        ),
    )
    user._tracker_scope = scope
    return scope


def member_org_ids(user) -> frozenset[int]:
    return scope_for(user).member_org_ids


def admin_org_ids(user) -> frozenset[int]:
    """Organizations the user administers (agency admin or employer admin)."""
    return scope_for(user).admin_org_ids


def case_filter(scope: Scope, prefix: str = "") -> Q:
    """The Q that keeps only the cases in scope; `prefix` reaches a case from a related model."""
    if scope.is_superuser:
        return Q()
    if scope.anonymous:
        return Q(pk__in=[])
    # A sub-select, not a join: PostgreSQL then need not join the applicant onto every case.
    own = Applicant.objects.filter(user_id=scope.user_id).values("id")
    condition = Q(**{f"{prefix}applicant_id__in": own})
    if scope.agency_ids:
        condition |= Q(**{f"{prefix}agency_id__in": scope.agency_ids})
    if scope.employer_ids:
        condition |= Q(**{f"{prefix}employer_id__in": scope.employer_ids})
    return condition


def agency_client_filter(scope: Scope, field: str = "pk") -> Q:
    """The Q that keeps only the applicants an agency of the user works for: on its cases, or by an
    authorisation (委任書) not revoked. This is the agency side of who sees an applicant, for rows an
    employer must not read (another employer's employment, an applicant's invitation); `field`
    names the applicant's id on the filtered model."""
    if scope.is_superuser:
        return Q()
    if not scope.agency_ids:
        return Q(**{f"{field}__in": []})
    cases = Case.objects.filter(agency_id__in=scope.agency_ids).values("applicant_id")
    authorised = Authorisation.objects.filter(
        agency_id__in=scope.agency_ids, revoked_at__isnull=True
    ).values("applicant_id")
    return Q(**{f"{field}__in": cases}) | Q(**{f"{field}__in": authorised})


def party_for(user, case: Case) -> str | None:
    """The side a user stands on for one case: agency, employer or applicant (None: no access)."""
    scope = scope_for(user)
    if scope.is_superuser or case.agency_id in scope.agency_ids:
        return Party.AGENCY
    if case.employer_id in scope.employer_ids:
        return Party.EMPLOYER
    if scope.user_id is not None and case.applicant.user_id == scope.user_id:
        return Party.APPLICANT
    return None
