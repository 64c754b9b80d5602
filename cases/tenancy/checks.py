"""Who may act: one named check per action, called by the service that performs it.

Each `can_*` answers a yes/no for a template or a serializer (the view computes the booleans; the
template never decides); each `check_*` raises PermissionDenied (403) with the reason in words and is
called by the service itself, so the pages, the API, the admin and the commands get one answer.

Reading comes first: callers fetch objects through the `access_*` functions, which answer 404 for
"not yours". A check meeting someone with no standing on the case answers 404 too, never 403.

`actor=None` is the system itself (a command, a Celery task, the demo seed): it passes every check.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Applicant, Organization
from accounts.standing import SYSTEM as SYSTEM
from accounts.standing import Actor
from accounts.standing import can_administer as can_administer
from accounts.standing import can_edit_applicants as can_edit_applicants
from accounts.standing import check_can_add_applicant as check_can_add_applicant
from accounts.standing import check_can_change_organization as check_can_change_organization
from accounts.standing import check_can_edit_applicant as check_can_edit_applicant
from accounts.standing import check_can_manage_clients as check_can_manage_clients
from accounts.standing import check_can_manage_members as check_can_manage_members
from cases.choices import AttachmentKind, Channel, Party
from cases.documents.review import may_review
from cases.errors import ReviewNotAllowed
from cases.models import Case, CaseRequest, Document, SupplementAttachment
from cases.tenancy.scope import party_for, scope_for


def _standing(user: Actor, case: Case) -> str:
    """The user's party on the case; 404 for someone who may not see it at all."""
    party = party_for(user, case)
    if party is None:
        raise Http404(_("No such case."))
    return party


def _require(user: Actor, case: Case, allowed: bool, message: str) -> None:
    """The shape of every case check: the system passes; no standing on the case is 404; standing
    without the right is 403 with the reason. `allowed` is the matching `can_*` answer."""
    if user is SYSTEM:
        return
    _standing(user, case)
    if not allowed:
        raise PermissionDenied(message)


# --- Supplements and their content ------------------------------------------------------------
def can_manage_supplement(user: Actor, case: Case) -> bool:
    """The filing party: the agency working the case; for a case the employer files, its HR; for a
    self-filed case, the applicant. They edit comments, items, the deadline, the reply, submit,
    record the outcome, withdraw, order documents, pack, remind, and move the case."""
    party = party_for(user, case)
    if party == Party.AGENCY:
        return True
    if party == Party.EMPLOYER:
        return case.channel == Channel.EMPLOYER
    if party == Party.APPLICANT:
        return case.channel == Channel.SELF
    return False


def check_can_manage_supplement(user: Actor, case: Case) -> None:
    _require(
        user,
        case,
        can_manage_supplement(user, case),
        _("Only the agency or the filing party can change this."),
    )


def can_assign(user: Actor, case: Case) -> bool:
    """The filing party, but not an applicant: work is assigned to agency staff or HR."""
    return party_for(user, case) in (Party.AGENCY, Party.EMPLOYER) and can_manage_supplement(
        user, case
    )


def check_can_assign(user: Actor, case: Case) -> None:
    _require(
        user,
        case,
        can_assign(user, case),
        _("Only the agency or the filing employer assigns this work."),
    )


def can_pack(user: Actor, case: Case) -> bool:
    """Packing on demand is for whoever will upload the set on the platform: the filing party.
    Everyone who sees the supplement still gets the set packed after each document change."""
    return can_manage_supplement(user, case)


def check_can_pack(user: Actor, case: Case) -> None:
    _require(
        user,
        case,
        can_pack(user, case),
        _("You cannot pack this supplement's documents."),
    )


def can_remind(user: Actor, case: Case, party: str) -> bool:
    """Chasing the applicant or HR (催件) is the filing party's, and asks the other side."""
    return can_manage_supplement(user, case) and party_for(user, case) != party


def check_can_remind(user: Actor, case: Case, party: str) -> None:
    _require(
        user,
        case,
        can_remind(user, case, party),
        _("Only the party filing this supplement can send reminders."),
    )


