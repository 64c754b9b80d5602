"""What alerts are about, read from the cases: which subjects reach a new stage today (for the
planner), whether a recorded alert is still current (for delivery), and how to describe a subject
in an email or a calendar (titles carry the case reference, never personal data).

Four kinds: supplement requests (the stored, effective deadline: an override moves it), dated
obligations (notifications.Obligation), a card's extension window (Case.card_valid_to) and a
passport's validity (Applicant.passport_expiry). All dates are Taipei dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import Exists, OuterRef, Q, SmallIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import Applicant
from cases import clock
from cases.choices import CaseKind, CaseStatus, RequestingBody
from cases.models import Case, SupplementRequest
from cases.readiness import Readiness
from cases.selectors import waiting_on_map
from cases.tenancy.scope import employer_left_annotation, remember_employer_left
from notifications.models import AlertPolicy, Obligation, ObligationKind, PlannedStage, SubjectKind
from notifications.rules import (
    AGENCY,
    APPLICANT,
    DEFAULT_ESCALATE_DAYS,
    DEFAULT_OFFSETS,
    Policy,
    current_stage,
    stage_windows,
    validate_offsets,
)

# Derived obligations have fixed schedules (rules as data); the extension window also alerts on
# the day it opens, 4 months before expiry (domain.md).
EXTENSION_OFFSETS: tuple[int, ...] = (60, 30, 14, 7, 1, 0)
EXTENSION_WINDOW = relativedelta(months=4)
PASSPORT_OFFSETS: tuple[int, ...] = (90, 30, 7, 0, -1)
PASSPORT_MINIMUM = relativedelta(months=6)
OBLIGATION_WAITS_ON: dict[str, tuple[str, ...]] = {
    ObligationKind.CARD_PICKUP: (APPLICANT,),
    ObligationKind.ADDRESS_CHANGE: (APPLICANT,),
    ObligationKind.APPEAL: (AGENCY,),
}
CARD_STATUSES = (CaseStatus.APPROVED, CaseStatus.CARD_READY, CaseStatus.COLLECTED)
ENDED_STATUSES = (CaseStatus.WITHDRAWN, CaseStatus.REFUSED)


def default_policy() -> Policy:
    offsets = getattr(settings, "ALERT_DEFAULT_OFFSETS", DEFAULT_OFFSETS)
    return Policy(
        offsets=validate_offsets(offsets),
        escalate_days=getattr(settings, "ALERT_ESCALATE_DAYS", DEFAULT_ESCALATE_DAYS),
    )


def load_policies() -> dict[int, Policy]:
    """Every organization's own policy, by organization id (few rows: read once per sweep)."""
    return {
        org_id: Policy(offsets=validate_offsets(offsets), escalate_days=escalate)
        for org_id, offsets, escalate in AlertPolicy.objects.values_list(
            "organization_id", "offsets", "escalate_days"
        )
    }


def policy_org_id(case: Case) -> int | None:
    """The organization whose policy governs a case: the agency working it, else the employer."""
    return case.agency_id or case.employer_id


def policy_for(case: Case, policies: dict[int, Policy]) -> Policy:
    org_id = policy_org_id(case)
    return (policies.get(org_id) if org_id is not None else None) or default_policy()


@dataclass
class Due:
    """A subject that has reached a stage not yet planned."""

    kind: str
    subject_id: int
    case: Case
    due_on: dt.date
    stage: int
    policy: Policy
    waits_on: tuple[str, ...] = (AGENCY,)
    assignee_id: int | None = None
    supplement_id: int | None = None
    obligation_id: int | None = None


# What the sweep reads of a supplement's case to choose recipients (notifications.directory) and
# to apply the tenancy rule (cases.tenancy.party_for); the sweep loads only these columns.
TENANCY_CASE_FIELDS = (
    "case__id",
    "case__agency_id",
    "case__employer_id",
    "case__channel",
    "case__applicant__id",
    "case__applicant__user_id",
)


