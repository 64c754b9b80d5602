"""The list's hand-written rendering of a supplement equals DRF's generic one, field for field."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api import queries
from api.serializers.supplements import SupplementSerializer
from cases import services
from cases.clock import taipei_today


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
