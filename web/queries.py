"""Reads the pages need, always through the tenancy rule (cases.tenancy), each in a fixed number of
queries however long the list: lists preload what they show, and per-row facts (whom a supplement
waits on) come from one extra query for the whole page."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Applicant, Invitation, Profile
from accounts.preferences import applicant_zone
from cases import clock, services, tenancy
from cases.choices import (
    TAB_ORDER,
    DocumentReview,
    Party,
    PlatformTab,
    SupplementState,
)
from cases.deadlines import TAIPEI
from cases.documents.upload_set import counts, item_answers
from cases.models import (
    Case,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from cases.readiness import Readiness, waiting_on
from cases.selectors import (
    items_to_supply,
    supplements_needing_attention,
    taipei_today,
    waiting_on_map,
)
from cases.tenancy import (
    party_for,
    scope_for,
    visible_cases,
    visible_documents,
    visible_supplements,
)


# --- Who is looking ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    """Which pages a user has: agency dashboard, HR portal, applicant view (several may hold)."""

    is_agency: bool
    is_agency_admin: bool
    is_employer: bool
    is_applicant: bool
    is_superuser: bool

    @property
    def home(self) -> str:
        if self.is_agency or self.is_superuser:
            return "web:dashboard"
        if self.is_employer:
            return "web:hr"
        if self.is_applicant:
            return "web:applicant"
        return "web:nothing"


def persona_for(user) -> Persona:
    cached = getattr(user, "_tracker_persona", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    persona = Persona(
        is_agency=bool(scope.agency_ids),
        is_agency_admin=bool(scope.agency_admin_ids) or scope.is_superuser,
        is_employer=bool(scope.employer_ids),
        is_applicant=Applicant.objects.filter(user_id=user.pk).exists(),
        is_superuser=scope.is_superuser,
    )
    user._tracker_persona = persona
    return persona


# --- Per-row facts for lists ------------------------------------------------------------------
# The four conditions of "ready" (domain.md), for the meter beside each row.
READINESS_PARTS = {
    "comment_unresolved": "comments",
    "document_missing": "items",
    "correction_pending": "items",
    "too_many_files": "upload_set",
    "file_too_large": "upload_set",
    "file_encrypted": "upload_set",
    "file_type": "upload_set",
    "reply_empty": "reply",
}


@dataclass(frozen=True)
class Meter:
    done: int
    total: int = 4

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)


def readiness_meter(readiness: Readiness) -> Meter:
    failing = {READINESS_PARTS.get(item.code, item.code) for item in readiness.missing}
    return Meter(done=max(0, 4 - len(failing)))


@dataclass
class Row:
    """One supplement as a list shows it."""

    supplement: SupplementRequest
    days_left: int
    readiness: Readiness
    meter: Meter
    waits_on: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and self.supplement.state == SupplementState.OPEN


def rows_for(supplements: Sequence[SupplementRequest], today: dt.date) -> list[Row]:
    waits = waiting_on_map(s.pk for s in supplements)
    rows = []
    for supplement in supplements:
        readiness = Readiness.from_stored(supplement.missing)
        rows.append(
            Row(
                supplement=supplement,
                days_left=clock.days_left(supplement.deadline, today),
                readiness=readiness,
                meter=readiness_meter(readiness),
                waits_on=waits.get(supplement.pk, []),
            )
        )
    return rows


# --- Agency dashboard --------------------------------------------------------------------------
def dashboard_queryset(*, user, today: dt.date | None = None) -> QuerySet[SupplementRequest]:
    return supplements_needing_attention(user=user, today=today or taipei_today())


# The dashboard's "Needs attention" panel: the admin's attention list, its first rows.
ATTENTION_PANEL_SIZE = 10


@dataclass
class AttentionPanel:
    rows: list[Row]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def attention_panel(*, user, today: dt.date) -> AttentionPanel:
    queryset = supplements_needing_attention(user=user, today=today)
    first = list(queryset[:ATTENTION_PANEL_SIZE])
    return AttentionPanel(rows=rows_for(first, today), total=queryset.count())


def deadlines_between(
    supplements: QuerySet[SupplementRequest], first: dt.date, last: dt.date
) -> dict[dt.date, list[SupplementRequest]]:
    by_day: dict[dt.date, list[SupplementRequest]] = defaultdict(list)
    for supplement in supplements.filter(deadline__range=(first, last)).order_by("deadline", "id"):
        by_day[supplement.deadline].append(supplement)
    return by_day


# --- The workspace and the filing sheet -------------------------------------------------------
@dataclass
class TabView:
    tab: str
    label: str
    comments: list[ReviewerComment]

    @property
    def unresolved(self) -> int:
        return sum(1 for comment in self.comments if comment.resolved_at is None)


@dataclass
class Workspace:
    supplement: SupplementRequest
    party: str
    # What the user may do here, from the checks the services call (cases.tenancy.checks): the
    # templates read these and decide nothing themselves.
    can_manage: bool
    can_upload: bool
    can_assign: bool
    can_pack: bool
    tabs: list[TabView]
    items: list[RequestedItem]
    documents: list[Document]
    readiness: Readiness
    waits_on: list[str]
    days_left: int

    @property
    def readiness_meter(self) -> Meter:
        return readiness_meter(self.readiness)

    @property
    def editable(self) -> bool:
        return self.can_manage and self.supplement.state == SupplementState.OPEN

    @property
    def document_actions(self) -> bool:
        """Whether any document row offers an action (the Actions column)."""
        return any(d.can_remove or d.review_actions for d in self.documents) or (
            self.editable and len(self.documents) > 1
        )

    @property
    def items_done(self) -> list[RequestedItem]:
        return [item for item in self.items if not item.is_pending]

    @property
    def items_left(self) -> list[RequestedItem]:
        return [item for item in self.items if item.is_pending]

    @property
    def upload_set(self) -> list[Document]:
        """The files that would be uploaded: every document not rejected, in their order."""
        return [d for d in self.documents if counts(d)]


# The review form's choices and the state each one moves a document to.
REVIEW_ACTIONS = (
    ("approve", DocumentReview.APPROVED),
    ("check", DocumentReview.CHECKED),
    ("reject", DocumentReview.REJECTED),
)


def workspace_for(
    *, user, supplement: SupplementRequest, today: dt.date | None = None
) -> Workspace:
    """Everything the workspace and the sheet show, honouring document visibility, in 4 queries."""
    case = supplement.case
    party = party_for(user, case)
    comments = list(supplement.comments.select_related("resolved_by"))
    comments.sort(key=lambda comment: (TAB_ORDER[comment.tab], comment.position, comment.pk))
    tabs = [
        TabView(tab=tab, label=str(label), comments=[c for c in comments if c.tab == tab])
        for tab, label in PlatformTab.choices
    ]
    documents = list(
        visible_documents(user, case)
        .filter(supplement=supplement)
        .select_related("uploaded_by")
        .order_by("position", "id")
    )
    items = list(supplement.items.select_related("comment").order_by("position", "id"))
    by_item: dict[int, list[Document]] = defaultdict(list)
    for document in documents:
        if document.item_id:
            by_item[document.item_id].append(document)
    approved, uploaded = item_answers(supplement)
    facts = services.item_facts(items, approved, uploaded)  # the readiness rule, once
    for item, fact in zip(items, facts, strict=True):
        item.visible_documents = by_item.get(item.pk, [])
        item.is_pending = not fact.done
        # Sent, waiting for the review: nothing more to send (cases.readiness.waits_on).
        item.awaiting_review = item.is_pending and fact.is_document and fact.has_document
    readiness = Readiness.from_stored(supplement.missing)
    # Readiness names files: none this reader may not see (cases.tenancy.visibility).
    readiness = readiness.seen_with(tenancy.allowed_visibilities(user, case))
    open_ = supplement.state == SupplementState.OPEN
    for document in documents:
        document.can_remove = open_ and tenancy.can_remove_document(user, document, case)
        document.page_numbers = range(1, (document.pages or 1) + 1)  # the turn's page choice
        document.review_actions = (
            [a for a, target in REVIEW_ACTIONS if tenancy.can_review_document(user, case, target)]
            if open_
            else []
        )
    return Workspace(
        supplement=supplement,
        party=party,
        can_manage=tenancy.can_manage_supplement(user, case),
        can_upload=tenancy.can_upload(user, case),
        can_assign=tenancy.can_assign(user, case),
        can_pack=tenancy.can_pack(user, case),
        tabs=tabs,
        items=items,
        documents=documents,
        readiness=readiness,
        waits_on=waiting_on(facts),
        days_left=clock.days_left(supplement.deadline, today),
    )


# --- Deadlines in the reader's own time zone --------------------------------------------------
@dataclass(frozen=True)
class DeadlineTimes:
    """The last moment to file: 23:59 on the last day in Taipei, and the same instant elsewhere."""

    taipei: dt.datetime
    local: dt.datetime | None
    zone: str

    @property
    def differs(self) -> bool:
        return self.local is not None and self.zone != "Asia/Taipei"


def zone_for(user, applicant: Applicant | None = None) -> str:
    """The reader's time zone: their own setting, else the one the agency recorded for them."""
    profile = Profile.objects.filter(user_id=user.pk).only("time_zone").first()
    own = profile.time_zone if profile is not None else None
    if applicant is None:
        return own or "Asia/Taipei"
    return applicant_zone(own, applicant.time_zone)


