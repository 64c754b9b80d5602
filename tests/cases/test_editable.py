"""The editable fields are declared once (cases.editable): the services accept them, and the API
serializers and page forms that spell their fields out (for labels and help texts) offer exactly
them, so a field added in one place and forgotten in another fails here."""

from __future__ import annotations

import inspect

import pytest

from api.serializers.cases import CaseWriteSerializer
from api.serializers.supplements import (
    CommentResolveSerializer,
    ItemUpdateSerializer,
    SupplementUpdateSerializer,
)
from cases import services
from cases.editable import (
    CASE_EDITABLE_FIELDS,
    COMMENT_RESOLUTION_FIELDS,
    ITEM_EDITABLE_FIELDS,
    SUPPLEMENT_EDITABLE_FIELDS,
)
from cases.errors import InvalidInput
from web.forms import AssignForm, ItemStateForm, ReplyForm, ResolveForm


def keywords(function) -> set[str]:
    return set(inspect.signature(function).parameters)


def test_the_case_serializer_offers_what_case_update_accepts():
    assert list(CaseWriteSerializer().fields) == list(CASE_EDITABLE_FIELDS)


@pytest.mark.django_db
def test_case_update_refuses_a_field_not_declared_editable(world):
    with pytest.raises(InvalidInput) as refused:
        services.case_update(case=world.acme_case, actor=world.agency_staff, channel="self")
    assert refused.value.params["field"] == "channel"


def test_supplement_update_fields():
    versions = {"version", "reply_version"}
    assert set(SupplementUpdateSerializer().fields) - versions == set(SUPPLEMENT_EDITABLE_FIELDS)
    forms = set(ReplyForm.base_fields) | set(AssignForm.base_fields)
    assert forms - {"expected_version"} == set(SUPPLEMENT_EDITABLE_FIELDS)
    assert set(SUPPLEMENT_EDITABLE_FIELDS) <= keywords(services.supplement_update)


def test_comment_resolution_fields():
    # Beside the fields, the version the person read (refused only if this comment changed).
    assert set(CommentResolveSerializer().fields) - {"version"} == set(COMMENT_RESOLUTION_FIELDS)
    assert set(ResolveForm.base_fields) - {"expected_version"} == set(COMMENT_RESOLUTION_FIELDS)
    assert set(COMMENT_RESOLUTION_FIELDS) <= keywords(services.comment_resolve)


def test_item_fields():
    assert set(ItemUpdateSerializer().fields) - {"version"} == set(ITEM_EDITABLE_FIELDS)
    assert set(ItemStateForm.base_fields) - {"expected_version"} == set(ITEM_EDITABLE_FIELDS)
    assert set(ITEM_EDITABLE_FIELDS) <= keywords(services.item_set_state)
