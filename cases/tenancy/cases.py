"""Cases and what a supplement holds (reviewer comments, requested items), read through the rule:
lists filter with `visible_*`; single objects come through `access_*`, which answer 404 alike for
"does not exist" and "not yours", and with `for_write` 403 for someone who sees but may not change."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, OrganizationKind
from accounts.standing import Actor
from cases.models import (
    Case,
    CaseQuerySet,
    RequestedItem,
    ReviewerComment,
    SupplementQuerySet,
    SupplementRequest,
)
from cases.tenancy.checks import check_can_manage_supplement
from cases.tenancy.scope import Scope, case_filter, scope_for


def visible_cases(user: Actor) -> CaseQuerySet:
    return Case.objects.filter(case_filter(scope_for(user)))


def organization_cases(organization: Organization | None) -> CaseQuerySet:
    """The cases an organization works, as its own staff would see them (agency: the cases it
    works; employer: its employees' cases): what a notice received by that organization may reach
    (issue 13). None is the operator's whole view (the system)."""
    if organization is None:
        return Case.objects.all()
    agency = organization.kind == OrganizationKind.AGENCY
    scope = Scope(
        user_id=0,  # nobody's own applicant cases: only the organization's
        is_superuser=False,
        agency_ids=frozenset({organization.pk}) if agency else frozenset(),
        agency_admin_ids=frozenset(),
        employer_ids=frozenset() if agency else frozenset({organization.pk}),
    )
    return Case.objects.filter(case_filter(scope))


def case_queryset(user: Actor) -> QuerySet[Case]:
    return visible_cases(user).select_related("applicant", "agency", "employer", "field")


def visible_supplements(user: Actor) -> SupplementQuerySet:
    return SupplementRequest.objects.filter(case_filter(scope_for(user), prefix="case__"))


def visible_comments(user: Actor) -> QuerySet[ReviewerComment]:
    return ReviewerComment.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))


def visible_items(user: Actor) -> QuerySet[RequestedItem]:
    return RequestedItem.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))


def employers_for(user: Actor) -> QuerySet[Organization]:
    """Employers of the cases the user sees (the dashboard's employer filter)."""
    cases = visible_cases(user).filter(employer__isnull=False)
    return Organization.objects.filter(pk__in=cases.values("employer_id")).order_by("name")


def access_case(user: Actor, case_id: int | str) -> Case:
    try:
        return visible_cases(user).select_related("applicant", "agency", "employer").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such case.")) from exc


def access_supplement(
    user: Actor, supplement_id: int | str, *, for_write: bool = False
) -> SupplementRequest:
    """Fetch a supplement the user may see; with `for_write`, also require the right to change it."""
    try:
        supplement = (
            visible_supplements(user)
            .select_related("case", "case__applicant", "case__agency", "case__employer")
            .get(pk=supplement_id)
        )
    except (SupplementRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such supplement request.")) from exc
    if for_write:
        check_can_manage_supplement(user, supplement.case)
    return supplement


def access_comment(
    user: Actor, comment_id: int | str, *, for_write: bool = False
) -> ReviewerComment:
    try:
        comment = (
            visible_comments(user)
            .select_related("supplement__case__applicant", "resolved_by")
            .get(pk=comment_id)
        )
    except (ReviewerComment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such comment.")) from exc
    if for_write:
        check_can_manage_supplement(user, comment.supplement.case)
    return comment


def access_item(user: Actor, item_id: int | str, *, for_write: bool = False) -> RequestedItem:
    try:
        item = visible_items(user).select_related("supplement__case__applicant").get(pk=item_id)
    except (RequestedItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such requested item.")) from exc
    if for_write:
        check_can_manage_supplement(user, item.supplement.case)
    return item