def deadline_times(deadline: dt.date, zone: str) -> DeadlineTimes:
    taipei = dt.datetime.combine(deadline, dt.time(23, 59), tzinfo=TAIPEI)
    try:
        local = taipei.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = None
    return DeadlineTimes(taipei=taipei, local=local, zone=zone)


# --- HR portal and applicant view ------------------------------------------------------------
def open_supplements_prefetch() -> Prefetch:
    return Prefetch(
        "supplements",
        queryset=SupplementRequest.objects.open().order_by("deadline", "id"),
        to_attr="open_supplements",
    )


def employer_cases(user) -> QuerySet[Case]:
    """The user's employers' employees' cases, across every agency working them."""
    scope = scope_for(user)
    return (
        visible_cases(user)
        .filter(employer_id__in=scope.employer_ids)
        .select_related("applicant", "agency", "employer", "field")
        .prefetch_related(open_supplements_prefetch())
        .order_by("applicant__family_name_en", "applicant__given_name_en", "-created_at")
    )


def items_waiting_on(user, party: str, *, cases: QuerySet[Case] | None = None):
    """Outstanding items of open supplements that wait on `party`, for the cases given."""
    supplements = visible_supplements(user).open()
    if cases is not None:
        supplements = supplements.filter(case__in=cases)
    return (
        items_to_supply(RequestedItem.objects.filter(supplement__in=supplements, waits_on=party))
        .select_related(
            "supplement",
            "supplement__case",
            "supplement__case__applicant",
            "supplement__case__agency",
            "supplement__case__employer",
        )
        .order_by("supplement__deadline", "supplement_id", "position", "id")
    )


