"""Templates people reuse, on the pages: the catalogue in the workspace (one click, once), the reply
box filled from a template without saving, and the agency's template pages (admins edit, staff
read, another agency 404)."""

from __future__ import annotations

import re

import pytest

from cases import services
from cases.choices import ItemKind, Party
from cases.models import ItemTemplate, ReplyTemplate, RequestedItem, SupplementRequest

pytestmark = pytest.mark.django_db


def _url(supplement, suffix=""):
    return f"/supplements/{supplement.pk}/{suffix}"


def _entry(agency, name_en):
    return next(e for e in services.item_catalogue(agency) if e.name_en == name_en)


def _items(supplement):
    return list(RequestedItem.objects.filter(supplement=supplement).order_by("pk"))


def test_the_workspace_offers_the_default_catalogue_of_a_new_agency(client, world, open_supplement):
    client.force_login(world.agency_staff)

    page = client.get(_url(open_supplement))

    assert page.status_code == 200
    assert "Add a usual item from the catalogue" in page.text
    for zh in ("護照資料頁", "在職證明", "薪資證明", "推薦信", "學歷證明", "無犯罪紀錄證明"):
        assert zh in page.text
    assert f'action="/supplements/{open_supplement.pk}/items/catalogue/"' in page.text
    assert "Use a template" in page.text
    nav = re.search(r'href="/templates/items/"[^>]*>([^<]+)<', page.text)
    assert nav is not None
    assert nav.group(1) == "Templates"


def test_one_click_adds_the_item_with_its_kind_and_party(client, world, open_supplement):
    client.force_login(world.agency_staff)
    entry = _entry(world.agency, "Salary proof, last 12 months")

    response = client.post(_url(open_supplement, "items/catalogue/"), {"template": entry.pk})

    assert response.status_code == 302
    assert response["Location"].endswith("#catalogue")
    [item] = _items(open_supplement)
    assert (item.description, item.kind, item.waits_on) == (
        "Salary proof, last 12 months (薪資證明)",
        ItemKind.DOCUMENT,
        Party.EMPLOYER,
    )
    page = client.get(response["Location"])
    assert "added to the requested items" in page.text
    assert "Already asked" in page.text


def test_adding_it_twice_is_refused_beside_the_catalogue_and_creates_nothing(
    client, world, open_supplement
):
    client.force_login(world.agency_staff)
    entry = _entry(world.agency, "Recommendation letter")
    client.post(_url(open_supplement, "items/catalogue/"), {"template": entry.pk})

    response = client.post(_url(open_supplement, "items/catalogue/"), {"template": entry.pk})

    assert response.status_code == 409
    assert len(_items(open_supplement)) == 1
    part = re.search(r'<div id="catalogue".*?</div>', response.text, re.S)
    assert part is not None
    assert "“Recommendation letter (推薦信)” is already asked for" in part.group(0)


@pytest.mark.parametrize("persona", ["hr_acme", "applicant_user"])
def test_hr_and_the_applicant_cannot_add_from_the_catalogue(
    client, world, open_supplement, persona
):
    client.force_login(getattr(world, persona))
    entry = _entry(world.agency, "Passport data page")

    page = client.get(_url(open_supplement))
    response = client.post(_url(open_supplement, "items/catalogue/"), {"template": entry.pk})

    assert "items/catalogue/" not in page.text
    assert response.status_code == 403
    assert _items(open_supplement) == []


def test_another_agencys_entry_is_404_in_the_workspace(client, world, open_supplement):
    client.force_login(world.agency_staff)
    theirs = _entry(world.other_agency, "Passport data page")

    response = client.post(_url(open_supplement, "items/catalogue/"), {"template": theirs.pk})

    assert response.status_code == 404
    assert _items(open_supplement) == []


def test_filling_the_reply_puts_the_number_and_items_in_the_box_and_saves_nothing(
    client, world, open_supplement
):
    client.force_login(world.agency_staff)
    for name in ("Employment certificate", "Passport data page"):
        services.item_add_from_catalogue(
            supplement=open_supplement,
            actor=world.agency_staff,
            template=_entry(world.agency, name),
        )
    zh = next(t for t in services.reply_templates(world.agency) if t.language == "zh-hant")
    before = SupplementRequest.objects.get(pk=open_supplement.pk)

    response = client.post(
        _url(open_supplement, "reply/template/"),
        {"reply_template": zh.pk, "reply": "half-typed", "expected_version": 1},
    )

    assert response.status_code == 200
    box = re.search(r"<textarea[^>]*name=\"reply\"[^>]*>(.*?)</textarea>", response.text, re.S)
    assert box is not None
    text = box.group(1)
    assert "敬啟者：" in text
    assert "申請案號：115551035401" in text
    assert "1. Employment certificate (在職證明)\n2. Passport data page (護照資料頁)" in text
    assert "Nothing is saved until you save the reply." in response.text
    assert "The text you had typed and not saved was replaced." in response.text
    after = SupplementRequest.objects.get(pk=open_supplement.pk)
    assert (after.reply, after.reply_version, after.version) == (
        before.reply,
        before.reply_version,
        before.version,
    )
    assert 'name="expected_version" value="1"' in response.text


