"""Who sees what: the one rule every query obeys (DESIGN.md, "Tenancy").

- agency staff and admins: the cases their agency works;
- employer HR and admins: the cases of their organization's employees, across every agency;
- the applicant: their own cases;
- superusers: everything.

Lists filter through `visible_cases`/`visible_supplements`; single objects come through the
`access_*` functions, which answer 404 alike for "does not exist" and "not yours", and raise
PermissionDenied (403) only for someone who can see the object but lacks the role to change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import (
    AGENCY_ROLES,
    EMPLOYER_ROLES,
    Applicant,
    Authorisation,
    Membership,
    Role,
)
from cases.choices import Party, Visibility
from cases.models import Case, Document, RequestedItem, ReviewerComment, SupplementRequest


@dataclass(frozen=True)
class Scope:
    """A user's standing, computed once per request."""

    user_id: int | None
    is_superuser: bool
    agency_ids: frozenset[int]
    agency_admin_ids: frozenset[int]
    employer_ids: frozenset[int]

    @property
    def anonymous(self) -> bool:
        return self.user_id is None


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return Scope(None, False, frozenset(), frozenset(), frozenset())
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
    )
    user._tracker_scope = scope
    return scope


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


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(case_filter(scope_for(user)))


def visible_supplements(user) -> QuerySet[SupplementRequest]:
    return SupplementRequest.objects.filter(case_filter(scope_for(user), prefix="case__"))


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


def visible_documents(user, case: Case) -> QuerySet[Document]:
    """Documents of a case the user may see, honouring each document's visibility."""
    party = party_for(user, case)
    documents = Document.objects.filter(supplement__case=case)
    if party == Party.AGENCY:
        return documents
    if party == Party.EMPLOYER:
        return documents.exclude(visibility=Visibility.AGENCY_ONLY)
    if party == Party.APPLICANT:
        return documents.filter(visibility=Visibility.ALL)
    return documents.none()


def access_case(user, case_id) -> Case:
    try:
        return visible_cases(user).select_related("applicant", "agency", "employer").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such case.")) from exc


def access_supplement(user, supplement_id, *, for_write: bool = False) -> SupplementRequest:
    """Fetch a supplement the user may see; with `for_write`, also require the right to change it."""
    try:
        supplement = (
            visible_supplements(user)
            .select_related("case", "case__applicant", "case__agency", "case__employer")
            .get(pk=supplement_id)
        )
    except (SupplementRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such supplement request.")) from exc
    if for_write and not can_manage_supplement(user, supplement.case):
        raise PermissionDenied(_("Only the agency or the filing party can change this."))
    return supplement


def can_manage_supplement(user, case: Case) -> bool:
    """Who may edit a supplement's comments, deadline, reply and submission: the agency working the
    case; for a case the employer files, its HR; for a self-filed case, the applicant."""
    party = party_for(user, case)
    if party == Party.AGENCY:
        return True
    if party == Party.EMPLOYER:
        return case.channel == "employer"
    if party == Party.APPLICANT:
        return case.channel == "self"
    return False


def can_upload(user, case: Case) -> bool:
    """Every party on the case may add documents (HR the employer's, the applicant their own)."""
    return party_for(user, case) is not None


# --- What a supplement holds: reviewer comments, requested items, documents ------------------------
def visible_comments(user) -> QuerySet[ReviewerComment]:
    return ReviewerComment.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))


def access_comment(user, comment_id, *, for_write: bool = False) -> ReviewerComment:
    try:
        comment = (
            visible_comments(user)
            .select_related("supplement__case__applicant", "resolved_by")
            .get(pk=comment_id)
        )
    except (ReviewerComment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such comment.")) from exc
    if for_write and not can_manage_supplement(user, comment.supplement.case):
        raise PermissionDenied(_("Only the agency or the filing party can change this."))
    return comment


def visible_items(user) -> QuerySet[RequestedItem]:
    return RequestedItem.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))


def access_item(user, item_id, *, for_write: bool = False) -> RequestedItem:
    try:
        item = visible_items(user).select_related("supplement__case__applicant").get(pk=item_id)
    except (RequestedItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such requested item.")) from exc
    if for_write and not can_manage_supplement(user, item.supplement.case):
        raise PermissionDenied(_("Only the agency or the filing party can change this."))
    return item


def access_document(user, document_id, *, for_write: bool = False) -> Document:
    """A document the user may see (case scope and the document's own visibility). Its uploader
    and whoever manages the supplement may remove it."""
    try:
        document = (
            Document.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))
            .select_related("supplement__case__applicant", "uploaded_by")
            .get(pk=document_id)
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such document.")) from exc
    case = document.supplement.case
    if not visible_documents(user, case).filter(pk=document.pk).exists():
        raise Http404(_("No such document."))
    if for_write and not (
        can_manage_supplement(user, case) or document.uploaded_by_id == scope_for(user).user_id
    ):
        raise PermissionDenied(_("Only the uploader or the filing party can remove this."))
    return document
