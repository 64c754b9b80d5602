"""Case requests read through the rule: the asking employer's members and the asked agency's
members see one; everyone else gets 404, as for "does not exist"."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Applicant, Employment, Organization, OrganizationKind
from accounts.standing import Actor
from cases.models import Case, CaseRequest
from cases.tenancy.scope import scope_for


def visible_case_requests(user: Actor) -> QuerySet[CaseRequest]:
    scope = scope_for(user)
    if scope.is_superuser:
        return CaseRequest.objects.all()
    if scope.anonymous:
        return CaseRequest.objects.none()
    return CaseRequest.objects.filter(
        Q(agency_id__in=scope.agency_ids) | Q(employer_id__in=scope.employer_ids)
    )


def access_case_request(user: Actor, request_id: int | str) -> CaseRequest:
    try:
        return (
            visible_case_requests(user)
            .select_related("employer", "agency", "applicant", "requested_by", "decided_by", "case")
            .get(pk=request_id)
        )
    except (CaseRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such case request.")) from exc


def requestable_agencies(employer_ids: Iterable[int]) -> QuerySet[Organization]:
    """The agencies an employer may ask: those working its employees' cases."""
    working = Case.objects.filter(employer_id__in=list(employer_ids), agency__isnull=False)
    return Organization.objects.filter(
        kind=OrganizationKind.AGENCY, pk__in=working.values("agency_id")
    ).order_by("name")


def asking_employer(user: Actor, applicant: Applicant) -> Organization | None:
    """The employer a user asks for `applicant` on behalf of: the user's employer the person works
    at now (HR of one employer has one; someone in several takes the latest employment's)."""
    employment = (
        Employment.objects.filter(applicant=applicant, employer_id__in=scope_for(user).employer_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .select_related("employer")
        .order_by("-start_date", "-id")
        .first()
    )
    return employment.employer if employment else None
