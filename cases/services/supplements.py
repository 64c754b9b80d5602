"""Supplement requests (補正): recording one, its deadline, reply, assignment, submission (送出),
outcome and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.standing import Writer
from cases import lifecycle, tenancy, versions
from cases.choices import (
    CaseStatus,
    DeadlineRule,
    Party,
    RequestingBody,
    SupplementOutcome,
    SupplementState,
)
from cases.clock import taipei_today
from cases.errors import (
    InvalidInput,
    NotReady,
    StaleVersion,
)
from cases.locking import lock_open_supplement, lock_supplement, touch
from cases.models import (
    Case,
    SupplementRequest,
    history_user,
)
from cases.readiness_facts import refresh_readiness
from cases.services.cases import case_transition
from cases.services.deadlines import propose_deadline


def supplement_deadlines(
    *, notice_date: dt.date, rule: str, deadline_override: dt.date | None, override_reason: str
) -> tuple[dt.date | None, dt.date, str]:
    """(proposed deadline, the deadline that counts, the override's reason) for a notice; refuses an
    unknown rule, a custom rule without its date, an unexplained override, a deadline before the
    notice. Creating a supplement and the admin's form both ask here."""
    if rule not in DeadlineRule.values:
        raise InvalidInput(_("Unknown deadline rule."), field="rule")
    if rule == DeadlineRule.CUSTOM and deadline_override is None:
        raise InvalidInput(
            _("A custom rule needs the deadline printed in the notice."), field="deadline_override"
        )
    if deadline_override is not None and not override_reason.strip():
        override_reason = _("Date printed in the notice") if rule == DeadlineRule.CUSTOM else ""
        if not override_reason:
            raise InvalidInput(_("Say why the deadline differs."), field="override_reason")
    result = propose_deadline(notice_date=notice_date, rule=rule)
    proposed = result.last_day if result else None
    deadline = deadline_override or proposed
    if deadline is None:  # a custom rule without its date was refused above; said again for types
        raise InvalidInput(_("A custom rule needs its date."), field="deadline")
    if deadline < notice_date:
        raise InvalidInput(_("The deadline cannot be before the notice date."), field="deadline")
    return proposed, deadline, override_reason


# Also the answer for a user id that does not exist (api.serializers): nobody learns which ids are
# people of other tenants (issue 12, no existence oracles).
ASSIGNEE_REFUSED = gettext_lazy(
    "Assign the supplement to someone at the agency or the employer on the case."
)


def check_assignee(*, case: Case, assignee: User | None) -> None:
    """Work on a supplement is assigned to someone at the agency or the employer on its case."""
    if assignee is not None and tenancy.party_for(assignee, case) not in (
        Party.AGENCY,
        Party.EMPLOYER,
    ):
        raise InvalidInput(str(ASSIGNEE_REFUSED), field="assignee", code="invalid_assignee")


@transaction.atomic
def supplement_create(
    *,
    case: Case,
    actor: Writer,
    requesting_body: str,
    notice_date: dt.date,
    rule: str,
    received_at: dt.datetime | None = None,
    authority_code: str = "",
    deadline_override: dt.date | None = None,
    override_reason: str = "",
    assignee: User | None = None,
    to_confirm: bool = False,
) -> SupplementRequest:
    """`to_confirm`: read from a notice by the intake, staff confirm or correct it later."""
    tenancy.check_can_manage_supplement(actor, case)
    if assignee is not None:
        tenancy.check_can_assign(actor, case)
    check_assignee(case=case, assignee=assignee)
    proposed, deadline, override_reason = supplement_deadlines(
        notice_date=notice_date,
        rule=rule,
        deadline_override=deadline_override,
        override_reason=override_reason,
    )
    case = Case.objects.select_for_update().get(pk=case.pk)
    last_round = case.supplements.aggregate(last=Max("round"))["last"] or 0
    supplement = SupplementRequest(
        case=case,
        round=last_round + 1,
        requesting_body=requesting_body,
        authority_code=authority_code,
        notice_date=notice_date,
        received_at=received_at or timezone.now(),
        rule=rule,
        proposed_deadline=proposed,
        deadline_override=deadline_override,
        override_reason=override_reason.strip(),
        deadline=deadline,
        assignee=assignee,
        to_confirm=to_confirm,
    )
    history_user(actor, supplement)
    supplement.save()
    refresh_readiness(supplement)
    if lifecycle.can_transition(case.status, CaseStatus.SUPPLEMENT_REQUESTED):
        case_transition(
            case=case,
            actor=actor,
            status=CaseStatus.SUPPLEMENT_REQUESTED,
            happened_on=notice_date,
            note=gettext_noop("Supplement requested"),
        )
    return supplement


@transaction.atomic
def supplement_override_deadline(
    *, supplement: SupplementRequest, actor: Writer, deadline: dt.date | None, reason: str = ""
) -> SupplementRequest:
    """Set the deadline printed in the notice (with a reason), or clear the override (None)."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    if deadline is None:
        if supplement.rule == DeadlineRule.CUSTOM:
            raise InvalidInput(_("A custom rule needs its date."), field="deadline")
        supplement.deadline_override, supplement.override_reason = None, ""
    else:
        if not reason.strip():
            raise InvalidInput(_("Say why the deadline differs."), field="reason")
        if deadline < supplement.notice_date:
            raise InvalidInput(
                _("The deadline cannot be before the notice date."), field="deadline"
            )
        supplement.deadline_override, supplement.override_reason = deadline, reason.strip()
    deadline = supplement.deadline_override or supplement.proposed_deadline
    if deadline is None:  # a custom rule keeps its override (refused above)
        raise InvalidInput(_("A custom rule needs its date."), field="deadline")
    supplement.deadline = deadline
    touch(supplement, actor, "deadline_override", "override_reason", "deadline")
    return supplement


@transaction.atomic
def supplement_confirm_notice(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    notice_date: dt.date | None = None,
    rule: str | None = None,
    requesting_body: str | None = None,
    deadline: dt.date | None = None,
    reason: str = "",
) -> SupplementRequest:
    """Staff confirm what the intake read from a notice (issue 13), correcting any of the notice
    date, the rule, the requesting body or the deadline on the way; the mark "to confirm" goes."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    if not supplement.to_confirm:
        raise InvalidInput(_("This supplement has nothing to confirm."), field="to_confirm")
    if requesting_body is not None:
        if requesting_body not in RequestingBody.values:
            raise InvalidInput(_("Unknown requesting body."), field="requesting_body")
        supplement.requesting_body = requesting_body
    notice_date = notice_date or supplement.notice_date
    rule = rule or supplement.rule
    override = deadline or (supplement.deadline_override if rule == DeadlineRule.CUSTOM else None)
    proposed, effective, reason = supplement_deadlines(
        notice_date=notice_date,
        rule=rule,
        deadline_override=override,
        override_reason=reason or (supplement.override_reason if override else ""),
    )
    supplement.notice_date, supplement.rule = notice_date, rule
    supplement.proposed_deadline, supplement.deadline = proposed, effective
    supplement.deadline_override, supplement.override_reason = override, reason.strip()
    supplement.to_confirm = False
    supplement.confirmed_at = timezone.now()
    supplement.confirmed_by = actor
    touch(
        supplement,
        actor,
        "requesting_body",
        "notice_date",
        "rule",
        "proposed_deadline",
        "deadline",
        "deadline_override",
        "override_reason",
        "to_confirm",
        "confirmed_at",
        "confirmed_by",
    )
    return supplement


@transaction.atomic
def supplement_set_reply(
    *, supplement: SupplementRequest, actor: Writer, reply: str, expected_version: int | None = None
) -> SupplementRequest:
    """`expected_version` is the reply's own (reply_version): a colleague's work elsewhere on the
    supplement does not refuse the save."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    versions.check(supplement, expected_version, version_field="reply_version", shows="reply")
    supplement.reply = reply.strip()
    versions.bump(supplement, "reply_version")
    touch(supplement, actor, "reply", "reply_version")
    return supplement


@transaction.atomic
def supplement_assign(
    *, supplement: SupplementRequest, actor: Writer, assignee: User | None
) -> SupplementRequest:
    """Assignment is not content: it may change after submission too (someone records the outcome)."""
    tenancy.check_can_assign(actor, supplement.case)
    supplement = lock_supplement(supplement.pk)
    check_assignee(case=supplement.case, assignee=assignee)
    supplement.assignee = assignee
    history_user(actor, supplement)
    supplement.save(update_fields=["assignee", "updated_at"])
    return supplement


@transaction.atomic
def supplement_submit(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    submitted_at: dt.datetime | None = None,
    force: bool = False,
) -> SupplementRequest:
    """Record that the supplement was sent (送出) on the platform; from now on it is read-only.
    Refused while not ready unless `force` (the platform took it anyway)."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    readiness = refresh_readiness(supplement)
    if not readiness.ready and not force:
        raise NotReady(missing=[item.as_dict() for item in readiness.missing])
    supplement.state = SupplementState.SUBMITTED
    supplement.submitted_at = submitted_at or timezone.now()
    supplement.submitted_by = actor
    history_user(actor, supplement)
    supplement.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    _return_case_to_review(
        supplement,
        actor,
        happened_on=taipei_today(supplement.submitted_at),
        note=gettext_noop("Supplement submitted"),
    )
    return supplement


def _return_case_to_review(
    supplement: SupplementRequest, actor: Writer, *, happened_on: dt.date, note: str
) -> None:
    """One fact, one place: the case's status follows its supplements. Once none is open, a case
    that reads "supplement requested" goes back to the review stage the request interrupted, held
    by the body reviewing it. Called under the supplement's lock (the supplement first, always)."""
    case = Case.objects.select_for_update().get(pk=supplement.case_id)
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
        return  # staff moved the case on by hand meanwhile: theirs is the later fact
    if case.supplements.filter(state=SupplementState.OPEN).exists():
        return
    came_from = (
        case.status_changes.filter(status=CaseStatus.SUPPLEMENT_REQUESTED)
        .order_by("-happened_on", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    if came_from not in lifecycle.REVIEW_STAGES:
        return  # recorded without a stage to return to: staff say where it is
    case_transition(case=case, actor=actor, status=came_from, happened_on=happened_on, note=note)


@transaction.atomic
def supplement_record_outcome(
    *, supplement: SupplementRequest, actor: Writer, outcome: str
) -> SupplementRequest:
    """The one change a submitted supplement still accepts."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_supplement(supplement.pk)
    if supplement.state != SupplementState.SUBMITTED:
        raise InvalidInput(_("Record an outcome after submitting."), field="outcome")
    if outcome not in SupplementOutcome.values:
        raise InvalidInput(_("Unknown outcome."), field="outcome")
    supplement.outcome = outcome
    supplement.outcome_recorded_at = timezone.now()
    history_user(actor, supplement)
    supplement.save(update_fields=["outcome", "outcome_recorded_at", "updated_at"])
    if outcome == SupplementOutcome.REFUSED:
        _refuse_case(supplement, actor)
    return supplement


def _refuse_case(supplement: SupplementRequest, actor: Writer) -> None:
    """One fact, one place: a supplement refused (不予許可) is the case refused. Where the lifecycle
    does not allow it (staff already moved the case on), theirs is the later fact."""
    case = Case.objects.select_for_update().get(pk=supplement.case_id)
    if lifecycle.can_transition(case.status, CaseStatus.REFUSED):
        case_transition(
            case=case,
            actor=actor,
            status=CaseStatus.REFUSED,
            happened_on=taipei_today(),
            note=gettext_noop("Refused after the supplement"),
        )


@transaction.atomic
def supplement_withdraw(*, supplement: SupplementRequest, actor: Writer) -> SupplementRequest:
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_open_supplement(supplement.pk)
    supplement.state = SupplementState.WITHDRAWN
    history_user(actor, supplement)
    supplement.save(update_fields=["state", "updated_at"])
    _return_case_to_review(
        supplement, actor, happened_on=taipei_today(), note=gettext_noop("Supplement withdrawn")
    )
    return supplement


@transaction.atomic
def supplement_reopen(*, supplement: SupplementRequest, actor: Writer) -> SupplementRequest:
    """Undo a withdrawal recorded by mistake: the supplement is open again, and a case back in
    review reads "supplement requested" again. A submitted (送出) supplement never reopens: the
    platform does not take it back."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    supplement = lock_supplement(supplement.pk)
    if supplement.state != SupplementState.WITHDRAWN:
        raise InvalidInput(_("Only a withdrawn supplement can be reopened."), field="state")
    supplement.state = SupplementState.OPEN
    touch(supplement, actor, "state")
    case = Case.objects.select_for_update().get(pk=supplement.case_id)
    if case.status in lifecycle.REVIEW_STAGES:
        case_transition(
            case=case,
            actor=actor,
            status=CaseStatus.SUPPLEMENT_REQUESTED,
            happened_on=taipei_today(),
            note=gettext_noop("Supplement reopened"),
        )
    return supplement


UNCHANGED = object()


@transaction.atomic
def supplement_update(
    *,
    supplement: SupplementRequest,
    actor: Writer,
    reply: str | None = None,
    assignee: User | object | None = UNCHANGED,
    expected_version: int | None = None,
    expected_reply_version: int | None = None,
) -> SupplementRequest:
    """Write the reply to the reviewer (審核意見回覆) and/or (re)assign the supplement in one call.
    The reply is content (refused once submitted); assignment may change after submission.
    `expected_version` refuses the change if anything on the supplement changed meanwhile;
    `expected_reply_version` only if the reply itself did."""
    if expected_version is not None:
        tenancy.check_can_manage_supplement(actor, supplement.case)
        supplement = lock_supplement(supplement.pk)
        if supplement.version != expected_version:
            raise StaleVersion(current_version=supplement.version)
    if reply is not None:
        supplement = supplement_set_reply(
            supplement=supplement,
            actor=actor,
            reply=reply,
            expected_version=expected_reply_version,
        )
    if assignee is not UNCHANGED:
        supplement = supplement_assign(
            supplement=supplement, actor=actor, assignee=cast("User | None", assignee)
        )
    return supplement
