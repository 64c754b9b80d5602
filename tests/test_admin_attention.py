"""The admin: the "Supplements needing attention" page (/admin/attention/) and the scoping of the
case and supplement screens for agency staff who are not superusers.

The admin is the operators' (seed_demo gives agency users none of it); an agency member whom an
operator grants it anyway (is_staff with view/change permissions on the cases app) stays scoped by
the tenancy rule, which is what these tests prove.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from cases import services
from cases.choices import DeadlineRule, PlatformTab, RequestingBody
from cases.models import (
    Case,
    CaseStatusChange,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from tests.cases.files import pdf_bytes
from tests.factories import ApplicantFactory, EmployerFactory, UserFactory

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
TODAY = dt.date(2026, 3, 10)
NOTICE = dt.date(2026, 2, 1)
ATTENTION = "/admin/attention/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI), tick=False):
        yield


def make_staff(user):
    """The admin granted by hand to an agency member: view/change on the cases app."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases", codename__regex=r"^(view|change)_"
        )
    )
    return user


@pytest.fixture
def staff(world):
    return make_staff(world.agency_staff)


@pytest.fixture
def outsider_staff(world):
    return make_staff(world.outsider)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def supplement_due(world, case, deadline, *, ready=False, unresolved=False):
    supplement = services.supplement_create(
        case=case,
        actor=world.filer(case),
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=NOTICE,
        rule=DeadlineRule.CUSTOM,
        deadline_override=deadline,
    )
    if unresolved:
        services.comment_add(
            supplement=supplement, actor=world.filer(case), tab=PlatformTab.BASIC, text="請更正"
        )
    if ready:
        services.supplement_set_reply(supplement=supplement, actor=world.filer(case), reply="ok")
    return supplement


@pytest.fixture
def board(world):
    """Open supplements across the agency's two cases in scrambled order, plus ones that must not
    show: submitted, withdrawn, another agency's, a self-filed case's."""
    day = lambda d: dt.date(2026, 3, d)  # noqa: E731
    rows = {
        "ready_tomorrow": supplement_due(world, world.acme_case, day(11), ready=True),
        "not_ready_20": supplement_due(world, world.globex_case, day(30)),
        "overdue_ready": supplement_due(world, world.acme_case, day(9), ready=True),
        "not_ready_3": supplement_due(world, world.acme_case, day(13), unresolved=True),
        "overdue_2": supplement_due(world, world.globex_case, day(8)),
        "ready_today": supplement_due(world, world.globex_case, TODAY, ready=True),
    }
    submitted = supplement_due(world, world.acme_case, day(12), ready=True)
    services.supplement_submit(supplement=submitted, actor=world.agency_staff)
    withdrawn = supplement_due(world, world.globex_case, day(12))
    services.supplement_withdraw(supplement=withdrawn, actor=world.agency_staff)
    elsewhere = supplement_due(world, world.other_agency_case, day(5))
    self_filed = supplement_due(world, world.self_case, day(6))
    return {
        **rows,
        "submitted": submitted,
        "withdrawn": withdrawn,
        "elsewhere": elsewhere,
        "self_filed": self_filed,
    }


TRIAGE = [
    "overdue_2",
    "overdue_ready",
    "not_ready_3",
    "not_ready_20",
    "ready_today",
    "ready_tomorrow",
]


def attention_rows(response) -> list[dict]:
    """The table's rows as the reader sees them: supplement id, days-left words, readiness words."""
    assert response.status_code == 200
    rows = []
    for pk, body in re.findall(
        r'<tr class="row\d" data-supplement="(\d+)">(.*?)</tr>', response.text, re.DOTALL
    ):
        days = re.search(r'<td class="days-left">(.*?)</td>', body, re.DOTALL).group(1)
        readiness = re.search(r'<td class="readiness">(.*?)</td>', body, re.DOTALL).group(1)
        items = re.findall(r"<li>(.*?)</li>", readiness, re.DOTALL)
        rows.append(
            {
                "pk": int(pk),
                "days_left": strip_tags(days).strip(),
                "readiness": items or [strip_tags(readiness).strip()],
            }
        )
    return rows


