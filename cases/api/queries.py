"""The querysets the API lists and shows, through the tenancy rule, with what they render
preloaded in a fixed number of queries (lists never query per row)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Prefetch, QuerySet

from cases import services
from cases.api.access import visible_comments, visible_items
from cases.choices import DocumentReview, SupplementState
from cases.models import Document, RequestedItem, SupplementRequest
from cases.tenancy import visible_documents, visible_supplements


def _live_documents() -> Prefetch:
    """Document ids per item (not rejected): enough to tell whom each supplement waits on."""
    return Prefetch(
        "documents",
        queryset=Document.objects.exclude(review_state=DocumentReview.REJECTED).only(
            "id", "supplement_id", "item_id"
        ),
        to_attr="live_documents",
    )


def _items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=RequestedItem.objects.only(
            "id", "supplement_id", "kind", "state", "waits_on", "description"
        ),
    )


def supplement_list(user, *, today: dt.date) -> QuerySet[SupplementRequest]:
    """Supplements the user may see in triage order: open ones first, overdue, then not ready,
    each by the closest deadline; then the submitted and withdrawn ones."""
    closed = models.Case(
        models.When(state=SupplementState.OPEN, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    return (
        visible_supplements(user)
        .with_triage(today)
        .annotate(closed=closed)
        .order_by("closed", "triage_bucket", "deadline", "id")
        .select_related("case__applicant", "case__agency", "case__employer", "assignee")
        .prefetch_related(_items(), _live_documents())
    )


def supplement_detail(user, supplement: SupplementRequest) -> SupplementRequest:
    """Load what the detail shows under a supplement fetched through `access_supplement`."""
    supplement = (
        SupplementRequest.objects.select_related(
            "case__applicant", "case__agency", "case__employer", "assignee", "submitted_by"
        )
        .prefetch_related("items", _live_documents())
        .get(pk=supplement.pk)
    )
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