def test_the_reply_templates_of_another_agency_are_404_and_hr_403(client, world, open_supplement):
    theirs = services.reply_templates(world.other_agency)[0]
    client.force_login(world.agency_staff)
    assert (
        client.post(_url(open_supplement, "reply/template/"), {"reply_template": theirs.pk})
    ).status_code == 404
    mine = services.reply_templates(world.agency)[0]
    client.force_login(world.hr_acme)
    assert (
        client.post(_url(open_supplement, "reply/template/"), {"reply_template": mine.pk})
    ).status_code == 403


# --- The agency's template pages -------------------------------------------------------------
def test_staff_read_the_catalogue_and_cannot_edit_it(client, world):
    entry = _entry(world.agency, "Photo (2-inch)")
    client.force_login(world.agency_staff)

    listing = client.get("/templates/items/")
    edit_page = client.get(f"/templates/items/{entry.pk}/")
    edit = client.post(
        f"/templates/items/{entry.pk}/",
        {"name_zh": "相片", "name_en": "Photo", "kind": "document", "waits_on": "applicant"},
    )
    move = client.post(f"/templates/items/{entry.pk}/move/", {"direction": "up"})
    new = client.get("/templates/items/new/")

    assert listing.status_code == 200
    assert "照片" in listing.text
    assert f"/templates/items/{entry.pk}/move/" not in listing.text
    assert (edit_page.status_code, edit.status_code, move.status_code, new.status_code) == (
        403,
        403,
        403,
        403,
    )
    assert ItemTemplate.objects.get(pk=entry.pk).name_zh == "照片"


def test_an_admin_edits_reorders_and_stops_offering_an_entry(client, world, open_supplement):
    entry = _entry(world.agency, "Photo (2-inch)")
    client.force_login(world.agency_admin)

    edit = client.post(
        f"/templates/items/{entry.pk}/",
        {
            "name_zh": "二吋照片",
            "name_en": "Photo, 2-inch",
            "kind": "document",
            "waits_on": "applicant",
            "tab": "upload",
            "active": "on",
        },
    )
    client.post(f"/templates/items/{entry.pk}/move/", {"direction": "up"})
    listing = client.get("/templates/items/")

    assert edit.status_code == 302
    entry.refresh_from_db()
    assert (entry.name_zh, entry.name_en, entry.tab) == ("二吋照片", "Photo, 2-inch", "upload")
    assert services.item_catalogue(world.agency)[0] == entry
    assert "二吋照片" in listing.text

    client.post(f"/templates/items/{entry.pk}/active/", {"active": "0"})
    client.force_login(world.agency_staff)
    page = client.get(_url(open_supplement))
    assert "二吋照片" not in page.text
    assert "護照資料頁" in page.text


def test_an_admin_adds_an_entry_and_a_reply_template(client, world):
    client.force_login(world.agency_admin)

    added = client.post(
        "/templates/items/new/",
        {
            "name_zh": "得獎證明",
            "name_en": "Award certificate",
            "kind": "document",
            "waits_on": "applicant",
            "active": "on",
        },
    )
    refused = client.post("/templates/items/new/", {"name_zh": "", "name_en": ""})
    reply = client.post(
        "/templates/replies/new/",
        {
            "name": "延期說明",
            "language": "zh-hant",
            "body": "茲說明如下：\n{items}",
            "active": "on",
        },
    )

    assert added.status_code == 302
    assert services.item_catalogue(world.agency)[-1].name_zh == "得獎證明"
    assert refused.status_code == 400
    assert reply.status_code == 302
    assert (
        ReplyTemplate.objects.get(agency=world.agency, name="延期說明").body
        == "茲說明如下：\n{items}"
    )
    assert "延期說明" in client.get("/templates/replies/").text


def test_staff_cannot_change_a_reply_template(client, world):
    template = services.reply_templates(world.agency)[0]
    client.force_login(world.agency_staff)

    response = client.post(
        f"/templates/replies/{template.pk}/",
        {"name": "x", "language": "en", "body": "x", "active": "on"},
    )

    assert response.status_code == 403
    assert client.get("/templates/replies/").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "hr_acme", "applicant_user"])
def test_another_agencys_template_pages_are_404(client, world, persona):
    entry = _entry(world.agency, "Passport data page")
    template = services.reply_templates(world.agency)[0]
    client.force_login(getattr(world, persona))

    for url in (
        f"/templates/items/{entry.pk}/",
        f"/templates/replies/{template.pk}/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/templates/items/{entry.pk}/move/").status_code == 404
    assert client.post(f"/templates/items/{entry.pk}/active/").status_code == 404
    if persona != "outsider":  # HR and applicants have no template pages at all
        assert client.get("/templates/items/").status_code == 404
        assert client.get("/templates/replies/").status_code == 404
    else:  # their own agency's list; asking for Formosa's by id is 404 too
        assert client.get(f"/templates/items/?agency={world.agency.pk}").status_code == 404
        listing = client.get("/templates/items/")
        assert listing.status_code == 200
        assert world.other_agency.name in listing.text
        assert f"/templates/items/{entry.pk}/" not in listing.text
