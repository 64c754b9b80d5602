"""Every write to cases and supplements. Views, the API, the admin actions and commands call these.

Each service takes keyword-only arguments and the acting user, locks the supplement row before it
changes anything under it (one lock, always the supplement first), records who and when through the
change history, and keeps submitted supplements frozen: `_lock_open` is the one place that says so.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Applicant, Organization
from cases import lifecycle
from cases.choices import (
    CaseStatus,
    DeadlineRule,
    ItemKind,
    ItemState,
    PlatformTab,
    SupplementOutcome,
    SupplementState,
    Visibility,
)
from cases.deadlines import DeadlineResult, TaiwanCalendar, compute_deadline
from cases.documents.intake import intake
from cases.documents.limits import Limits
from cases.documents.models import PackJob, PackState
from cases.documents.storage import delete_after_commit, delete_quietly
from cases.documents.upload_set import fingerprint as upload_set_fingerprint
from cases.documents.upload_set import upload_set_documents
from cases.errors import (
    InvalidInput,
    InvalidTransition,
    NotReady,
    StaleVersion,
    SupplementClosed,
    SupplementLocked,
)
from cases.models import (
    Case,
    CaseStatusChange,
    ClosureDay,
    Document,
    FieldOfExpertise,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
    history_user,
)
from cases.readiness import CommentFact, FileFact, ItemFact, Readiness, SupplementFacts, assess


# --- Deadlines ------------------------------------------------------------------------------------
def taiwan_calendar() -> TaiwanCalendar:
    """The government calendar plus the closure days staff have marked (typhoons)."""
    return TaiwanCalendar(dict(ClosureDay.objects.values_list("date", "reason")))


def propose_deadline(*, notice_date: dt.date, rule: str) -> DeadlineResult | None:
    """The deadline a rule gives for a notice; None for a custom rule (the notice's own date)."""
    if rule == DeadlineRule.CUSTOM:
        return None
    return compute_deadline(notice_date, rule, calendar=taiwan_calendar())


# --- Cases ----------------------------------------------------------------------------------------
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
        happened_on=applied_on or timezone.localdate(),
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
        happened_on=happened_on or timezone.localdate(),
        note=note,
        recorded_by=actor,
    )


# --- Supplements: the lock that keeps submitted ones frozen -------------------------------------
def _lock(supplement_id: int) -> SupplementRequest:
    return SupplementRequest.objects.select_for_update().get(pk=supplement_id)


def _lock_open(supplement_id: int, expected_version: int | None = None) -> SupplementRequest:
    """Lock a supplement for a content change; refuse once submitted (送出) or withdrawn."""
    supplement = _lock(supplement_id)
    if supplement.state == SupplementState.SUBMITTED:
        raise SupplementLocked()
    if supplement.state != SupplementState.OPEN:
        raise SupplementClosed()
    if expected_version is not None and expected_version != supplement.version:
        raise StaleVersion(current_version=supplement.version)
    return supplement


def _touch(supplement: SupplementRequest, actor, *fields: str) -> None:
    """Save a content change: bump the version, refresh readiness, record who."""
    supplement.version += 1  # safe: the caller holds the row lock
    history_user(actor, supplement)
    supplement.save(update_fields=[*fields, "version", "updated_at"])
    refresh_readiness(supplement)


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
    if deadline < notice_date:
        raise InvalidInput(_("The deadline cannot be before the notice date."), field="deadline")
    return proposed, deadline, override_reason


@transaction.atomic
def supplement_create(
    *,
    case: Case,
    actor,
    requesting_body: str,
    notice_date: dt.date,
    rule: str,
    received_at: dt.datetime | None = None,
    authority_code: str = "",
    deadline_override: dt.date | None = None,
    override_reason: str = "",
    assignee=None,
) -> SupplementRequest:
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
    *, supplement: SupplementRequest, actor, deadline: dt.date | None, reason: str = ""
) -> SupplementRequest:
    """Set the deadline printed in the notice (with a reason), or clear the override (None)."""
    supplement = _lock_open(supplement.pk)
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
    supplement.deadline = supplement.deadline_override or supplement.proposed_deadline
    _touch(supplement, actor, "deadline_override", "override_reason", "deadline")
    return supplement


