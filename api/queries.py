"""The querysets the API lists and shows, through the tenancy rule, with what they render
preloaded in a fixed number of queries (lists never query per row)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases import services
from cases.choices import SupplementState
from cases.documents.upload_set import answered_by_document, uploaded_for
from cases.models import Case, RequestedItem, SupplementRequest
from cases.tenancy import (
    case_queryset,
    visible_cases,
    visible_comments,
    visible_documents,
    visible_items,
    visible_supplements,
)
from cases.tenancy.scope import (
    EMPLOYER_LEFT,
    employer_left_annotation,
    remember_employer_left,
    scope_for,
)


def _items(*, fields: tuple[str, ...] = ()) -> Prefetch:
    """Requested items, each marked with whether an approved document answers it and whether a
    (not rejected) one does: what readiness needs to tell whom a supplement waits on, in one
    query for the whole page."""
    queryset = RequestedItem.objects.annotate(
        has_approved_document=answered_by_document(), has_live_document=uploaded_for()
    )
    if fields:
        queryset = queryset.only(*fields)
    return Prefetch("items", queryset=queryset)


def _with_employer_left(queryset: QuerySet, user, prefix: str) -> QuerySet:
    """For an employer's people, whether each row's applicant has left the employer, in the same
    query: the tenancy rule (`left_employer`, which decides what they may see of a case) would
    otherwise ask once per row. Rows under a case hand it over with `remember_employer_left`."""
    if not scope_for(user).employer_ids:
        return queryset  # nobody on an employer's side: the rule never asks
    return queryset.annotate(**{EMPLOYER_LEFT: employer_left_annotation(prefix)})


def _triage(queryset: QuerySet[SupplementRequest], today: dt.date) -> QuerySet:
    closed = models.Case(
        models.When(state=SupplementState.OPEN, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    return queryset.with_triage(today).annotate(closed=closed)


TRIAGE_ORDER = ("closed", "triage_bucket", "deadline", "id")


def supplement_list(user, *, today: dt.date) -> QuerySet[SupplementRequest]:
    """Supplements the user may see in triage order: open ones first, overdue, then not ready,
    each by the closest deadline; then the submitted and withdrawn ones. Filters narrow it;
    `supplement_page_ids` and `supplement_rows` turn it into a page.

    Scoped as "on a case the user may see" (the same tenancy rule, `visible_cases`, as one
    sub-select): PostgreSQL then hashes the cases once instead of joining case and applicant
    onto every supplement before sorting (about twice as fast with 40,000 supplements,
    benchmarks/api_list.py)."""
    scoped = SupplementRequest.objects.filter(case__in=visible_cases(user))
    return _triage(scoped, today).order_by(*TRIAGE_ORDER)


def supplement_page_ids(filtered: QuerySet[SupplementRequest]) -> QuerySet:
    """The filtered supplements' ids in their order: the page is chosen on narrow rows, and only
    its 50 are loaded in full (`supplement_rows`)."""
    return filtered.values_list("pk", flat=True)


class PageSource:
    """What the paginator slices (the cheap ordered ids) and counts (the filtered rows, counted
    directly: cheaper than counting through the id sub-select)."""

    ordered = True

    def __init__(self, *, ids: QuerySet, filtered: QuerySet) -> None:
        self.ids, self.filtered = ids, filtered

    def count(self) -> int:
        return self.filtered.count()

    def __getitem__(self, index):
        return self.ids[index]

    def __len__(self) -> int:
        return self.count()


# The columns of related rows that the lists render (the summaries in api.serializers.common),
# with what the tenancy rule reads (the applicant's user): a page of 50 supplements is 250 rows
# of five tables, and each column not loaded is one not sent, parsed or stored.
_ORGANIZATION_COLUMNS = ("id", "kind", "name", "name_zh")
_APPLICANT_COLUMNS = (
    "user",
    "family_name_en",
    "given_name_en",
    "name_zh",
    "passport_number",
    "nationality",
)
_CASE_COLUMNS = (
    "applicant",
    "agency",
    "employer",
    "kind",
    "channel",
    "status",
    "application_number",
)


def case_list(user) -> QuerySet[Case]:
    """The cases the user may see, newest change first, with the related rows' columns the list
    shows (CaseSerializer) and no more."""
    return (
        _with_employer_left(case_queryset(user), user, prefix="")
        .only(
            *(f.name for f in Case._meta.concrete_fields),
            *(f"applicant__{name}" for name in _APPLICANT_COLUMNS),
            *(f"agency__{name}" for name in _ORGANIZATION_COLUMNS),
            *(f"employer__{name}" for name in _ORGANIZATION_COLUMNS),
            *(f"field__{name}" for name in ("code", "name_en", "name_zh", "authority_code")),
        )
        .order_by("-updated_at", "-id")
    )


_LIST_COLUMNS = (
    *(f.name for f in SupplementRequest._meta.concrete_fields if f.name != "reply"),
    *(f"case__{name}" for name in _CASE_COLUMNS),
    *(f"case__applicant__{name}" for name in _APPLICANT_COLUMNS),
    *(f"case__agency__{name}" for name in _ORGANIZATION_COLUMNS),
    *(f"case__employer__{name}" for name in _ORGANIZATION_COLUMNS),
    *(f"assignee__{name}" for name in ("username", "first_name", "last_name")),
)


_DETAIL_COLUMNS = (
    *_LIST_COLUMNS,
    "reply",
    *(f"submitted_by__{name}" for name in ("username", "first_name", "last_name")),
)


def supplement_rows(user, ids) -> list[SupplementRequest]:
    """The page's supplements with what the list shows, in the order of `ids`."""
    rows = _with_employer_left(
        SupplementRequest.objects.filter(pk__in=list(ids))
        .select_related("case__applicant", "case__agency", "case__employer", "assignee")
        .only(*_LIST_COLUMNS)  # not the reply, nor what the list does not show of the rest
        .prefetch_related(
            _items(fields=("id", "supplement_id", "kind", "state", "waits_on", "description"))
        ),
        user,
        prefix="case__",
    )
    position = {pk: index for index, pk in enumerate(ids)}
    rows = sorted(rows, key=lambda row: position[row.pk])
    for row in rows:
        remember_employer_left(row.case, getattr(row, EMPLOYER_LEFT, None))
    return rows