# --- The attention page ---------------------------------------------------------------------------
def test_admin_index_links_to_the_attention_page(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert (
        f'<a href="{ATTENTION}" class="section">Supplements needing attention</a>' in response.text
    )


def test_agency_staff_see_their_open_supplements_in_triage_order(client, staff, board):
    client.force_login(staff)

    rows = attention_rows(client.get(ATTENTION))

    empty_reply = "Reply to the reviewer (審核意見回覆) is empty"
    assert rows == [
        {"pk": board["overdue_2"].pk, "days_left": "2 days overdue", "readiness": [empty_reply]},
        {"pk": board["overdue_ready"].pk, "days_left": "1 day overdue", "readiness": ["Ready"]},
        {
            "pk": board["not_ready_3"].pk,
            "days_left": "3",
            "readiness": ["Comment on Basic data (基本資料) unresolved", empty_reply],
        },
        {"pk": board["not_ready_20"].pk, "days_left": "20", "readiness": [empty_reply]},
        {"pk": board["ready_today"].pk, "days_left": "0", "readiness": ["Ready"]},
        {"pk": board["ready_tomorrow"].pk, "days_left": "1", "readiness": ["Ready"]},
    ]
    assert [row["pk"] for row in rows] == [board[name].pk for name in TRIAGE]


def test_the_page_names_the_case_and_today(client, staff, board):
    client.force_login(staff)

    response = client.get(ATTENTION)

    assert "Today in Taipei: 2026-03-10." in response.text
    change_url = f"/admin/cases/supplementrequest/{board['not_ready_3'].pk}/change/"
    assert f'<a href="{change_url}">{board["not_ready_3"].case.reference}</a>' in response.text


def test_staff_of_another_agency_see_none_of_them(client, outsider_staff, board):
    client.force_login(outsider_staff)

    rows = attention_rows(client.get(ATTENTION))

    assert [row["pk"] for row in rows] == [board["elsewhere"].pk]


def test_superuser_sees_every_open_supplement(client, superuser, board):
    client.force_login(superuser)

    rows = attention_rows(client.get(ATTENTION))

    assert [row["pk"] for row in rows] == [
        board[name].pk
        for name in ["elsewhere", "self_filed", "overdue_2", "overdue_ready", *TRIAGE[2:]]
    ]


def test_hr_without_the_admin_is_sent_to_the_admin_login(client, world, board):
    client.force_login(world.hr_acme)

    response = client.get(ATTENTION)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={ATTENTION}"


def test_anonymous_is_sent_to_the_admin_login(client, board):
    response = client.get(ATTENTION)

    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={ATTENTION}")


def test_an_empty_page_says_so(client, staff):
    client.force_login(staff)

    response = client.get(ATTENTION)

    assert attention_rows(response) == []
    assert "Nothing needs attention." in response.text


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), len(attention_rows(response))


def test_query_count_does_not_grow_with_the_rows(client, world, staff):
    client.force_login(staff)
    client.get(ATTENTION)  # warm the session and content-type caches

    cases = [world.acme_case, world.globex_case]
    for n in range(5):
        supplement_due(world, cases[n % 2], dt.date(2026, 3, 11 + n), unresolved=n % 2 == 0)
    at_n, rows_n = count_queries(client, ATTENTION)
    for n in range(5):
        supplement_due(world, cases[n % 2], dt.date(2026, 3, 20 + n), ready=n % 2 == 0)
    at_2n, rows_2n = count_queries(client, ATTENTION)

    assert (rows_n, rows_2n) == (5, 10)
    assert at_2n == at_n


# --- The scoped case and supplement screens -------------------------------------------------------
CHANGELISTS = {
    "case": (Case, lambda w, b: {w.acme_case.pk, w.globex_case.pk}),
    "supplementrequest": (
        SupplementRequest,
        lambda w, b: {b[name].pk for name in [*TRIAGE, "submitted", "withdrawn"]},
    ),
    "casestatuschange": (
        CaseStatusChange,
        lambda w, b: set(
            CaseStatusChange.objects.filter(case__agency=w.agency).values_list("pk", flat=True)
        ),
    ),
    "reviewercomment": (
        ReviewerComment,
        lambda w, b: set(
            ReviewerComment.objects.filter(supplement__case__agency=w.agency).values_list(
                "pk", flat=True
            )
        ),
    ),
}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_show_only_the_agency_rows(client, world, staff, board, model):
    model_class, expected = CHANGELISTS[model]
    client.force_login(staff)
    # Another agency's rows of every kind exist, so the filter has something to leave out.
    services.comment_add(
        supplement=board["elsewhere"], actor=world.outsider, tab=PlatformTab.VISA, text="外"
    )

    response = client.get(f"/admin/cases/{model}/")

    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == expected(world, board)
    assert shown
    assert model_class.objects.count() > len(shown)


def test_items_and_documents_changelists_are_scoped(client, world, staff, board):
    mine = services.item_add(
        supplement=board["not_ready_3"], actor=world.agency_staff, kind="document", description="m"
    )
    services.item_add(
        supplement=board["elsewhere"], actor=world.outsider, kind="document", description="o"
    )
    my_document = services.document_add(
        supplement=board["not_ready_3"], actor=world.agency_staff, data=pdf_bytes("m"), name="m.pdf"
    )
    services.document_add(
        supplement=board["elsewhere"], actor=world.outsider, data=pdf_bytes("o"), name="o.pdf"
    )
    client.force_login(staff)

    items = client.get("/admin/cases/requesteditem/").context["cl"].result_list
    documents = client.get("/admin/cases/document/").context["cl"].result_list

    assert ([i.pk for i in items], RequestedItem.objects.count()) == ([mine.pk], 2)
    assert ([d.pk for d in documents], Document.objects.count()) == ([my_document.pk], 2)


