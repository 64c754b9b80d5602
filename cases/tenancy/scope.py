"""The Q filters every tenant query is built on, from a user's standing (accounts.standing, which
knows memberships but not cases), and the party a user is on one case."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Applicant, Authorisation, Employment
from accounts.standing import NOBODY, Actor, Scope, admin_org_ids, member_org_ids, scope_for
from cases.choices import Party
from cases.clock import taipei_today
from cases.models import Case

__all__ = [
    "EMPLOYER_LEFT",
    "NOBODY",
    "Scope",
    "admin_org_ids",
    "agency_client_filter",
    "case_filter",
    "employer_left_annotation",
    "member_org_ids",
    "party_for",
    "remember_employer_left",
    "scope_for",
]


def case_filter(scope: Scope, prefix: str = "") -> Q:
    """The Q that keeps only the cases in scope; `prefix` reaches a case from a related model."""
    if scope.is_superuser:
        return Q()
    if scope.user_id is None:  # anonymous
        return Q(pk__in=[])
    # A sub-select, not a join: PostgreSQL then need not join the applicant onto every case.
    own = Applicant.objects.filter(user_id=scope.user_id).values("id")
    condition = Q(**{f"{prefix}applicant_id__in": own})
    if scope.agency_ids:
        condition |= Q(**{f"{prefix}agency_id__in": scope.agency_ids})
    if scope.employer_ids:
        left = _left(OuterRef(f"{prefix}applicant_id"), OuterRef(f"{prefix}employer_id"))
        condition |= Q(Q(**{f"{prefix}employer_id__in": scope.employer_ids}), ~Exists(left))
    return condition


def _left(applicant: Any, employer: Any) -> QuerySet[Employment]:
    """Employments of the applicant at the employer that have ended, when none goes on: access
    ends with the relationship. A case recorded without any employment row stays visible."""
    today = taipei_today()
    # Matched on the ended row itself, so this works inside a subquery too.
    current = Employment.objects.filter(
        applicant_id=OuterRef("applicant_id"), employer_id=OuterRef("employer_id")
    ).exclude(end_date__lt=today)
    return Employment.objects.filter(
        applicant_id=applicant, employer_id=employer, end_date__lt=today
    ).exclude(Exists(current))


# The attribute that carries `left_employer`'s answer on a case: the name of the annotation a
# list of cases puts on its rows, and where an answer is remembered for the rest of the load.
EMPLOYER_LEFT = "employer_left"


def left_employer(case: Case) -> bool:
    """Whether the case's applicant no longer works at the case's employer (see `_left`). A
    list of cases annotates the answer (`employer_left_annotation` as EMPLOYER_LEFT); a list of
    rows under cases hands it over with `remember_employer_left`; otherwise it is asked once and
    remembered on the instance (one page asks about its case a dozen times). Per load: it is not
    asked again if the employments change, or the date passes, while the instance lives."""
    if case.employer_id is None:
        return False
    known = getattr(case, EMPLOYER_LEFT, None)
    if known is not None:
        return bool(known)
    left = _left(case.applicant_id, case.employer_id).exists()
    remember_employer_left(case, left)
    return left


def employer_left_annotation(prefix: str = "case__") -> Exists:
    """`left_employer` for every row of a query reaching the case by `prefix`."""
    return Exists(_left(OuterRef(f"{prefix}applicant_id"), OuterRef(f"{prefix}employer_id")))


def remember_employer_left(case: Case, left: bool | None) -> None:
    """Hand `left_employer` an answer read with the row (None: not read, nothing to remember)."""
    if left is not None:
        setattr(case, EMPLOYER_LEFT, left)


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


def party_for(user: Actor, case: Case) -> str | None:
    """The side a user stands on for one case: agency, employer or applicant (None: no access)."""
    scope = scope_for(user)
    if scope.is_superuser or case.agency_id in scope.agency_ids:
        return Party.AGENCY
    if case.employer_id in scope.employer_ids and not left_employer(case):
        return Party.EMPLOYER
    if scope.user_id is not None and case.applicant.user_id == scope.user_id:
        return Party.APPLICANT
    return None
