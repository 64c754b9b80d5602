"""What the case page (/cases/<id>/) shows: its supplement rounds, status timeline, documents and
the history of changes (who and when), each in one query and honouring what the reader may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from cases import tenancy
from cases.models import (
    Case,
    CaseStatusChange,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from cases.tenancy import visible_documents


# --- Case page --------------------------------------------------------------------------------
def case_supplements(case: Case) -> list[SupplementRequest]:
    return list(
        case.supplements.select_related("assignee", "submitted_by")
        .annotate(
            comment_count=Count("comments", distinct=True),
            item_count=Count("items", distinct=True),
        )
        .order_by("round")
    )


def case_timeline(case: Case) -> list[CaseStatusChange]:
    return list(case.status_changes.select_related("recorded_by"))


def case_documents(user, case: Case) -> list[Document]:
    return list(
        visible_documents(user, case)
        .select_related("supplement", "uploaded_by", "item")
        .order_by("supplement__round", "position", "id")
    )


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: object
    what: str
    action: str
    fields: tuple[str, ...]


# Fields nobody outside the agency may see change (or learn of).
AGENCY_ONLY_FIELDS = frozenset({"internal_notes"})
SKIP_FIELDS = frozenset(
    {"updated_at", "version", "reply_version", "is_ready", "missing", "status_changed_at"}
)


def _history_entries(records, *, label: str, hidden: frozenset[str], keep=None) -> list[Change]:
    """Turn simple-history rows of one model into changes, diffing consecutive versions in memory
    (one query per model instead of simple-history's prev_record query per row)."""
    changes = []
    previous: dict[int, object] = {}
    model_fields = None
    for record in records:
        if model_fields is None:
            model_fields = [
                f
                for f in record.instance_type._meta.concrete_fields
                if f.name not in SKIP_FIELDS and f.name not in hidden
            ]
        before = previous.get(record.id)
        previous[record.id] = record
        if keep is not None and not keep(record):
            continue
        if record.history_type == "~" and before is not None:
            changed = tuple(
                str(f.verbose_name)
                for f in model_fields
                if getattr(record, f.attname, None) != getattr(before, f.attname, None)
            )
            if not changed:
                continue
        else:
            changed = ()
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                what=label,
                action=record.get_history_type_display(),
                fields=changed,
            )
        )
    return changes


def case_history(user, case: Case, *, limit: int = 200) -> list[Change]:
    """Who changed what on the case and its supplements, newest first (simple-history records)."""
    agency = tenancy.can_see_internal_notes(user, case)
    hidden = frozenset() if agency else AGENCY_ONLY_FIELDS
    supplement_ids = list(case.supplements.values_list("pk", flat=True))
    entries = _history_entries(
        Case.history.filter(id=case.pk).select_related("history_user").order_by("history_date"),
        label=_("Case"),
        hidden=hidden,
    )
    entries += _history_entries(
        SupplementRequest.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("history_date"),
        label=_("Supplement request (補正)"),
        hidden=hidden,
    )
    entries += _history_entries(
        ReviewerComment.history.filter(supplement_id__in=supplement_ids)
        .select_related("history_user")
        .order_by("history_date"),
        label=_("Reviewer's comment (審核意見)"),
        hidden=hidden,
    )
    entries += _history_entries(
        RequestedItem.history.filter(supplement_id__in=supplement_ids)
        .select_related("history_user")
        .order_by("history_date"),
        label=_("Requested item"),
        hidden=hidden,
    )
    visible_ids = set(visible_documents(user, case).values_list("pk", flat=True))
    entries += _history_entries(
        Document.history.filter(supplement_id__in=supplement_ids)
        .select_related("history_user")
        .order_by("history_date"),
        label=_("Document"),
        hidden=hidden,
        keep=None if agency else (lambda record: record.id in visible_ids),
    )
    entries.sort(key=lambda change: change.when, reverse=True)
    return entries[:limit]
