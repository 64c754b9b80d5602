"""Templates people reuse (issue 11 item 7): the default catalogue, adding an entry once, editing
by the agency's admins only, and filling a reply template's placeholders."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.choices import ItemKind, ItemState, Party
from cases.models import ItemTemplate, ReplyTemplate, RequestedItem
from cases.services.templates_catalogue import DEFAULT_ITEMS
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _entry(agency, name_en):
    return next(e for e in services.item_catalogue(agency) if e.name_en == name_en)


def test_a_new_agency_gets_the_default_catalogue_once():
    agency = AgencyFactory(name="New agency")

    first = services.item_catalogue(agency)
    again = services.item_catalogue(agency)

    assert [e.name_zh for e in first][:4] == ["護照資料頁", "照片", "在職證明", "薪資證明"]
    assert [e.pk for e in again] == [e.pk for e in first]
    assert ItemTemplate.objects.filter(agency=agency).count() == len(DEFAULT_ITEMS)
    names = {r.language for r in services.reply_templates(agency)}
    assert names == {"zh-hant", "en"}


def test_an_agency_that_stops_offering_every_default_is_not_seeded_again(world):
    for entry in services.item_catalogue(world.agency):
        services.item_template_update(template=entry, actor=world.agency_admin, active=False)

    assert services.item_catalogue(world.agency) == []
    assert ItemTemplate.objects.filter(agency=world.agency).count() == len(DEFAULT_ITEMS)


def test_adding_a_catalogue_entry_makes_the_requested_item(world, open_supplement):
    entry = _entry(world.agency, "Employment certificate")

    item = services.item_add_from_catalogue(
        supplement=open_supplement, actor=world.agency_staff, template=entry
    )

    assert item.description == "Employment certificate (在職證明)"
    assert (item.kind, item.waits_on, item.template_id) == (
        ItemKind.DOCUMENT,
        Party.EMPLOYER,
        entry.pk,
    )


def test_the_same_entry_is_refused_the_second_time_even_renamed(world, open_supplement):
    entry = _entry(world.agency, "Passport data page")
    services.item_add_from_catalogue(
        supplement=open_supplement, actor=world.agency_staff, template=entry
    )
    entry = services.item_template_update(
        template=entry, actor=world.agency_admin, name_en="Passport bio page"
    )

    with pytest.raises(services.AlreadyAdded) as refused:
        services.item_add_from_catalogue(
            supplement=open_supplement, actor=world.agency_staff, template=entry
        )

    assert "already asked for" in refused.value.message
    assert RequestedItem.objects.filter(supplement=open_supplement).count() == 1


def test_an_item_typed_by_hand_with_the_same_text_counts_as_asked(world, open_supplement):
    services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Degree certificate (學歷證明)",
        waits_on=Party.APPLICANT,
    )

    with pytest.raises(services.AlreadyAdded):
        services.item_add_from_catalogue(
            supplement=open_supplement,
            actor=world.agency_staff,
            template=_entry(world.agency, "Degree certificate"),
        )


def test_hr_cannot_add_from_the_catalogue_on_an_agency_case(world, open_supplement):
    with pytest.raises(PermissionDenied):
        services.item_add_from_catalogue(
            supplement=open_supplement,
            actor=world.hr_acme,
            template=_entry(world.agency, "Employment certificate"),
        )
    assert not RequestedItem.objects.filter(supplement=open_supplement).exists()


def test_staff_cannot_change_the_catalogue_admins_can(world):
    entry = _entry(world.agency, "Photo (2-inch)")

    with pytest.raises(PermissionDenied):
        services.item_template_update(template=entry, actor=world.agency_staff, name_zh="相片")
    with pytest.raises(PermissionDenied):
        services.item_template_add(
            actor=world.outsider, agency=world.agency, name_en="X", name_zh="某"
        )
    services.item_template_update(template=entry, actor=world.agency_admin, name_zh="二吋照片")

    assert ItemTemplate.objects.get(pk=entry.pk).name_zh == "二吋照片"


def test_a_new_entry_goes_last_and_moves(world):
    entry = services.item_template_add(
        actor=world.agency_admin,
        agency=world.agency,
        name_en="Award certificate",
        name_zh="得獎證明",
        kind=ItemKind.DOCUMENT,
        waits_on=Party.APPLICANT,
    )
    assert services.item_catalogue(world.agency)[-1] == entry

    services.item_template_move(template=entry, actor=world.agency_admin, step=-1)

    assert services.item_catalogue(world.agency)[-2] == entry
    with pytest.raises(ValidationError):
        services.item_template_add(
            actor=world.agency_admin, agency=world.agency, name_en="", name_zh="空", kind="x"
        )


def test_filling_a_reply_puts_the_case_number_and_the_items(world, open_supplement):
    for name in ("Employment certificate", "Passport data page"):
        services.item_add_from_catalogue(
            supplement=open_supplement,
            actor=world.agency_staff,
            template=_entry(world.agency, name),
        )
    dropped = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Not needed after all",
    )
    services.item_set_state(item=dropped, actor=world.agency_staff, state=ItemState.NOT_NEEDED)

    text = services.fill_reply(
        body="案號 {case_number}，第 {round} 次：\n{items}\n{applicant} {unknown} {",
        supplement=open_supplement,
    )

    assert text == (
        "案號 115551035401，第 1 次：\n"
        "1. Employment certificate (在職證明)\n"
        "2. Passport data page (護照資料頁)\n"
        f"{world.priya} {{unknown}} {{"
    )


def test_the_default_chinese_reply_reads_politely(world, open_supplement):
    zh = next(t for t in services.reply_templates(world.agency) if t.language == "zh-hant")

    text = services.fill_reply(body=zh.body, supplement=open_supplement)

    assert text.startswith("敬啟者：")
    assert "申請案號：115551035401" in text
    assert "{items}" in text  # nothing asked yet: the placeholder stays for the person to see
    assert ReplyTemplate.objects.filter(agency=world.agency).count() == 2