def employer_items(user):
    scope = scope_for(user)
    return items_waiting_on(
        user, Party.EMPLOYER, cases=visible_cases(user).filter(employer_id__in=scope.employer_ids)
    )


def applicant_cases(user) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .filter(applicant__user_id=user.pk)
        .select_related("applicant", "agency", "employer", "field")
        .prefetch_related(open_supplements_prefetch())
        .order_by("-created_at")
    )


def applicant_items(user):
    return items_waiting_on(
        user, Party.APPLICANT, cases=visible_cases(user).filter(applicant__user_id=user.pk)
    )


# --- Invitations ------------------------------------------------------------------------------
def recent_invitations(user, *, limit: int = 50) -> list[Invitation]:
    return list(
        Invitation.objects.filter(invited_by_id=user.pk)
        .select_related("organization", "applicant", "accepted_by")
        .order_by("-created_at")[:limit]
    )


REFERENCE = re.compile(r"^GC-?0*(\d+)$", re.IGNORECASE)


def case_text_filter(text: str, prefix: str = "") -> Q:
    """What a person types to find a case: an application number (申請案號), a GC- reference,
    a name (English or Chinese) or a passport number. `prefix` reaches the case ("case__")."""
    condition = (
        Q(**{f"{prefix}application_number__startswith": text})
        | Q(**{f"{prefix}applicant__family_name_en__icontains": text})
        | Q(**{f"{prefix}applicant__given_name_en__icontains": text})
        | Q(**{f"{prefix}applicant__name_zh__icontains": text})
        | Q(**{f"{prefix}applicant__passport_number__iexact": text})
    )
    if match := REFERENCE.match(text):
        condition |= Q(**{f"{prefix}pk" if prefix else "pk": int(match.group(1))})
    return condition


def find_cases(user, text: str, *, limit: int = 50) -> list[Case]:
    """Cases the user sees matching what they typed (case_text_filter)."""
    text = text.strip()
    if not text:
        return []
    return list(
        visible_cases(user)
        .filter(case_text_filter(text))
        .select_related("applicant", "agency", "employer")
        .order_by("-created_at")[:limit]
    )
