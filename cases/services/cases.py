"""Cases: opening one, changing its details, moving it along its lifecycle (with the history row)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Applicant, Organization
from cases import lifecycle, tenancy
from cases.choices import (
    CaseStatus,
)
from cases.clock import taipei_today
from cases.editable import CASE_EDITABLE_FIELDS
from cases.errors import (
    InvalidInput,
    InvalidTransition,
)
from cases.models import (
    Case,
    CaseStatusChange,
    FieldOfExpertise,
    history_user,
)


@transaction.atomic
def case_create(
    *,
    actor,
    applicant: Applicant,
    kind: str,
    channel: str,
    agency: Organization | None = None,
    employer: Organization | None = None,
    field: FieldOfExpertise | None = None,
    application_number: str | None = None,
    applied_on: dt.date | None = None,
    status: str = CaseStatus.DRAFT,
    **details,
) -> Case:
    tenancy.check_case_create(
        actor,
        channel=channel,
        agency=agency,
        employer=employer,
        applicant=applicant,
        internal_notes=details.get("internal_notes", ""),
    )
    case = Case(
        applicant=applicant,
        kind=kind,
        channel=channel,
        agency=agency,
        employer=employer,
        field=field,
        application_number=application_number or None,
        applied_on=applied_on,
        status=status,
        holding_body=lifecycle.DEFAULT_HOLDER[status],
        status_changed_at=timezone.now(),
        **details,
    )
    case.full_clean()
    history_user(actor, case)
    case.save()
    CaseStatusChange.objects.create(
        case=case,
        status=status,
        holding_body=case.holding_body,
        happened_on=applied_on or taipei_today(),
        # Stored as the English msgid; pages translate it when shown (`{% translate note %}`).
        note=gettext_noop("Case created"),
        recorded_by=actor,
    )
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    actor,
    status: str,
    happened_on: dt.date | None = None,
    holding_body: str | None = None,
    note: str = "",
) -> CaseStatusChange:
    """Move a case along its lifecycle and record the history row (date, status, who holds it)."""
    tenancy.check_can_edit_case(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not lifecycle.can_transition(case.status, status):
        raise InvalidTransition(
            _("A case cannot go from “%(current)s” to “%(target)s”.")
            % {"current": case.get_status_display(), "target": CaseStatus(status).label},
            current=case.status,
            target=status,
            allowed=lifecycle.allowed_next(case.status),
        )
    previous = case.status
    case.status = status
    case.holding_body = holding_body or lifecycle.DEFAULT_HOLDER[status]
    case.status_changed_at = timezone.now()
    history_user(actor, case)
    case.save(update_fields=["status", "holding_body", "status_changed_at", "updated_at"])
    return CaseStatusChange.objects.create(
        case=case,
        from_status=previous,
        status=status,
        holding_body=case.holding_body,
        happened_on=happened_on or taipei_today(),
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def case_update(*, case: Case, actor, **changes) -> Case:
    """Change a case's details. The status moves only through `case_transition`; the parties
    (applicant, agency, employer, channel) never change here, since they decide who sees it."""
    unknown = sorted(set(changes).difference(CASE_EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(_("This cannot be changed here."), field=unknown[0])
    tenancy.check_can_edit_case(actor, case)
    if "internal_notes" in changes:
        tenancy.check_can_edit_notes(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    for name, value in changes.items():
        setattr(case, name, value)
    if "application_number" in changes:
        case.application_number = changes["application_number"] or None
    if case.previous_case_id is not None and case.previous_case_id == case.pk:
        raise InvalidInput(_("A case cannot follow itself."), field="previous_case")
    case.full_clean()
    history_user(actor, case)
    case.save()
    return case
