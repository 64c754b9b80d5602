"""The supplement workspace: tabs in order, comments, items, documents, the reply with conflicts,
recording the submission, and who may see or change what."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.choices import ItemKind, Party, PlatformTab, SupplementState, Visibility
from cases.models import Document, ReviewerComment, SupplementRequest
from tests.web.conftest import pdf_bytes


def _url(supplement, suffix=""):
    return f"/supplements/{supplement.pk}/{suffix}"


@pytest.mark.django_db
def test_workspace_shows_the_seven_tabs_in_platform_order(client, world, ready_supplement):
    client.force_login(world.agency_staff)

    response = client.get(_url(ready_supplement))

    assert response.status_code == 200
    headings = re.findall(r'<h2 id="tab-(\w+)-h">\d\. ([^<]+)</h2>', response.text)
    assert [code for code, _label in headings] == PlatformTab.values
    assert headings[0][1] == "Basic data (基本資料)"
    assert headings[6][1] == "Finish and submit (完成送出)"
    assert "英文姓名與護照不符，請更正。" in response.text
    assert "<code>PRIYA KUMARI</code>" in response.text
    assert "Replies in Chinese are processed faster" in response.text
    assert "passport.pdf" in response.text
    assert "Ready to file" in response.text
    assert f'action="/alerts/supplement/{ready_supplement.pk}/acknowledge/"' in response.text


@pytest.mark.django_db
def test_workspace_is_csp_clean(client, world, ready_supplement):
    client.force_login(world.agency_staff)

    response = client.get(_url(ready_supplement))

    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None
    assert re.search(r"\son[a-z]+=", response.text) is None
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "hr_globex"])
def test_another_tenants_workspace_is_404(client, world, ready_supplement, persona):
    client.force_login(getattr(world, persona))

    for suffix in ["", "sheet/", "submit/"]:
        assert client.get(_url(ready_supplement, suffix)).status_code == 404
    response = client.post(_url(ready_supplement, "reply/"), {"reply": "x", "expected_version": 1})
    assert response.status_code == 404


@pytest.mark.django_db
def test_hr_sees_the_workspace_but_cannot_change_an_agency_filed_supplement(
    client, world, open_supplement
):
    client.force_login(world.hr_acme)

    page = client.get(_url(open_supplement))
    response = client.post(
        _url(open_supplement, "reply/"), {"reply": "HR text", "expected_version": 1}
    )

    assert page.status_code == 200
    assert f'action="/supplements/{open_supplement.pk}/reply/"' not in page.text
    assert response.status_code == 403
    assert SupplementRequest.objects.get(pk=open_supplement.pk).reply == ""


@pytest.mark.django_db
def test_save_reply(client, world, open_supplement):
    client.force_login(world.agency_staff)
    version = SupplementRequest.objects.get(pk=open_supplement.pk).version

    response = client.post(
        _url(open_supplement, "reply/"), {"reply": "您好，已補件。", "expected_version": version}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _url(open_supplement) + "#reply"
    assert SupplementRequest.objects.get(pk=open_supplement.pk).reply == "您好，已補件。"
    page = client.get(response.headers["Location"])
    # The result is said beside the reply, not at the top of the page.
    assert '<div class="messages" data-feedback="reply">' in page.text
    assert page.text.index('data-feedback="reply"') > page.text.index('id="reply"')


@pytest.mark.django_db
def test_concurrent_reply_edit_shows_a_conflict_and_keeps_the_text(client, world, open_supplement):
    stale_version = SupplementRequest.objects.get(pk=open_supplement.pk).reply_version
    services.supplement_set_reply(
        supplement=open_supplement, actor=world.agency_admin, reply="Colleague's reply"
    )
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "reply/"),
        {"reply": "My careful reply", "expected_version": stale_version},
    )

    assert response.status_code == 409
    assert "Someone else saved the reply while you were editing." in response.text
    # Who changed it, and when, beside the reply; both texts in view.
    admin = world.agency_admin.get_full_name() or world.agency_admin.get_username()
    feedback = response.text[response.text.index('data-feedback="reply"') :]
    assert f"{admin} changed this at" in feedback[:600]
    assert "Colleague&#x27;s reply" in response.text
    assert re.search(r">\s*My careful reply</textarea>", response.text) is not None
    current = SupplementRequest.objects.get(pk=open_supplement.pk)
    assert current.reply == "Colleague's reply"
    # The form now carries the current version: saving again replaces on purpose.
    assert f'name="expected_version" value="{current.reply_version}"' in response.text


@pytest.mark.django_db
def test_work_elsewhere_on_the_supplement_is_no_reply_conflict(client, world, open_supplement):
    """A colleague adding a comment or setting an item does not make the reply "stale"."""
    read = SupplementRequest.objects.get(pk=open_supplement.pk)
    comment = services.comment_add(
        supplement=open_supplement, actor=world.agency_admin, tab=PlatformTab.BASIC, text="新意見"
    )
    services.comment_resolve(comment=comment, actor=world.agency_admin, resolution="Done")
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "reply/"),
        {"reply": "My reply", "expected_version": read.reply_version},
    )

    assert response.status_code == 302
    assert SupplementRequest.objects.get(pk=open_supplement.pk).reply == "My reply"


@pytest.mark.django_db
def test_a_comment_resolved_meanwhile_is_a_conflict_on_that_comment_only(
    client, world, open_supplement
):
    comment = services.comment_add(
        supplement=open_supplement, actor=world.agency_admin, tab=PlatformTab.BASIC, text="意見"
    )
    read_version = comment.version
    services.comment_resolve(comment=comment, actor=world.agency_admin, resolution="Theirs")
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, f"comments/{comment.pk}/resolve/"),
        {"resolution": "Mine", "expected_version": read_version},
    )

    assert response.status_code == 409
    feedback = response.text[response.text.index(f'data-feedback="comment-{comment.pk}"') :]
    assert "It now reads: Theirs" in feedback[:800]
    comment.refresh_from_db()
    assert comment.resolution == "Theirs"


@pytest.mark.django_db
def test_comments_add_resolve_reopen(client, world, open_supplement):
    client.force_login(world.agency_staff)

    added = client.post(
        _url(open_supplement, "comments/"),
        {"tab": PlatformTab.FIELD, "text": "請補充專業證明。", "field_label": ""},
    )
    comment = ReviewerComment.objects.get(supplement=open_supplement)
    assert added.headers["Location"] == _url(open_supplement) + f"#comment-{comment.pk}"

    empty = client.post(_url(open_supplement, f"comments/{comment.pk}/resolve/"), {})
    assert empty.status_code == 400
    assert "Give the corrected value or say how it is resolved." in empty.text

    client.post(
        _url(open_supplement, f"comments/{comment.pk}/resolve/"),
        {"resolution": "Award certificate uploaded"},
    )
    comment.refresh_from_db()
    assert comment.resolution == "Award certificate uploaded"
    assert comment.resolved_by == world.agency_staff

    client.post(_url(open_supplement, f"comments/{comment.pk}/reopen/"))
    comment.refresh_from_db()
    assert comment.resolved_at is None


@pytest.mark.django_db
def test_a_comment_of_another_supplement_is_404(client, world, open_supplement, ready_supplement):
    other_comment = ready_supplement.comments.first()
    client.force_login(world.agency_staff)

    response = client.post(_url(open_supplement, f"comments/{other_comment.pk}/reopen/"), {})

    assert response.status_code == 404


@pytest.mark.django_db
def test_items_add_and_state(client, world, open_supplement):
    client.force_login(world.agency_staff)

    client.post(
        _url(open_supplement, "items/"),
        {"kind": ItemKind.CORRECTION, "description": "Birth city", "waits_on": Party.AGENCY},
    )
    item = open_supplement.items.get()
    client.post(_url(open_supplement, f"items/{item.pk}/state/"), {"state": "done"})

    item.refresh_from_db()
    assert (item.description, item.state) == ("Birth city", "done")


@pytest.mark.django_db
def test_upload_a_document_for_an_item(client, world, open_supplement):
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport page",
        waits_on=Party.APPLICANT,
    )
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "documents/"),
        {
            "file": SimpleUploadedFile("passport.pdf", pdf_bytes(), "application/pdf"),
            "item": item.pk,
            "visibility": Visibility.ALL,
        },
    )

    assert response.status_code == 302
    document = Document.objects.get(supplement=open_supplement)
    assert (document.original_name, document.item_id) == ("passport.pdf", item.pk)
    page = client.get(_url(open_supplement))
    assert page.text.count("“passport.pdf” uploaded.") == 1


@pytest.mark.django_db
def test_an_unusable_upload_says_why(client, world, open_supplement):
    client.force_login(world.agency_staff)

    response = client.post(
        _url(open_supplement, "documents/"),
        {
            "file": SimpleUploadedFile(
                "notes.pdf", b"MZ\x90\x00 this is a program", "application/pdf"
            ),
            "visibility": Visibility.ALL,
        },
    )

    assert response.status_code in (400, 415)
    assert Document.objects.filter(supplement=open_supplement).count() == 0
    assert 'class="message error"' in response.text


@pytest.mark.django_db
def test_applicant_uploads_only_documents_everyone_sees(client, world, open_supplement):
    client.force_login(world.applicant_user)

    response = client.post(
        _url(open_supplement, "documents/"),
        {
            "file": SimpleUploadedFile("photo.pdf", pdf_bytes(), "application/pdf"),
            "visibility": Visibility.AGENCY_ONLY,
        },
    )

    assert response.status_code == 400
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_agency_only_documents_are_hidden_from_hr_and_applicant(client, world, open_supplement):
    services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=pdf_bytes(),
        name="internal-memo.pdf",
        visibility=Visibility.AGENCY_ONLY,
    )
    services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=pdf_bytes(),
        name="salary-proof.pdf",
        visibility=Visibility.NO_APPLICANT,
    )

    seen = {}
    for name in ["agency_staff", "hr_acme", "applicant_user"]:
        client.force_login(getattr(world, name))
        text = client.get(_url(open_supplement)).text
        seen[name] = ("internal-memo.pdf" in text, "salary-proof.pdf" in text)

    assert seen == {
        "agency_staff": (True, True),
        "hr_acme": (False, True),
        "applicant_user": (False, False),
    }


@pytest.mark.django_db
def test_submit_needs_confirmation_then_the_supplement_is_read_only(
    client, world, ready_supplement
):
    client.force_login(world.agency_staff)
    confirm_page = client.get(_url(ready_supplement, "submit/"))
    assert confirm_page.status_code == 200
    assert "nothing can be changed or added" in confirm_page.text

    unconfirmed = client.post(
        _url(ready_supplement, "submit/"), {"submitted_at": "2026-01-01T10:00"}
    )
    assert unconfirmed.status_code == 400
    assert SupplementRequest.objects.get(pk=ready_supplement.pk).state == SupplementState.OPEN

    from django.utils import timezone

    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    done = client.post(_url(ready_supplement, "submit/"), {"confirm": "on", "submitted_at": when})
    assert done.status_code == 302
    supplement = SupplementRequest.objects.get(pk=ready_supplement.pk)
    assert supplement.state == SupplementState.SUBMITTED
    assert supplement.submitted_by == world.agency_staff

    page = client.get(_url(ready_supplement))
    assert "Submitted (送出): read-only." in page.text
    assert f'action="/supplements/{supplement.pk}/reply/"' not in page.text
    assert "<textarea" not in page.text

    late = client.post(
        _url(ready_supplement, "reply/"), {"reply": "late", "expected_version": supplement.version}
    )
    assert late.status_code == 409
    assert "can no longer change" in late.text
    assert SupplementRequest.objects.get(pk=ready_supplement.pk).reply != "late"


@pytest.mark.django_db
def test_submit_when_not_ready_needs_force(client, world, open_supplement):
    client.force_login(world.agency_staff)
    from django.utils import timezone

    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    refused = client.post(_url(open_supplement, "submit/"), {"confirm": "on", "submitted_at": when})
    assert refused.status_code == 409
    assert "Reply to the reviewer (審核意見回覆) is empty" in refused.text
    assert SupplementRequest.objects.get(pk=open_supplement.pk).state == SupplementState.OPEN

    forced = client.post(
        _url(open_supplement, "submit/"), {"confirm": "on", "submitted_at": when, "force": "on"}
    )
    assert forced.status_code == 302
    assert SupplementRequest.objects.get(pk=open_supplement.pk).state == SupplementState.SUBMITTED


@pytest.mark.django_db
def test_override_deadline_with_reason(client, world, open_supplement):
    client.force_login(world.agency_staff)
    new_day = (
        open_supplement.deadline.replace(day=1)
        if open_supplement.deadline.day > 1
        else open_supplement.deadline
    )

    missing_reason = client.post(
        _url(open_supplement, "deadline/"), {"deadline": new_day.isoformat(), "reason": ""}
    )
    assert missing_reason.status_code == 400
    assert "Say why the deadline differs." in missing_reason.text

    client.post(
        _url(open_supplement, "deadline/"),
        {"deadline": new_day.isoformat(), "reason": "Printed in the notice"},
    )
    supplement = SupplementRequest.objects.get(pk=open_supplement.pk)
    assert (supplement.deadline, supplement.override_reason) == (new_day, "Printed in the notice")


@pytest.mark.django_db
def test_workspace_queries_do_not_grow_with_its_content(client, world, open_supplement):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.agency_staff)

    def add(n):
        for i in range(n):
            comment = services.comment_add(
                supplement=open_supplement, actor=world.agency_staff, tab="basic", text=f"c{i}"
            )
            item = services.item_add(
                supplement=open_supplement,
                actor=world.agency_staff,
                kind="document",
                description=f"d{i}",
                comment=comment,
            )
            services.document_add(
                supplement=open_supplement,
                actor=world.agency_staff,
                data=pdf_bytes(f"{i}"),
                name=f"f{i}.pdf",
                item=item,
            )

    add(3)
    client.get(_url(open_supplement))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(open_supplement))
    add(3)
    with CaptureQueriesContext(connection) as large:
        client.get(_url(open_supplement))

    assert len(large.captured_queries) == len(small.captured_queries)


def _two_documents(world, supplement):
    first = services.document_add(
        supplement=supplement, actor=world.agency_staff, data=pdf_bytes("a"), name="a.pdf"
    )
    second = services.document_add(
        supplement=supplement, actor=world.agency_staff, data=pdf_bytes("b", 2), name="b.pdf"
    )
    return first, second


@pytest.mark.django_db
def test_reorder_documents(client, world, open_supplement):
    _first, second = _two_documents(world, open_supplement)
    client.force_login(world.agency_staff)

    client.post(_url(open_supplement, f"documents/{second.pk}/move/"), {"direction": "up"})

    order = list(
        open_supplement.documents.order_by("position").values_list("original_name", flat=True)
    )
    assert order == ["b.pdf", "a.pdf"]


@pytest.mark.django_db
def test_review_approve_and_reject_with_reason(client, world, open_supplement):
    first, second = _two_documents(world, open_supplement)
    client.force_login(world.agency_staff)

    client.post(_url(open_supplement, f"documents/{first.pk}/review/"), {"action": "approve"})
    no_reason = client.post(
        _url(open_supplement, f"documents/{second.pk}/review/"), {"action": "reject", "note": ""}
    )
    client.post(
        _url(open_supplement, f"documents/{second.pk}/review/"),
        {"action": "reject", "note": "Unreadable scan"},
    )

    assert no_reason.status_code == 400
    assert "Say why the document is rejected." in no_reason.text
    states = dict(open_supplement.documents.values_list("original_name", "review_state"))
    assert states == {"a.pdf": "approved", "b.pdf": "rejected"}
    assert Document.objects.get(pk=second.pk).review_note == "Unreadable scan"


@pytest.mark.django_db
def test_hr_cannot_review_or_remove(client, world, open_supplement):
    first, _second = _two_documents(world, open_supplement)
    client.force_login(world.hr_acme)

    review = client.post(
        _url(open_supplement, f"documents/{first.pk}/review/"), {"action": "approve"}
    )
    remove = client.post(_url(open_supplement, f"documents/{first.pk}/remove/"))

    assert (review.status_code, remove.status_code) == (403, 403)
    assert Document.objects.get(pk=first.pk).review_state == "uploaded"


@pytest.mark.django_db
def test_remove_document(client, world, open_supplement):
    first, _second = _two_documents(world, open_supplement)
    client.force_login(world.agency_staff)

    response = client.post(_url(open_supplement, f"documents/{first.pk}/remove/"))

    assert response.status_code == 302
    assert list(open_supplement.documents.values_list("original_name", flat=True)) == ["b.pdf"]


@pytest.mark.django_db
def test_pack_then_the_packed_set_shows_with_sizes(client, world, open_supplement, settings):
    settings.UPLOAD_SET_AUTO_PACK = False
    _two_documents(world, open_supplement)
    client.force_login(world.agency_staff)

    client.post(_url(open_supplement, "pack/"))
    from cases.documents.models import PackJob
    from cases.services import pack_run

    job = PackJob.objects.get(supplement=open_supplement)
    progress = client.get(_url(open_supplement, "pack/progress/"))
    assert 'data-hx-trigger="every 1s"' in progress.text
    assert "Packing…" in progress.text

    pack_run(job_id=job.pk)  # what the worker does

    page = client.get(_url(open_supplement))
    packed = page.text.split('id="packed-files"')[1].split("</table>")[0]
    files = job.files.order_by("position")
    for packed_file in files:
        assert (
            f'href="/documents/packed/{packed_file.pk}/download/">{packed_file.name}</a>' in packed
        )
        assert f"{-(-packed_file.size // 1024):,} KB" in packed
    sheet = client.get(_url(open_supplement, "sheet/"))
    assert "packed" in sheet.text
    assert f"/documents/packed/{files[0].pk}/download/" in sheet.text


def test_work_done_by_the_system_shows_as_such(client, world, open_supplement):
    """A command or task acts with no person (actor None): the pages say "the system"."""
    comment = services.comment_add(supplement=open_supplement, actor=None, tab="visa", text="x")
    services.comment_resolve(comment=comment, actor=None, resolution="Corrected by import.")
    services.document_add(
        supplement=open_supplement, actor=None, data=pdf_bytes("sys"), name="imported.pdf"
    )
    client.force_login(world.agency_staff)

    workspace = client.get(_url(open_supplement))
    case_page = client.get(f"/cases/{open_supplement.case_id}/")

    assert (workspace.status_code, case_page.status_code) == (200, 200)
    assert "imported.pdf" in workspace.text
    assert workspace.text.count("the system") >= 2
    assert "the system" in case_page.text


@pytest.mark.django_db
def test_a_refused_pin_says_why_beside_the_document(client, world, open_supplement):
    document = services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=pdf_bytes("letter"),
        name="letter.pdf",
    )
    services.supplement_withdraw(supplement=open_supplement, actor=world.agency_staff)
    client.force_login(world.agency_staff)

    response = client.post(_url(open_supplement, f"documents/{document.pk}/pin/"), {"pinned": "1"})

    assert response.status_code == 409
    assert (
        f'data-feedback="document-{document.pk}"' in response.text or "withdrawn" in response.text
    )
    assert Document.objects.get(pk=document.pk).pinned is False