# --- Planning: the subjects whose current stage has no PlannedStage yet --------------------------
def _stage_expression(field_name: str, today: dt.date, offsets) -> SqlCase:
    whens = []
    for offset, lower, upper in stage_windows(offsets):
        condition = Q(**{f"{field_name}__lte": today + dt.timedelta(days=upper)})
        if lower is not None:
            condition &= Q(**{f"{field_name}__gte": today + dt.timedelta(days=lower)})
        whens.append(When(condition, then=Value(offset)))
    return SqlCase(*whens, default=None, output_field=SmallIntegerField())


def _policy_groups(policies: dict[int, Policy]) -> list[tuple[Policy, Q]]:
    """Organizations grouped by identical policy, plus everyone else on the default."""
    by_policy: dict[Policy, list[int]] = defaultdict(list)
    for org_id, policy in policies.items():
        by_policy[policy].append(org_id)
    groups = [(policy, Q(policy_org__in=orgs)) for policy, orgs in by_policy.items()]
    rest = Q(policy_org__isnull=True)
    rest |= ~Q(policy_org__in=list(policies)) if policies else Q(policy_org__isnull=False)
    groups.append((default_policy(), rest))
    return groups


def _unplanned(queryset, *, kind: str, due_field: str, today: dt.date, policy: Policy):
    planned = PlannedStage.objects.filter(
        subject_kind=kind,
        subject_id=OuterRef("pk"),
        due_on=OuterRef(due_field),
        offset=OuterRef("stage"),
    )
    return (
        queryset.filter(**{f"{due_field}__lte": today + dt.timedelta(days=policy.horizon)})
        .annotate(stage=_stage_expression(due_field, today, policy.offsets))
        .filter(stage__isnull=False)
        .filter(~Exists(planned))
        .order_by("pk")
    )


def due_supplements_query(*, today: dt.date, policy: Policy, group: Q):
    """Open supplements of one policy group whose current stage is not planned yet."""
    base = (
        SupplementRequest.objects.open()
        .annotate(policy_org=Coalesce("case__agency_id", "case__employer_id"))
        .filter(group)
    )
    return _unplanned(
        base, kind=SubjectKind.SUPPLEMENT, due_field="deadline", today=today, policy=policy
    )