def supplement_detail(user, supplement_id: int) -> SupplementRequest:
    """The supplement with what the detail shows, through the tenancy rule (404 alike for "does
    not exist" and "not yours"): one fetch, so a read does not look it up twice."""
    try:
        supplement = (
            _with_employer_left(visible_supplements(user), user, prefix="case__")
            .select_related(
                "case__applicant", "case__agency", "case__employer", "assignee", "submitted_by"
            )
            .only(*_DETAIL_COLUMNS)
            .prefetch_related(_items())
            .get(pk=supplement_id)
        )
    except (SupplementRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such supplement request.")) from exc
    remember_employer_left(supplement.case, getattr(supplement, EMPLOYER_LEFT, None))
    supplement.detail_comments = list(supplement.comments.select_related("resolved_by"))
    supplement.detail_items = list(supplement.items.all())
    supplement.detail_documents = list(
        visible_documents(user, supplement.case)
        .filter(supplement=supplement)
        .select_related("uploaded_by")
    )
    supplement.detail_computation = services.propose_deadline(
        notice_date=supplement.notice_date, rule=supplement.rule
    )
    return supplement


def comments_of(user, supplement: SupplementRequest):
    return visible_comments(user).filter(supplement=supplement).select_related("resolved_by")


def items_of(user, supplement: SupplementRequest):
    return visible_items(user).filter(supplement=supplement)


def documents_of(user, supplement: SupplementRequest):
    return (
        visible_documents(user, supplement.case)
        .filter(supplement=supplement)
        .select_related("uploaded_by")
    )