@transaction.atomic
def supplement_set_reply(
    *, supplement: SupplementRequest, actor, reply: str, expected_version: int | None = None
) -> SupplementRequest:
    supplement = _lock_open(supplement.pk, expected_version)
    supplement.reply = reply.strip()
    _touch(supplement, actor, "reply")
    return supplement


@transaction.atomic
def supplement_assign(*, supplement: SupplementRequest, actor, assignee) -> SupplementRequest:
    """Assignment is not content: it may change after submission too (someone records the outcome)."""
    supplement = _lock(supplement.pk)
    check_assignee(case=supplement.case, assignee=assignee)
    supplement.assignee = assignee
    history_user(actor, supplement)
    supplement.save(update_fields=["assignee", "updated_at"])
    return supplement


@transaction.atomic
def supplement_submit(
    *,
    supplement: SupplementRequest,
    actor,
    submitted_at: dt.datetime | None = None,
    force: bool = False,
) -> SupplementRequest:
    """Record that the supplement was sent (送出) on the platform; from now on it is read-only.
    Refused while not ready unless `force` (the platform took it anyway)."""
    supplement = _lock_open(supplement.pk)
    readiness = refresh_readiness(supplement)
    if not readiness.ready and not force:
        raise NotReady(missing=[item.as_dict() for item in readiness.missing])
    supplement.state = SupplementState.SUBMITTED
    supplement.submitted_at = submitted_at or timezone.now()
    supplement.submitted_by = actor
    history_user(actor, supplement)
    supplement.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    return supplement


@transaction.atomic
def supplement_record_outcome(
    *, supplement: SupplementRequest, actor, outcome: str
) -> SupplementRequest:
    """The one change a submitted supplement still accepts."""
    supplement = _lock(supplement.pk)
    if supplement.state != SupplementState.SUBMITTED:
        raise InvalidInput(_("Record an outcome after submitting."), field="outcome")
    if outcome not in SupplementOutcome.values:
        raise InvalidInput(_("Unknown outcome."), field="outcome")
    supplement.outcome = outcome
    supplement.outcome_recorded_at = timezone.now()
    history_user(actor, supplement)
    supplement.save(update_fields=["outcome", "outcome_recorded_at", "updated_at"])
    return supplement


@transaction.atomic
def supplement_withdraw(*, supplement: SupplementRequest, actor) -> SupplementRequest:
    supplement = _lock_open(supplement.pk)
    supplement.state = SupplementState.WITHDRAWN
    history_user(actor, supplement)
    supplement.save(update_fields=["state", "updated_at"])
    return supplement


# --- Reviewer comments, requested items, documents ----------------------------------------------
@transaction.atomic
def comment_add(
    *, supplement: SupplementRequest, actor, tab: str, text: str, field_label: str = ""
) -> ReviewerComment:
    supplement = _lock_open(supplement.pk)
    if tab not in PlatformTab.values:
        raise InvalidInput(_("Unknown platform tab."), field="tab")
    if not text.strip():
        raise InvalidInput(_("The comment is empty."), field="text")
    position = (supplement.comments.aggregate(last=Max("position"))["last"] or 0) + 1
    comment = ReviewerComment(
        supplement=supplement,
        tab=tab,
        text=text.strip(),
        field_label=field_label,
        position=position,
    )
    history_user(actor, comment)
    comment.save()
    _touch(supplement, actor)
    return comment


@transaction.atomic
def comment_resolve(
    *, comment: ReviewerComment, actor, resolution: str = "", corrected_value: str = ""
) -> ReviewerComment:
    supplement = _lock_open(comment.supplement_id)
    comment = ReviewerComment.objects.get(pk=comment.pk)
    if not resolution.strip() and not corrected_value.strip():
        raise InvalidInput(_("Say how the comment was resolved."), field="resolution")
    comment.resolution = resolution.strip()
    comment.corrected_value = corrected_value.strip()
    comment.resolved_at = timezone.now()
    comment.resolved_by = actor
    history_user(actor, comment)
    comment.save()
    _touch(supplement, actor)
    return comment


@transaction.atomic
def comment_reopen(*, comment: ReviewerComment, actor) -> ReviewerComment:
    supplement = _lock_open(comment.supplement_id)
    comment = ReviewerComment.objects.get(pk=comment.pk)
    comment.resolved_at = None
    comment.resolved_by = None
    history_user(actor, comment)
    comment.save()
    _touch(supplement, actor)
    return comment


