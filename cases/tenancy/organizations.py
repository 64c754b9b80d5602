"""The cases an organization as a whole can see (a shared team calendar has no person to ask):
the same filter as its members' (scope.case_filter), for its agency or employer standing."""

from __future__ import annotations

from accounts.models import Organization, OrganizationKind
from cases.models import Case, CaseQuerySet
from cases.tenancy.scope import Scope, case_filter


def organization_cases(organization: Organization) -> CaseQuerySet:
    own = frozenset({organization.pk})
    none: frozenset[int] = frozenset()
    is_agency = organization.kind == OrganizationKind.AGENCY
    scope = Scope(
        # No person: a user id no applicant carries, so only the organization's standing counts.
        user_id=0,
        is_superuser=False,
        agency_ids=own if is_agency else none,
        agency_admin_ids=none,
        employer_ids=none if is_agency else own,
    )
    return Case.objects.filter(case_filter(scope))