def _batched_keyset(queryset, batch_size: int) -> Iterator[list]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def supplement_waits_on(supplement_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Whom each supplement waits on, by the pages' rule (cases.selectors.waiting_on_map): a
    document item waits until a document that was not rejected answers it."""
    return {pk: tuple(parties) for pk, parties in waiting_on_map(supplement_ids).items()}


def due_supplements(
    *, today: dt.date, policies: dict[int, Policy], batch_size: int
) -> Iterator[list[Due]]:
    for policy, group in _policy_groups(policies):
        query = (
            due_supplements_query(today=today, policy=policy, group=group)
            .select_related("case", "case__applicant")
            .only("id", "deadline", "assignee_id", *TENANCY_CASE_FIELDS)
            .annotate(employer_left=employer_left_annotation())
        )
        for batch in _batched_keyset(query, batch_size):
            waits = supplement_waits_on(s.pk for s in batch)
            for s in batch:
                remember_employer_left(s.case, getattr(s, "employer_left"))  # noqa: B009
            yield [
                Due(
                    kind=SubjectKind.SUPPLEMENT,
                    subject_id=s.pk,
                    case=s.case,
                    due_on=s.deadline,
                    stage=s.stage,
                    policy=policy,
                    waits_on=waits.get(s.pk, (AGENCY,)),
                    assignee_id=s.assignee_id,
                    supplement_id=s.pk,
                )
                for s in batch
            ]


def due_obligations(
    *, today: dt.date, policies: dict[int, Policy], batch_size: int
) -> Iterator[list[Due]]:
    for policy, group in _policy_groups(policies):
        base = (
            Obligation.objects.filter(fulfilled_at__isnull=True)
            .annotate(policy_org=Coalesce("case__agency_id", "case__employer_id"))
            .filter(group)
        )
        query = _unplanned(
            base, kind=SubjectKind.OBLIGATION, due_field="due_on", today=today, policy=policy
        ).select_related("case", "case__applicant")
        for batch in _batched_keyset(query, batch_size):
            yield [
                Due(
                    kind=SubjectKind.OBLIGATION,
                    subject_id=o.pk,
                    case=o.case,
                    due_on=o.due_on,
                    stage=o.stage,
                    policy=policy,
                    waits_on=OBLIGATION_WAITS_ON.get(o.kind, (AGENCY,)),
                    assignee_id=o.assignee_id,
                    obligation_id=o.pk,
                )
                for o in batch
            ]


def extension_offsets(card_valid_to: dt.date) -> tuple[int, ...]:
    opens = card_valid_to - EXTENSION_WINDOW
    return validate_offsets([(card_valid_to - opens).days, *EXTENSION_OFFSETS])


def extension_cases():
    """Cases whose card is current and not yet followed by an extension application."""
    extension_filed = Case.objects.filter(
        previous_case=OuterRef("pk"), kind=CaseKind.EXTENSION
    ).exclude(status__in=ENDED_STATUSES)
    return Case.objects.filter(card_valid_to__isnull=False, status__in=CARD_STATUSES).exclude(
        Exists(extension_filed)
    )


def passport_due_on(expiry: dt.date) -> dt.date:
    """The day from which the passport has less than 6 months left."""
    return expiry - PASSPORT_MINIMUM


def _filter_planned(kind: str, candidates: list[Due]) -> list[Due]:
    if not candidates:
        return []
    planned = set(
        PlannedStage.objects.filter(
            subject_kind=kind, subject_id__in=[c.subject_id for c in candidates]
        ).values_list("subject_id", "due_on", "offset")
    )
    return [c for c in candidates if (c.subject_id, c.due_on, c.stage) not in planned]


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def due_extensions(
    *, today: dt.date, policies: dict[int, Policy], batch_size: int
) -> Iterator[list[Due]]:
    latest = today + EXTENSION_WINDOW + dt.timedelta(days=1)
    query = (
        extension_cases()
        .filter(card_valid_to__gte=today, card_valid_to__lte=latest)
        .select_related("applicant")
        .order_by("pk")
    )
    for batch in _batched_keyset(query, batch_size):
        candidates = []
        for case in batch:
            stage = current_stage(
                clock.days_left(case.card_valid_to, today), extension_offsets(case.card_valid_to)
            )
            if stage is not None:
                candidates.append(
                    Due(
                        kind=SubjectKind.EXTENSION,
                        subject_id=case.pk,
                        case=case,
                        due_on=case.card_valid_to,
                        stage=stage,
                        policy=policy_for(case, policies),
                    )
                )
        if due := _filter_planned(SubjectKind.EXTENSION, candidates):
            yield due


def passport_cases(applicant_ids: Iterable[int]) -> dict[int, Case]:
    """Each applicant's most recent case that has not ended: the case a passport alert concerns."""
    chosen: dict[int, Case] = {}
    query = (
        Case.objects.filter(applicant_id__in=list(applicant_ids))
        .exclude(status__in=ENDED_STATUSES)
        .select_related("applicant")
        .order_by("applicant_id", "-created_at", "-pk")
    )
    for case in query:
        chosen.setdefault(case.applicant_id, case)
    return chosen


def due_passports(
    *, today: dt.date, policies: dict[int, Policy], batch_size: int
) -> Iterator[list[Due]]:
    horizon = today + PASSPORT_MINIMUM + dt.timedelta(days=max(PASSPORT_OFFSETS) + 1)
    query = (
        Applicant.objects.filter(passport_expiry__gte=today, passport_expiry__lte=horizon)
        .filter(
            Exists(Case.objects.filter(applicant=OuterRef("pk")).exclude(status__in=ENDED_STATUSES))
        )
        .order_by("pk")
    )
    for batch in _batched_keyset(query, batch_size):
        cases = passport_cases(a.pk for a in batch)
        candidates = []
        for applicant in batch:
            case = cases.get(applicant.pk)
            due_on = passport_due_on(applicant.passport_expiry)
            stage = current_stage(clock.days_left(due_on, today), PASSPORT_OFFSETS)
            if case is None or stage is None:
                continue
            candidates.append(
                Due(
                    kind=SubjectKind.PASSPORT,
                    subject_id=applicant.pk,
                    case=case,
                    due_on=due_on,
                    stage=stage,
                    policy=policy_for(case, policies),
                    waits_on=(APPLICANT,),
                )
            )
        if due := _filter_planned(SubjectKind.PASSPORT, candidates):
            yield due


def due_batches(*, today: dt.date, batch_size: int) -> Iterator[list[Due]]:
    """Every subject reaching an unplanned stage today, in bounded batches."""
    policies = load_policies()
    for source in (due_supplements, due_obligations, due_extensions, due_passports):
        yield from source(today=today, policies=policies, batch_size=batch_size)


# --- Delivery and display: the subject as it stands now ------------------------------------------
@dataclass
class Item:
    """One subject as an email line or a calendar event (text in the active language)."""

    kind: str
    subject_id: int
    case: Case
    due_on: dt.date
    current: bool  # still open, with the same due date as when the alert was planned
    supplement: SupplementRequest | None = None
    obligation: Obligation | None = None
    waits_on: tuple[str, ...] = (AGENCY,)
    missing: list[dict] = field(default_factory=list)  # the stored readiness verdict

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.subject_id)

    @property
    def path(self) -> str:
        if self.kind == SubjectKind.SUPPLEMENT:
            return f"/supplements/{self.subject_id}/"
        return f"/cases/{self.case.pk}/"

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path

    def missing_messages(self) -> list[str]:
        """What is still missing, in the active language (supplements only)."""
        return Readiness.from_stored(self.missing).messages()

    def title(self) -> str:
        """A short title with the case reference and no personal data (email subject, calendar)."""
        ref = self.case.reference
        if self.kind == SubjectKind.SUPPLEMENT:
            assert self.supplement is not None  # a supplement's Item carries it
            return _("%(ref)s: supplement (補正) round %(round)d due") % {
                "ref": ref,
                "round": self.supplement.round,
            }
        if self.kind == SubjectKind.OBLIGATION:
            assert self.obligation is not None  # an obligation's Item carries it
            return _("%(ref)s: %(what)s") % {"ref": ref, "what": self.obligation.get_kind_display()}
        if self.kind == SubjectKind.EXTENSION:
            return _("%(ref)s: card expires; apply for the extension (延期) before") % {"ref": ref}
        return _("%(ref)s: passport validity falls under 6 months (護照效期不足六個月)") % {
            "ref": ref
        }

    def detail(self) -> str:
        """One more line of context for the email (the recipient may see the case)."""
        if self.kind == SubjectKind.SUPPLEMENT:
            assert self.supplement is not None  # a supplement's Item carries it
            # The enum's label, not get_requesting_body_display(): that hashes every lazy choice
            # label on each call, the costliest step of a digest line.
            try:
                body = str(RequestingBody(self.supplement.requesting_body).label)
            except ValueError:
                body = self.supplement.requesting_body
            number = self.case.application_number or "—"
            return _("Requested by %(body)s; application number (申請案號) %(number)s") % {
                "body": body,
                "number": number,
            }
        if self.kind == SubjectKind.EXTENSION:
            opens = self.due_on - EXTENSION_WINDOW
            return _("The extension window opened on %(opens)s; the card is valid to %(to)s.") % {
                "opens": opens.isoformat(),
                "to": self.due_on.isoformat(),
            }
        if self.kind == SubjectKind.PASSPORT:
            return _("The passport expires on %(expiry)s: renew it and update the case.") % {
                "expiry": self.case.applicant.passport_expiry.isoformat()
                if self.case.applicant.passport_expiry
                else "—"
            }
        assert self.obligation is not None  # what is left: an obligation's Item
        return _("Counted from %(start)s (%(rule)s).") % {
            "start": self.obligation.starts_on.isoformat(),
            "rule": self.obligation.rule,
        }