# --- Documents --------------------------------------------------------------------------------
def can_upload(user: Actor, case: Case) -> bool:
    """Every party on the case may add documents (HR the employer's, the applicant their own)."""
    return party_for(user, case) is not None


def check_can_upload(user: Actor, case: Case) -> None:
    if user is SYSTEM:
        return
    _standing(user, case)


def can_remove_document(user: Actor, document: Document, case: Case | None = None) -> bool:
    """Its uploader, or whoever manages the supplement (`case`: the document's, when at hand)."""
    case = case or document.supplement.case
    return can_manage_supplement(user, case) or (
        document.uploaded_by_id is not None and document.uploaded_by_id == scope_for(user).user_id
    )


def check_can_remove_document(user: Actor, document: Document) -> None:
    case = document.supplement.case
    _require(
        user,
        case,
        can_remove_document(user, document, case),
        _("Only the uploader or the filing party can remove this."),
    )


def can_review_document(user: Actor, case: Case, target: str) -> bool:
    """Marking a document checked, approved or rejected (cases.documents.review.may_review)."""
    return may_review(
        party=party_for(user, case),
        manages=can_manage_supplement(user, case),
        case_has_agency=case.agency_id is not None,
        target=target,
    )


def check_can_review_document(user: Actor, document: Document, target: str) -> None:
    if user is SYSTEM:
        return
    case = document.supplement.case
    _standing(user, case)
    if not can_review_document(user, case, target):
        raise ReviewNotAllowed()  # a 403 with its own code: review_not_allowed


# --- The notice and the proof (kept beside the documents, never packed) -------------------------
def can_see_notice(user: Actor, case: Case) -> bool:
    """The notice e-mail reaches the filing party's mailbox and often carries the agency's own
    correspondence (forwards, signatures, other cases' references): the agency and the employer
    see it, the applicant only on a case they file themselves (the applicant learns what is asked
    from the comments and items, which are transcribed from it)."""
    return party_for(user, case) in (Party.AGENCY, Party.EMPLOYER) or can_manage_supplement(
        user, case
    )


def can_see_attachment(user: Actor, case: Case, kind: str) -> bool:
    """The proof that the supplement was sent is everyone's on the case; the notice as above."""
    if kind == AttachmentKind.PROOF:
        return party_for(user, case) is not None
    return can_see_notice(user, case)


def can_add_attachment(user: Actor, case: Case, kind: str) -> bool:
    """Whoever sees the notice may attach it (HR is often the first to receive it); the proof
    comes with recording the submission, which is the filing party's."""
    if kind == AttachmentKind.PROOF:
        return can_manage_supplement(user, case)
    return can_see_notice(user, case)


def check_can_add_attachment(user: Actor, case: Case, kind: str) -> None:
    _require(
        user,
        case,
        can_add_attachment(user, case, kind),
        _("Only the filing party attaches the proof of submission.")
        if kind == AttachmentKind.PROOF
        else _("The applicant does not attach the notice on a case someone else files."),
    )


def can_remove_attachment(
    user: Actor, attachment: SupplementAttachment, case: Case | None = None
) -> bool:
    """The notice: its uploader or the filing party; the proof: the filing party. (While the
    supplement is open, for the notice: a rule of the service, cases.services.attachments.)"""
    case = case or attachment.supplement.case
    if can_manage_supplement(user, case):
        return True
    return (
        attachment.kind == AttachmentKind.NOTICE
        and attachment.uploaded_by_id is not None
        and attachment.uploaded_by_id == scope_for(user).user_id
    )


def check_can_remove_attachment(user: Actor, attachment: SupplementAttachment) -> None:
    case = attachment.supplement.case
    _require(
        user,
        case,
        can_remove_attachment(user, attachment, case),
        _("Only the uploader or the filing party can remove this."),
    )


# --- Cases ------------------------------------------------------------------------------------
def can_edit_case(user: Actor, case: Case) -> bool:
    """Details and status are the filing party's."""
    return can_manage_supplement(user, case)


