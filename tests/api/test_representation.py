"""The list's hand-written rendering of a supplement equals DRF's generic one, field for field;
the fast choice labels equal get_FOO_display()."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api import queries
from api.serializers.common import ChoiceLabelField
from api.serializers.supplements import SupplementSerializer
from cases import services
from cases.choices import CaseStatus, HoldingBody
from cases.clock import taipei_today
from cases.models import Case


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
    rows = queries.supplement_rows(list(ids))
    context = {"request": request, "today": today}

    fast = [SupplementSerializer(row, context=context).data for row in rows]
    generic = [
        serializers.ModelSerializer.to_representation(SupplementSerializer(context=context), row)
        for row in rows
    ]

    assert [row.state for row in rows] == ["open", "open", "submitted"]
    assert fast == generic
    assert [list(row) for row in fast] == [list(row) for row in generic]  # same key order too


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