# The columns an Item of a supplement is built from and its readers use (titles, details, what is
# missing, tenancy): delivery loads thousands per batch, and the rest of the three rows would be a
# third of that time.
SUPPLEMENT_ITEM_FIELDS = (
    "id",
    "deadline",
    "state",
    "round",
    "requesting_body",
    "missing",
    *TENANCY_CASE_FIELDS,
    "case__application_number",
    "case__applicant__passport_expiry",
)


def _supplement_items(ids: list[int]) -> dict[int, Item]:
    waits = supplement_waits_on(ids)
    items = {}
    query = (
        SupplementRequest.objects.filter(pk__in=ids)
        .select_related("case", "case__applicant")
        .only(*SUPPLEMENT_ITEM_FIELDS)
        .annotate(employer_left=employer_left_annotation())
    )
    for s in query:
        remember_employer_left(s.case, getattr(s, "employer_left"))  # noqa: B009 (annotated)
        items[s.pk] = Item(
            kind=SubjectKind.SUPPLEMENT,
            subject_id=s.pk,
            case=s.case,
            due_on=s.deadline,
            current=s.is_editable,
            supplement=s,
            waits_on=waits.get(s.pk, (AGENCY,)),
            missing=list(s.missing),
        )
    return items


def _obligation_items(ids: list[int]) -> dict[int, Item]:
    return {
        o.pk: Item(
            kind=SubjectKind.OBLIGATION,
            subject_id=o.pk,
            case=o.case,
            due_on=o.due_on,
            current=o.is_open,
            obligation=o,
            waits_on=OBLIGATION_WAITS_ON.get(o.kind, (AGENCY,)),
        )
        for o in Obligation.objects.filter(pk__in=ids).select_related("case", "case__applicant")
    }


