"""Case requests: employer HR asks an agency to open a case for an employee; the agency accepts
(the case is opened here, through case_create) or declines with a reason; HR may cancel while it
waits. Each decision locks the row, so two people deciding at once make one decision: the second
is told it was already decided and nothing changes. Each records who and when, and queues the
emails by task name after commit (cases.queue: cases never imports notifications)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, Applicant, Employment, Membership, Organization
from accounts.standing import Writer
from cases import queue, tenancy
from cases.case_requests import CaseRequest, CaseRequestState
from cases.choices import CaseKind, Channel
from cases.errors import CaseRequestDecided, InvalidInput
from cases.models import FieldOfExpertise, history_user
from cases.services.cases import case_create

# The events the emails tell of (notifications.case_requests renders each).
REQUESTED = "requested"
ACCEPTED = "accepted"
DECLINED = "declined"


def _agency_people(agency_id: int) -> list[int]:
    """Everyone at the agency who can act on a request: its active admins and staff."""
    members = Membership.objects.filter(organization_id=agency_id, role__in=AGENCY_ROLES)
    return list(
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"), is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _tell(case_request: CaseRequest, event: str, user_ids: list[int]) -> None:
    for user_id in user_ids:
        queue.send_after_commit(queue.CASE_REQUEST_MAIL, case_request.pk, event, user_id)


def _tell_requester(case_request: CaseRequest, event: str) -> None:
    requester = case_request.requested_by
    if requester is not None and requester.is_active and requester.email:
        _tell(case_request, event, [requester.pk])


@transaction.atomic
def case_request_create(
    *,
    actor: Writer,
    employer: Organization,
    agency: Organization,
    applicant: Applicant,
    kind: str,
    note: str = "",
) -> CaseRequest:
    """HR asks `agency` to open a case of `kind` for `applicant`, an employee of `employer`."""
    tenancy.check_can_request_case(actor, employer)
    if kind not in CaseKind.values:
        raise InvalidInput(_("Choose the kind of case."), field="kind")
    # Current employees only: an employer asks for its own staff, not someone else's.
    employed = Employment.objects.filter(applicant=applicant, employer=employer).exclude(
        end_date__lt=timezone.localdate()
    )
    if not employed.exists():
        raise InvalidInput(
            _("This person is not an employee of %(employer)s.") % {"employer": employer.name},
            field="applicant",
        )
    if not tenancy.requestable_agencies([employer.pk]).filter(pk=agency.pk).exists():
        raise InvalidInput(_("Ask an agency that works your employees' cases."), field="agency")
    case_request = CaseRequest(
        employer=employer,
        agency=agency,
        applicant=applicant,
        kind=kind,
        note=note.strip(),
        requested_by=actor,
    )
    history_user(actor, case_request)
    case_request.save()
    _tell(case_request, REQUESTED, _agency_people(agency.pk))
    return case_request


def _lock_waiting(case_request: CaseRequest) -> CaseRequest:
    """The row, locked; refused when someone decided it meanwhile (the second of two clicks)."""
    locked = CaseRequest.objects.select_for_update().get(pk=case_request.pk)
    if locked.state == CaseRequestState.WAITING:
        return locked
    message = {
        CaseRequestState.ACCEPTED: _(
            "%(who)s already accepted this case request on %(when)s; nothing was changed."
        ),
        CaseRequestState.DECLINED: _(
            "%(who)s already declined this case request on %(when)s; nothing was changed."
        ),
        CaseRequestState.CANCELLED: _(
            "%(who)s already cancelled this case request on %(when)s; nothing was changed."
        ),
    }[CaseRequestState(locked.state)]
    decider = locked.decided_by
    who = (decider.get_full_name() or decider.get_username()) if decider else _("Someone")
    when = timezone.localtime(locked.decided_at) if locked.decided_at else timezone.now()
    raise CaseRequestDecided(
        message % {"who": who, "when": when.strftime("%Y-%m-%d %H:%M")}, state=locked.state
    )


def _decide(case_request: CaseRequest, actor: Writer, state: str) -> None:
    case_request.state = state
    case_request.decided_by = actor
    case_request.decided_at = timezone.now()
    case_request.full_clean()
    history_user(actor, case_request)
    case_request.save()


@transaction.atomic
def case_request_accept(
    *,
    case_request: CaseRequest,
    actor: Writer,
    field: FieldOfExpertise | None = None,
) -> CaseRequest:
    """The agency takes the request on: the case is opened (agency filing, 委託代辦機構提出申請)
    with the request's parties and kind, and linked to the request."""
    tenancy.check_can_decide_case_request(actor, case_request)
    case_request = _lock_waiting(case_request)
    case_request.case = case_create(
        actor=actor,
        applicant=case_request.applicant,
        kind=case_request.kind,
        channel=Channel.AGENCY,
        agency=case_request.agency,
        employer=case_request.employer,
        field=field,
    )
    _decide(case_request, actor, CaseRequestState.ACCEPTED)
    _tell_requester(case_request, ACCEPTED)
    return case_request


@transaction.atomic
def case_request_decline(*, case_request: CaseRequest, actor: Writer, reason: str) -> CaseRequest:
    """The agency will not take the request on; HR is told why."""
    tenancy.check_can_decide_case_request(actor, case_request)
    # Locked first: a request decided meanwhile says so, whatever the reason typed.
    case_request = _lock_waiting(case_request)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the request is declined."), field="reason")
    case_request.decline_reason = reason
    _decide(case_request, actor, CaseRequestState.DECLINED)
    _tell_requester(case_request, DECLINED)
    return case_request


@transaction.atomic
def case_request_cancel(*, case_request: CaseRequest, actor: Writer) -> CaseRequest:
    """The HR person who asked withdraws the request while it waits (nobody is emailed: the agency
    sees it leave its list)."""
    tenancy.check_can_cancel_case_request(actor, case_request)
    case_request = _lock_waiting(case_request)
    _decide(case_request, actor, CaseRequestState.CANCELLED)
    return case_request