@transaction.atomic
def item_add(
    *,
    supplement: SupplementRequest,
    actor,
    kind: str,
    description: str,
    waits_on: str = "agency",
    comment: ReviewerComment | None = None,
) -> RequestedItem:
    supplement = _lock_open(supplement.pk)
    if kind not in ItemKind.values:
        raise InvalidInput(_("Unknown item kind."), field="kind")
    if not description.strip():
        raise InvalidInput(_("Describe the item."), field="description")
    if comment is not None and comment.supplement_id != supplement.pk:
        raise InvalidInput(_("That comment belongs to another supplement."), field="comment")
    position = (supplement.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = RequestedItem(
        supplement=supplement,
        kind=kind,
        description=description.strip(),
        waits_on=waits_on,
        comment=comment,
        position=position,
    )
    history_user(actor, item)
    item.save()
    _touch(supplement, actor)
    return item


@transaction.atomic
def item_set_state(*, item: RequestedItem, actor, state: str) -> RequestedItem:
    supplement = _lock_open(item.supplement_id)
    if state not in ItemState.values:
        raise InvalidInput(_("Unknown item state."), field="state")
    item = RequestedItem.objects.get(pk=item.pk)
    item.state = state
    history_user(actor, item)
    item.save()
    _touch(supplement, actor)
    return item


def document_add(
    *,
    supplement: SupplementRequest,
    actor,
    data: bytes,
    name: str,
    item: RequestedItem | None = None,
    comment: ReviewerComment | None = None,
    visibility: str = Visibility.ALL,
) -> Document:
    """Check a file (real type, encryption, damage, bombs, programs, viruses: cases.documents),
    then store it privately with its metadata and ask for the upload set to be packed again.
    A refused file raises its UploadRefused subclass and leaves nothing stored."""
    # The checks decode the whole file and may call the virus scanner: before any lock.
    checked = intake(data=data, name=name, limits=Limits.from_settings())
    stored_name = ""
    try:
        with transaction.atomic():
            supplement = _lock_open(supplement.pk)
            for related in (item, comment):
                if related is not None and related.supplement_id != supplement.pk:
                    raise InvalidInput(_("That item belongs to another supplement."), field="item")
            position = (supplement.documents.aggregate(last=Max("position"))["last"] or 0) + 1
            document = Document(
                supplement=supplement,
                item=item,
                comment=comment,
                original_name=name[:255],
                size=checked.size,
                content_type=checked.content_type,
                pages=checked.pages,
                encrypted=False,  # encrypted files are refused by the checks
                sha256=checked.sha256,
                position=position,
                visibility=visibility,
                uploaded_by=actor,
            )
            document.file.save(name, ContentFile(data), save=False)
            stored_name = document.file.name
            history_user(actor, document)
            document.save()
            if (
                item is not None
                and item.kind == ItemKind.DOCUMENT
                and item.state == ItemState.PENDING
            ):
                item.state = ItemState.DONE
                history_user(actor, item)
                item.save(update_fields=["state"])
            _touch(supplement, actor)
            _pack_again(supplement, actor)
    except BaseException:
        if stored_name:
            delete_quietly([stored_name])  # nothing half-stored
        raise
    return document


@transaction.atomic
def document_remove(*, document: Document, actor) -> None:
    from cases.documents.services import discard_packs_with

    supplement = _lock_open(document.supplement_id)
    history_user(actor, document)
    discard_packs_with(document)
    delete_after_commit([document.file.name])
    document.delete()
    _touch(supplement, actor)
    _pack_again(supplement, actor)


def _pack_again(supplement: SupplementRequest, actor) -> None:
    # Imported here: cases.documents.services builds on this module's locks.
    from cases.documents.services import pack_request

    pack_request(supplement=supplement, actor=actor, automatic=True)


# --- Readiness ------------------------------------------------------------------------------------
def item_facts(items, with_document: set[int]) -> list[ItemFact]:
    """Requested items as readiness facts; `with_document` holds the ids of items that have a
    (not rejected) document. Lists call this on prefetched rows to tell whom work waits on."""
    return [
        ItemFact(
            description=item.description,
            is_document=item.kind == ItemKind.DOCUMENT,
            done=item.state == ItemState.NOT_NEEDED
            or (item.kind == ItemKind.DOCUMENT and item.pk in with_document)
            or (item.kind == ItemKind.CORRECTION and item.state == ItemState.DONE),
            has_document=item.pk in with_document,
            waits_on=item.waits_on,
        )
        for item in items
    ]


def upload_set_facts(supplement: SupplementRequest, documents: list[Document]) -> list[FileFact]:
    """The upload set as the platform will see it: the packed files when a pack exists for the
    current documents (same fingerprint), else the documents as uploaded."""
    limits = Limits.from_settings()
    packed = (
        PackJob.objects.filter(
            supplement_id=supplement.pk,
            fingerprint=upload_set_fingerprint(documents, limits),
            state=PackState.DONE,
        )
        .order_by("-id")
        .first()
    )
    if packed is not None:
        return [
            FileFact(name=name, size=size, content_type="application/pdf")
            for name, size in packed.files.order_by("position").values_list("name", "size")
        ]
    return [
        FileFact(
            name=document.original_name,
            size=document.size,
            content_type=document.content_type,
            encrypted=document.encrypted,
        )
        for document in documents
    ]


def supplement_facts(supplement: SupplementRequest) -> SupplementFacts:
    comments = [
        CommentFact(tab=tab, resolved=resolved_at is not None)
        for tab, resolved_at in supplement.comments.values_list("tab", "resolved_at")
    ]
    documents = upload_set_documents(supplement)  # not rejected, in upload-set order
    with_document = {document.item_id for document in documents if document.item_id}
    items = item_facts(supplement.items.all(), with_document)
    return SupplementFacts(
        comments=comments,
        items=items,
        upload_set=upload_set_facts(supplement, documents),
        reply=supplement.reply,
        max_files=settings.UPLOAD_SET_MAX_FILES,
        max_file_bytes=settings.UPLOAD_SET_MAX_FILE_BYTES,
    )


def refresh_readiness(supplement: SupplementRequest) -> Readiness:
    """Assess readiness and store the verdict on the row (lists sort by it in SQL)."""
    readiness = assess(supplement_facts(supplement))
    stored = [item.as_dict() for item in readiness.missing]
    if supplement.is_ready != readiness.ready or supplement.missing != stored:
        SupplementRequest.objects.filter(pk=supplement.pk).update(
            is_ready=readiness.ready, missing=stored
        )
        supplement.is_ready, supplement.missing = readiness.ready, stored
    return readiness


# --- Case details and supplement fields (added for the API; the pages use them too) -------------
CASE_EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "field",
        "application_number",
        "applied_on",
        "applying_from",
        "collection_station",
        "validity_years",
        "card_valid_from",
        "card_valid_to",
        "previous_case",
        "internal_notes",
    }
)


