"""The hand-written renderings (a supplement in the list and in detail, its comments, items and
documents) equal DRF's generic ones, field for field and in the same order; the fast choice labels
equal get_FOO_display()."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api import queries
from api.serializers.cases import CaseSerializer
from api.serializers.common import ChoiceLabelField
from api.serializers.supplements import (
    CommentSerializer,
    DeadlineComputationSerializer,
    DocumentSerializer,
    ItemSerializer,
    SupplementDetailSerializer,
    SupplementSerializer,
    deadline_computation,
)
from cases import services
from cases.choices import CaseStatus, HoldingBody
from cases.clock import taipei_today
from cases.models import Case
from cases.tenancy import can_see_internal_notes
from tests.cases.files import pdf_bytes


def test_fast_rendering_matches_drf(world, open_supplement, supplements):
    services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind="document",
        description="Passport",
        waits_on="employer",
    )
    services.supplement_update(
        supplement=open_supplement, actor=world.agency_staff, assignee=world.agency_admin
    )
    services.supplement_submit(
        supplement=supplements["globex"], actor=world.agency_staff, force=True
    )
    request = APIRequestFactory().get("/api/v1/supplements/")
    request.user = world.agency_staff
    today = taipei_today()
    ids = queries.supplement_page_ids(queries.supplement_list(world.agency_staff, today=today))
    rows = queries.supplement_rows(world.agency_staff, list(ids))
    context = {"request": request, "today": today}

    fast = [SupplementSerializer(row, context=context).data for row in rows]
    generic = [
        serializers.ModelSerializer.to_representation(SupplementSerializer(context=context), row)
        for row in rows
    ]

    assert [row.state for row in rows] == ["open", "open", "submitted"]
    assert fast == generic
    assert [list(row) for row in fast] == [list(row) for row in generic]  # same key order too


def _generic(serializer_class, instance, context):
    return serializers.ModelSerializer.to_representation(
        serializer_class(context=context), instance
    )


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_fast_detail_matches_drf(world, open_supplement, language):
    staff = world.agency_staff
    comment = services.comment_add(
        supplement=open_supplement, actor=staff, tab="upload", text="Passport copy unreadable"
    )
    services.comment_add(
        supplement=open_supplement, actor=staff, tab="basic", text="Name", field_label="Name"
    )
    services.comment_resolve(
        comment=comment, actor=staff, resolution="New scan", corrected_value="-"
    )
    item = services.item_add(
        supplement=open_supplement,
        actor=staff,
        kind="document",
        description="Passport",
        waits_on="applicant",
    )
    services.document_add(
        supplement=open_supplement,
        actor=world.applicant_user,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    services.supplement_update(supplement=open_supplement, actor=staff, reply="See attached.")
    request = APIRequestFactory().get(f"/api/v1/supplements/{open_supplement.pk}/")
    request.user = staff
    context = {"request": request, "today": taipei_today()}
    with translation.override(language):
        detail = queries.supplement_detail(staff, open_supplement.pk)
        fast = SupplementDetailSerializer(detail, context=context).data
        # The top level generically (its nested lists through the fast children, checked
        # one by one below).
        generic = _generic(SupplementDetailSerializer, detail, context)
        computation = DeadlineComputationSerializer(
            deadline_computation(detail.detail_computation)
        ).data

    assert [len(fast[part]) for part in ("comments", "items", "documents")] == [2, 1, 1]
    assert fast["comments"][0]["resolved"] is True
    assert fast["comments"][0]["resolved_by"]
    assert fast["documents"][0]["uploaded_by"]["username"] == world.applicant_user.username
    assert fast == generic
    assert list(fast) == list(generic)
    assert fast["deadline_computation"] == computation
    assert list(fast["deadline_computation"]) == list(computation)
    for serializer_class, rows in [
        (CommentSerializer, detail.detail_comments),
        (ItemSerializer, detail.detail_items),
        (DocumentSerializer, detail.detail_documents),
    ]:
        for row in rows:
            quick = serializer_class(row, context=context).data
            slow = _generic(serializer_class, row, context)
            assert quick == slow, serializer_class.__name__
            assert list(quick) == list(slow), serializer_class.__name__


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_fast_case_rendering_matches_drf(world, language):
    from cases.models import FieldOfExpertise

    Case.objects.filter(pk=world.acme_case.pk).update(
        internal_notes="Call HR first",
        field=FieldOfExpertise.objects.order_by("pk").first(),
        previous_case=world.globex_case,
        holding_body="nia",
        validity_years=3,
    )
    for user in (world.agency_staff, world.hr_acme):  # notes: the agency's only
        request = APIRequestFactory().get("/api/v1/cases/")
        request.user = user
        context = {"request": request}
        with translation.override(language):
            cases = list(
                Case.objects.select_related("applicant", "agency", "employer", "field").order_by(
                    "pk"
                )
            )
            fast = [CaseSerializer(case, context=context).data for case in cases]
            generic = []
            for case in cases:
                data = _generic(CaseSerializer, case, context)
                if not can_see_internal_notes(user, case):  # the rule, not what is tested here
                    data.pop("internal_notes")
                generic.append(data)
        assert fast == generic
        assert [list(row) for row in fast] == [list(row) for row in generic]
        notes = [row.get("internal_notes") for row in fast if row["id"] == world.acme_case.pk]
        assert notes == (["Call HR first"] if user == world.agency_staff else [None])
    assert any(row["field"] and row["previous_case"] for row in fast)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_choice_labels_match_get_display(language):
    # The labels the case serializers show without get_FOO_display() (too slow over a page):
    # the same text for every code, a blank one and an unknown one, in both languages.
    status = ChoiceLabelField(CaseStatus, source="status")
    holding = ChoiceLabelField(HoldingBody, source="holding_body")
    with translation.override(language):
        for code in [*CaseStatus.values, "retired-code"]:
            case = Case(status=code)
            assert status.to_representation(case.status) == str(case.get_status_display())
        for code in [*HoldingBody.values, "", "retired-code"]:
            case = Case(holding_body=code)
            assert holding.to_representation(case.holding_body) == str(
                case.get_holding_body_display()
            )