def test_changelist_filters_do_not_name_other_tenants(client, world, staff, board):
    """The agency/employer filters list only organizations of the rows in scope."""
    initech = EmployerFactory(name="Initech Secret Client")
    services.case_create(
        actor=world.outsider,
        applicant=ApplicantFactory(family_name_en="Hidden"),
        kind="new",
        channel="agency",
        agency=world.other_agency,
        employer=initech,
        application_number="115551035499",
        status="nia_initial_review",
    )
    client.force_login(staff)

    for url in ("/admin/cases/case/", "/admin/cases/supplementrequest/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Elsewhere" not in response.text, url
        assert "Initech Secret Client" not in response.text, url
        assert "Hidden" not in response.text, url
    assert "Formosa" in client.get("/admin/cases/case/").text


@pytest.mark.parametrize("model", ["case", "supplementrequest"])
def test_another_agencys_object_does_not_open(client, world, staff, board, model):
    obj = world.other_agency_case if model == "case" else board["elsewhere"]
    client.force_login(staff)

    change = client.get(f"/admin/cases/{model}/{obj.pk}/change/")
    history = client.get(f"/admin/cases/{model}/{obj.pk}/history/")

    assert (change.status_code, change["Location"]) == (302, "/admin/")
    assert history.status_code == 404


def test_another_agencys_history_version_does_not_open_nor_revert(client, world, staff, board):
    elsewhere = board["elsewhere"]
    services.supplement_set_reply(supplement=elsewhere, actor=world.outsider, reply="their reply")
    first = SupplementRequest.history.filter(id=elsewhere.pk).earliest("history_id")
    before = SupplementRequest.objects.filter(pk=elsewhere.pk).values().get()
    client.force_login(staff)
    url = f"/admin/cases/supplementrequest/{elsewhere.pk}/history/{first.history_id}/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"reply": "", "outcome": "refused"}).status_code == 404
    assert SupplementRequest.objects.filter(pk=elsewhere.pk).values().get() == before


# --- A submitted supplement in the admin ----------------------------------------------------------
def form_data(response) -> dict:
    """The POST a browser would send back for the change form as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data.update(field_data(form, name))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                data.update(field_data(inline_form, name))
    return data


def field_data(form, name) -> dict:
    """One field's POST entries; a split widget (date and time) posts one entry per part."""
    bound = form[name]
    value = bound.value()
    widget = bound.field.widget
    if hasattr(widget, "widgets"):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        return {
            f"{bound.html_name}_{index}": sub.format_value(part) or ""
            for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True))
        }
    return {bound.html_name: "" if value is None else value}


def test_submitted_supplement_form_is_read_only_but_outcome_and_assignee(
    client, world, staff, board
):
    submitted = board["submitted"]
    services.comment_add(  # a comment added before submission would be there; add one on another
        supplement=board["not_ready_3"], actor=world.agency_staff, tab="visa", text="x"
    )
    url = f"/admin/cases/supplementrequest/{submitted.pk}/change/"
    client.force_login(staff)

    response = client.get(url)

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"outcome", "assignee"}
    for inline in response.context["inline_admin_formsets"]:
        assert inline.has_add_permission is False
        assert inline.has_change_permission is False
        assert inline.has_delete_permission is False
    before = SupplementRequest.objects.filter(pk=submitted.pk).values().get()

    data = form_data(response) | {
        "outcome": "accepted",
        "assignee": str(world.agency_admin.pk),
        "reply": "changed after submission",
        "deadline_override": "2026-04-30",
        "state": "open",
    }
    saved = client.post(url, data)

    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    after = SupplementRequest.objects.filter(pk=submitted.pk).values().get()
    changed = {key for key in after if after[key] != before[key]}
    assert changed - {"updated_at"} == {"outcome", "assignee_id", "outcome_recorded_at"}
    assert (after["outcome"], after["assignee_id"]) == ("accepted", world.agency_admin.pk)
    assert after["outcome_recorded_at"] == dt.datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI)
    assert SupplementRequest.history.filter(id=submitted.pk).latest().history_user == staff