@transaction.atomic
def case_update(*, case: Case, actor, **changes) -> Case:
    """Change a case's details. The status moves only through `case_transition`; the parties
    (applicant, agency, employer, channel) never change here, since they decide who sees it."""
    unknown = sorted(set(changes) - CASE_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("This cannot be changed here."), field=unknown[0])
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


UNCHANGED = object()


@transaction.atomic
def supplement_update(
    *,
    supplement: SupplementRequest,
    actor,
    reply: str | None = None,
    assignee=UNCHANGED,
    expected_version: int | None = None,
) -> SupplementRequest:
    """Write the reply to the reviewer (審核意見回覆) and/or (re)assign the supplement in one call.
    The reply is content (refused once submitted); assignment may change after submission.
    `expected_version` refuses the change if someone changed the supplement meanwhile."""
    if reply is not None:
        supplement = supplement_set_reply(
            supplement=supplement, actor=actor, reply=reply, expected_version=expected_version
        )
    elif expected_version is not None:
        supplement = _lock(supplement.pk)
        if supplement.version != expected_version:
            raise StaleVersion(current_version=supplement.version)
    if assignee is not UNCHANGED:
        supplement = supplement_assign(supplement=supplement, actor=actor, assignee=assignee)
    return supplement


def check_assignee(*, case: Case, assignee) -> None:
    """Work on a supplement is assigned to someone at the agency or the employer on its case."""
    from cases.choices import Party
    from cases.tenancy import party_for

    if assignee is not None and party_for(assignee, case) not in (Party.AGENCY, Party.EMPLOYER):
        raise InvalidInput(
            _("Assign the supplement to someone at the agency or the employer on the case."),
            field="assignee",
            code="invalid_assignee",
        )