def _extension_items(ids: list[int]) -> dict[int, Item]:
    open_ids = set(extension_cases().filter(pk__in=ids).values_list("pk", flat=True))
    items = {}
    for case in Case.objects.filter(pk__in=ids).select_related("applicant"):
        if case.card_valid_to is None:
            continue  # the card's date was cleared since: no deadline left to tell of
        items[case.pk] = Item(
            kind=SubjectKind.EXTENSION,
            subject_id=case.pk,
            case=case,
            due_on=case.card_valid_to,
            current=case.pk in open_ids,
        )
    return items


def _passport_items(ids: list[int]) -> dict[int, Item]:
    cases = passport_cases(ids)
    items = {}
    for applicant in Applicant.objects.filter(pk__in=ids):
        case = cases.get(applicant.pk)
        if case is None or applicant.passport_expiry is None:
            continue
        items[applicant.pk] = Item(
            kind=SubjectKind.PASSPORT,
            subject_id=applicant.pk,
            case=case,
            due_on=passport_due_on(applicant.passport_expiry),
            current=True,
            waits_on=(APPLICANT,),
        )
    return items


LOADERS: dict[str, Callable[[list[int]], dict[int, Item]]] = {
    SubjectKind.SUPPLEMENT: _supplement_items,
    SubjectKind.OBLIGATION: _obligation_items,
    SubjectKind.EXTENSION: _extension_items,
    SubjectKind.PASSPORT: _passport_items,
}


def load_items(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Item]:
    """The subjects named by (kind, id), as they stand now; a vanished subject is left out."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, subject_id in set(keys):
        by_kind[kind].append(subject_id)
    loaded = {}
    for kind, ids in by_kind.items():
        for subject_id, item in LOADERS[kind](ids).items():
            loaded[(kind, subject_id)] = item
    return loaded