def test_open_supplement_form_is_editable(client, staff, board):
    client.force_login(staff)

    response = client.get(f"/admin/cases/supplementrequest/{board['not_ready_3'].pk}/change/")

    # The operator's part; the reply, comments, items and documents are the workspace's.
    fields = set(response.context["adminform"].form.fields)
    assert fields == {"deadline_override", "override_reason", "assignee"}


def test_open_supplement_form_offers_only_its_own_comments_and_items(client, world, staff, board):
    mine = board["not_ready_3"]
    my_comment = mine.comments.get()
    my_item = services.item_add(
        supplement=mine, actor=world.agency_staff, kind="document", description="Mine"
    )
    services.document_add(
        supplement=mine, actor=world.agency_staff, data=pdf_bytes("m"), name="m.pdf"
    )
    sibling = board["not_ready_20"]  # same agency, another supplement
    services.comment_add(
        supplement=sibling, actor=world.agency_staff, tab="visa", text="SIBLING-COMMENT"
    )
    services.item_add(
        supplement=sibling, actor=world.agency_staff, kind="document", description="SIBLING-ITEM"
    )
    theirs = board["elsewhere"]
    services.comment_add(supplement=theirs, actor=world.outsider, tab="visa", text="SECRET-COMMENT")
    services.item_add(
        supplement=theirs, actor=world.outsider, kind="document", description="SECRET-ITEM"
    )
    client.force_login(staff)

    response = client.get(f"/admin/cases/supplementrequest/{mine.pk}/change/")

    assert response.status_code == 200
    for text in ("SECRET-COMMENT", "SECRET-ITEM", "SIBLING-COMMENT", "SIBLING-ITEM"):
        assert text not in response.text
    assert my_comment.text in response.text
    assert my_item.description in response.text
    for inline in response.context["inline_admin_formsets"]:
        # Shown, never edited here: a choice list could name another supplement's rows.
        assert (inline.has_add_permission, inline.has_change_permission) == (False, False)


def test_forms_refuse_another_tenants_case_or_agency(client, world, staff, board):
    client.force_login(staff)
    supplement_url = f"/admin/cases/supplementrequest/{board['not_ready_20'].pk}/change/"
    case_url = f"/admin/cases/case/{world.acme_case.pk}/change/"

    supplement_form = client.get(supplement_url).context["adminform"].form
    case_form = client.get(case_url).context["adminform"].form

    assert "case" not in supplement_form.fields  # a supplement stays on its case
    assert "agency" not in case_form.fields  # set once, when the case is opened
    assert world.other_agency_case.pk not in {
        c.pk for c in case_form.fields["previous_case"].queryset
    }
    before = SupplementRequest.objects.filter(pk=board["not_ready_20"].pk).values().get()
    data = form_data(client.get(supplement_url)) | {"case": str(world.other_agency_case.pk)}
    client.post(supplement_url, data)
    assert SupplementRequest.objects.filter(pk=board["not_ready_20"].pk).values().get() == before


def test_an_admin_edit_of_an_open_supplement_goes_through_the_service(client, world, staff, board):
    supplement = board["not_ready_20"]
    url = f"/admin/cases/supplementrequest/{supplement.pk}/change/"
    client.force_login(staff)
    data = form_data(client.get(url)) | {
        "deadline_override": "2026-04-30",
        "override_reason": "印在通知上的日期",
        "reply": "not the admin's to change",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    row = SupplementRequest.objects.get(pk=supplement.pk)
    assert (row.deadline, row.override_reason, row.version, row.reply) == (
        dt.date(2026, 4, 30),
        "印在通知上的日期",
        supplement.version + 1,
        supplement.reply,
    )
    assert row.history.latest().history_user == staff


def test_history_opens_for_own_supplements_but_never_reverts(client, staff, board):
    """Reverting to an old version would reopen a submitted supplement behind the services."""
    submitted = board["submitted"]
    first = SupplementRequest.history.filter(id=submitted.pk).earliest("history_id")
    url = f"/admin/cases/supplementrequest/{submitted.pk}/history/{first.history_id}/"
    data = {
        "case": submitted.case_id,
        "requesting_body": "nia_initial",
        "notice_date": "2026-02-01",
        "received_at_0": "2026-02-01",
        "received_at_1": "10:00:00",
        "rule": "custom",
        "deadline_override": "2026-03-31",
        "override_reason": "x",
        "outcome": "pending",
        "reply": "reopened",
    }
    before = SupplementRequest.objects.filter(pk=submitted.pk).values().get()
    client.force_login(staff)

    listing = client.get(f"/admin/cases/supplementrequest/{submitted.pk}/history/")
    version = client.get(url)
    revert = client.post(url, data)

    assert (listing.status_code, version.status_code, revert.status_code) == (200, 200, 403)
    assert 'name="_save"' not in version.text
    assert SupplementRequest.objects.filter(pk=submitted.pk).values().get() == before
