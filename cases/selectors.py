"""Reads that several callers share (admin, API, pages), always through the tenancy rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from cases.choices import ItemKind, ItemState
from cases.clock import taipei_today
from cases.documents.upload_set import answered_by_document, uploaded_for
from cases.models import RequestedItem
from cases.readiness import ItemFact, waiting_on
from cases.tenancy import visible_supplements


def supplements_needing_attention(*, user, today: dt.date | None = None) -> QuerySet:
    """Open supplements the user may see, in triage order, with what lists show preloaded."""
    today = today or taipei_today()
    return (
        visible_supplements(user)
        .open()
        .with_triage(today)
        .select_related(
            "case",
            "case__applicant",
            "case__employer",
            "case__agency",
            "case__field",
            "assignee",
        )
    )


# --- What is still pending, for lists and the alert sweep (the readiness rule, in SQL) --------
def pending_items(items: QuerySet[RequestedItem]) -> QuerySet[RequestedItem]:
    """Items still outstanding, by the same rule as cases.services.supplement_facts: a document is
    done once an approved file answers it, a correction once marked done (a linked one follows
    its comment); "not needed" is done. Each row says whether a document waits for review
    (`uploaded`)."""
    return (
        items.annotate(answered=answered_by_document(), uploaded=uploaded_for())
        .exclude(state=ItemState.NOT_NEEDED)
        .filter(
            Q(kind=ItemKind.DOCUMENT, answered=False)
            | (Q(kind=ItemKind.CORRECTION) & ~Q(state=ItemState.DONE))
        )
    )


def items_to_supply(items: QuerySet[RequestedItem]) -> QuerySet[RequestedItem]:
    """Pending items their party still has to do something about: a document already sent and
    waiting for review is the reviewer's (cases.readiness.waits_on), not theirs to send again."""
    return pending_items(items).exclude(Q(kind=ItemKind.DOCUMENT) & Q(uploaded=True))


def waiting_on_map(supplement_ids: Iterable[int]) -> dict[int, list[str]]:
    """Whom each supplement waits on (cases.readiness.waiting_on), in one query for the page."""
    ids = list(supplement_ids)
    pending: dict[int, list[ItemFact]] = defaultdict(list)
    fields = ("supplement_id", "waits_on", "kind", "uploaded")  # `uploaded`: pending_items'
    rows = pending_items(RequestedItem.objects.filter(supplement_id__in=ids)).values_list(*fields)
    for supplement_id, party, kind, uploaded in rows:
        pending[supplement_id].append(
            ItemFact(
                description="",
                is_document=kind == ItemKind.DOCUMENT,
                done=False,
                has_document=uploaded,
                waits_on=party,
            )
        )
    return {pk: waiting_on(pending.get(pk, [])) for pk in ids}
