"""Issue 11, item 3: one fact once. A correction item linked to a reviewer's comment follows the
comment (resolved with its corrected value: done; reopened: pending again); a document item is
done when an approved document answers it, and meanwhile waits on the review, not on whoever
sent it. The stored state, the readiness facts and the lists agree; after submission the
workspace shows what was filed; the reply keeps its line breaks everywhere."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from cases import services
from cases.choices import ItemKind, ItemState, Party, PlatformTab
from cases.errors import InvalidInput
from cases.models import RequestedItem
from cases.selectors import waiting_on_map
from tests.cases.files import pdf_bytes

pytestmark = pytest.mark.django_db


def state(item) -> str:
    return RequestedItem.objects.get(pk=item.pk).state


def fact(supplement, item):
    supplement.refresh_from_db()
    (found,) = [
        f for f in services.supplement_facts(supplement).items if f.description == item.description
    ]
    return found


def test_resolving_a_comment_completes_its_correction_and_reopening_reopens_it(
    world, open_supplement
):
    staff = world.agency_staff
    comment = services.comment_add(
        supplement=open_supplement,
        actor=staff,
        tab=PlatformTab.BASIC,
        text="英文姓名與護照不符",
        field_label="英文名字",
    )
    correction = services.item_add(
        supplement=open_supplement,
        actor=staff,
        kind=ItemKind.CORRECTION,
        description="English given name",
        comment=comment,
    )
    assert state(correction) == ItemState.PENDING
    assert fact(open_supplement, correction).done is False

    services.comment_resolve(comment=comment, actor=staff, corrected_value="PRIYA KUMARI")
    assert state(correction) == ItemState.DONE
    assert fact(open_supplement, correction).done is True
    assert "correction_pending" not in [m["code"] for m in open_supplement.missing]

    services.comment_reopen(comment=comment, actor=staff)
    assert state(correction) == ItemState.PENDING
    assert fact(open_supplement, correction).done is False
    assert {"code": "correction_pending", "params": {"item": "English given name"}} in (
        open_supplement.missing
    )

    # Said once: the item's own state cannot contradict its comment...
    with pytest.raises(InvalidInput):
        services.item_set_state(item=correction, actor=staff, state=ItemState.DONE)
    # ...but "not needed" stays people's word.
    services.item_set_state(item=correction, actor=staff, state=ItemState.NOT_NEEDED)
    services.comment_resolve(comment=comment, actor=staff, corrected_value="PRIYA")
    assert state(correction) == ItemState.NOT_NEEDED


def test_an_item_added_for_a_resolved_comment_is_done(world, open_supplement):
    staff = world.agency_staff
    comment = services.comment_add(
        supplement=open_supplement, actor=staff, tab=PlatformTab.BASIC, text="請更正"
    )
    services.comment_resolve(comment=comment, actor=staff, corrected_value="X")
    item = services.item_add(
        supplement=open_supplement,
        actor=staff,
        kind=ItemKind.CORRECTION,
        description="Family name",
        comment=comment,
    )
    assert state(item) == ItemState.DONE


def test_approving_a_document_completes_its_item(world, open_supplement):
    staff = world.agency_staff
    item = services.item_add(
        supplement=open_supplement,
        actor=staff,
        kind=ItemKind.DOCUMENT,
        description="Passport data page",
        waits_on=Party.APPLICANT,
    )
    assert waiting_on_map([open_supplement.pk])[open_supplement.pk] == ["applicant"]
    document = services.document_add(
        supplement=open_supplement,
        actor=world.applicant_user,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    # Sent: pending still, but waiting on the review, not on the applicant.
    assert state(item) == ItemState.PENDING
    assert fact(open_supplement, item).done is False
    assert waiting_on_map([open_supplement.pk])[open_supplement.pk] == ["agency"]

    services.document_approve(document=document, actor=staff)
    assert state(item) == ItemState.DONE
    assert fact(open_supplement, item).done is True

    services.document_reject(document=document, actor=staff, reason="Expired")
    assert state(item) == ItemState.PENDING
    assert waiting_on_map([open_supplement.pk])[open_supplement.pk] == ["applicant"]


def test_the_applicants_page_does_not_ask_again_for_what_they_sent(client, world, open_supplement):
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport data page",
        waits_on=Party.APPLICANT,
    )
    services.document_add(
        supplement=open_supplement,
        actor=world.applicant_user,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    client.force_login(world.applicant_user)
    page = client.get(f"/supplements/{open_supplement.pk}/").text
    assert "Sent, waiting for approval" in page


def test_after_submission_the_workspace_shows_what_was_filed(client, world, open_supplement):
    staff = world.agency_staff
    item = services.item_add(
        supplement=open_supplement, actor=staff, kind=ItemKind.DOCUMENT, description="Passport"
    )
    document = services.document_add(
        supplement=open_supplement,
        actor=staff,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    services.document_approve(document=document, actor=staff)
    job = services.pack_request(supplement=open_supplement, actor=staff)
    services.pack_run(job_id=job.pk)
    reply = "您好：\n已上傳護照資料頁。\n謝謝。"
    services.supplement_set_reply(supplement=open_supplement, actor=staff, reply=reply)
    services.supplement_submit(supplement=open_supplement, actor=staff, submitted_at=timezone.now())

    client.force_login(staff)
    page = client.get(f"/supplements/{open_supplement.pk}/").text
    assert 'id="filed"' in page
    assert "Waiting on" not in page
    assert "01-passport.pdf" in page
    # The reply keeps its line breaks: the text as typed, in a block that preserves them.
    assert f'<div class="reply" lang="zh-Hant">{reply}</div>' in page
    sheet = client.get(f"/supplements/{open_supplement.pk}/sheet/").text
    assert f'<div class="reply" id="v-reply" lang="zh-Hant">{reply}</div>' in sheet
    css = open(finders.find("cases/app.css"), encoding="utf-8").read()  # noqa: SIM115
    assert ".reply, .multiline, .comment code { white-space: pre-wrap; }" in css


def test_the_migration_settles_open_supplements_by_the_rule(world, open_supplement):
    """Items stored under the old rule (done on upload) are settled once, with the verdict."""
    import importlib

    from django.apps import apps

    from cases.readiness_facts import reassess_marked

    migration = importlib.import_module("cases.migrations.0008_packed_contents_pinned_documents")
    staff = world.agency_staff
    item = services.item_add(
        supplement=open_supplement, actor=staff, kind=ItemKind.DOCUMENT, description="Passport"
    )
    services.document_add(
        supplement=open_supplement,
        actor=staff,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=item,
    )
    RequestedItem.objects.filter(pk=item.pk).update(state=ItemState.DONE)  # the old rule
    open_supplement.__class__.objects.filter(pk=open_supplement.pk).update(missing=[])

    migration.settle_open_supplements(apps, None)
    reassess_marked()  # what runs once migrate has applied every migration (cases.apps)
    assert state(item) == ItemState.PENDING
    open_supplement.refresh_from_db()
    assert {"code": "document_unapproved", "params": {"item": "Passport"}} in (
        open_supplement.missing
    )