def check_can_edit_case(user: Actor, case: Case) -> None:
    _require(
        user,
        case,
        can_edit_case(user, case),
        _("Only the filing party can change this case."),
    )


def can_edit_notes(user: Actor, case: Case) -> bool:
    """The internal notes are the agency's: only its members read and write them, on any channel."""
    return party_for(user, case) == Party.AGENCY


def can_see_internal_notes(user: Actor, case: Case) -> bool:
    return can_edit_notes(user, case)


def check_can_edit_notes(user: Actor, case: Case) -> None:
    _require(
        user,
        case,
        can_edit_notes(user, case),
        _("Only the agency writes its internal notes."),
    )


def check_case_create(
    user: Actor,
    *,
    channel: str,
    agency: Organization | None,
    employer: Organization | None,
    applicant: Applicant,
    internal_notes: str = "",
) -> None:
    """The filing party opens the case: an agency's members for the agency channel, the
    employer's HR for the employer channel, the applicant for a self-filed one. Only a case an
    agency works starts with the agency's internal notes."""
    if user is SYSTEM:
        return
    if internal_notes and agency is None:
        raise PermissionDenied(_("Only the agency writes its internal notes."))
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


# --- Case requests (employer HR asks an agency to open a case) ---------------------------------
def case_request_party(user: Actor, case_request: CaseRequest) -> str | None:
    """The side a user stands on for a case request: the agency asked, or the employer asking."""
    scope = scope_for(user)
    if scope.is_superuser or case_request.agency_id in scope.agency_ids:
        return Party.AGENCY
    if case_request.employer_id in scope.employer_ids:
        return Party.EMPLOYER
    return None


def _require_on_request(
    user: Actor, case_request: CaseRequest, allowed: bool, message: str
) -> None:
    """`_require` for a case request: no standing is 404, standing without the right 403."""
    if user is SYSTEM:
        return
    if case_request_party(user, case_request) is None:
        raise Http404(_("No such case request."))
    if not allowed:
        raise PermissionDenied(message)


def can_request_case(user: Actor, employer: Organization) -> bool:
    """The employer's HR and admins ask an agency for a case for one of their employees."""
    scope = scope_for(user)
    return scope.is_superuser or employer.pk in scope.employer_ids


def check_can_request_case(user: Actor, employer: Organization) -> None:
    if user is SYSTEM:
        return
    if not can_request_case(user, employer):
        raise PermissionDenied(_("Only the employer's HR can ask for a case for its employees."))


def can_decide_case_request(user: Actor, case_request: CaseRequest) -> bool:
    """The agency asked accepts or declines; HR cannot accept its own request."""
    return case_request_party(user, case_request) == Party.AGENCY


def check_can_decide_case_request(user: Actor, case_request: CaseRequest) -> None:
    _require_on_request(
        user,
        case_request,
        can_decide_case_request(user, case_request),
        _("Only the agency asked can accept or decline this request."),
    )


def can_cancel_case_request(user: Actor, case_request: CaseRequest) -> bool:
    """Only the HR person who asked withdraws the request; the agency declines instead."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return (
        case_request.employer_id in scope.employer_ids
        and case_request.requested_by_id is not None
        and case_request.requested_by_id == scope.user_id
    )


def check_can_cancel_case_request(user: Actor, case_request: CaseRequest) -> None:
    _require_on_request(
        user,
        case_request,
        can_cancel_case_request(user, case_request),
        _("Only the person who asked can cancel this request."),
    )


# --- Templates people reuse (an agency's usual items and reply templates) ----------------------
def can_manage_templates(user: Actor, agency: Organization) -> bool:
    """The catalogue and the reply templates are the agency's way of working: its admins change
    them; its staff use and read them."""
    scope = scope_for(user)
    return scope.is_superuser or agency.pk in scope.agency_admin_ids


def check_can_manage_templates(user: Actor, agency: Organization) -> None:
    if user is SYSTEM:
        return
    if not can_manage_templates(user, agency):
        raise PermissionDenied(_("Only the agency's admins can change its templates."))
