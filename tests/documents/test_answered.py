""" "An item is answered by a document" is one rule (cases.documents.upload_set.ANSWERS: an
approved document): the lists' SQL (pending_items), the readiness facts, the stored verdict and
the item's stored state must agree on it, through an upload, a rejection and an approval."""

from __future__ import annotations

import pytest

from cases import services
from cases.choices import ItemKind
from cases.documents.upload_set import answered_by_document, answered_item_ids, answers
from cases.models import Document, RequestedItem
from cases.selectors import pending_items
from tests.documents import files

pytestmark = pytest.mark.django_db


def verdicts(supplement, item) -> dict[str, bool]:
    """Whether the item counts as answered, asked every way the code asks it."""
    supplement.refresh_from_db()
    [fact] = [
        f for f in services.supplement_facts(supplement).items if f.description == item.description
    ]
    return {
        "expression": RequestedItem.objects.annotate(answered=answered_by_document())
        .get(pk=item.pk)
        .answered,
        "ids": item.pk in answered_item_ids(supplement),
        "loaded rows": any(answers(document) for document in Document.objects.filter(item=item)),
        "stored state": RequestedItem.objects.get(pk=item.pk).state == "done",
        "list": not pending_items(RequestedItem.objects.filter(pk=item.pk)).exists(),
        "facts": fact.done,
        "readiness": not any(
            entry["params"].get("item") == item.description for entry in supplement.missing
        ),
    }


def test_rejected_documents_answer_nothing_and_approved_ones_do_everywhere(world, open_supplement):
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Employment certificate",
    )
    assert set(verdicts(open_supplement, item).values()) == {False}

    document = services.document_add(
        supplement=open_supplement,
        actor=world.hr_acme,
        data=files.small_pdf(),
        name="cert.pdf",
        item=item,
    )
    # Sent, not approved: not answered yet anywhere (it waits on the review).
    assert set(verdicts(open_supplement, item).values()) == {False}
    document = services.document_approve(document=document, actor=world.agency_staff)
    assert set(verdicts(open_supplement, item).values()) == {True}

    document = services.document_reject(
        document=document, actor=world.agency_staff, reason="Not signed"
    )
    assert set(verdicts(open_supplement, item).values()) == {False}

    services.document_approve(document=document, actor=world.agency_staff)
    assert set(verdicts(open_supplement, item).values()) == {True}

    services.document_remove(document=document, actor=world.agency_staff)
    assert set(verdicts(open_supplement, item).values()) == {False}
