"""Supplement requests through the API: from a notice to submission, and every rule on the way."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases import services
from cases.choices import ItemKind, PlatformTab
from cases.deadlines import compute_deadline
from cases.models import CaseStatusChange, SupplementRequest
from tests.api.conftest import open_supplement_on

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_create_from_notice_returns_the_deadline_and_how_it_was_counted(world, token_client):
    client = token_client(world.agency_staff)

    response = client.post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "nia_initial",
            "notice_date": "2026-11-05",
            "rule": "30d",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    # Day 30 is Saturday 2026-12-05: it rolls to Monday 2026-12-07.
    assert body["proposed_deadline"] == "2026-12-07"
    assert body["deadline"] == "2026-12-07"
    assert body["days_left"] == 12
    assert body["overdue"] is False
    assert body["round"] == 1
    assert body["state"] == "open"
    expected = compute_deadline(dt.date(2026, 11, 5), "30d")
    assert body["deadline_computation"] == {
        "rule": "30d",
        "notice_date": "2026-11-05",
        "counted_day": "2026-12-05",
        "last_day": "2026-12-07",
        "ends_at": "2026-12-08T00:00:00+08:00",
        "steps": [step.text("en") for step in expected.steps],
    }
    assert body["deadline_computation"]["steps"][2] == (
        "2026-12-05 (Sat) is a rest day (Saturday): moved to 2026-12-06 (Sun)"
    )
    assert body["readiness"] == {
        "ready": False,
        "missing": [
            {
                "code": "reply_empty",
                "params": {},
                "message": "Reply to the reviewer (審核意見回覆) is empty",
            }
        ],
    }
    # The case moved to "supplement requested", with its history row.
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == "supplement_requested"
    assert (
        CaseStatusChange.objects.filter(case=world.acme_case, status="supplement_requested").count()
        == 1
    )


def test_deadline_steps_follow_the_request_language(world, token_client):
    client = token_client(world.agency_staff)

    response = client.post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "wda",
            "notice_date": "2026-11-05",
            "rule": "30d",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-TW",
    )

    assert response.status_code == 201
    steps = response.json()["deadline_computation"]["steps"]
    expected = compute_deadline(dt.date(2026, 11, 5), "30d")
    assert steps == [step.text("zh-hant") for step in expected.steps]
    assert steps[0] == "通知日期 2026-11-05（週四），當日不計入，自翌日 2026-11-06（週五）起算"


def test_create_with_the_date_printed_in_the_notice(world, token_client):
    client = token_client(world.agency_staff)

    response = client.post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "competent_authority",
            "authority_code": "NSTC",
            "notice_date": "2026-11-05",
            "rule": "30d",
            "deadline_override": "2026-12-10",
            "override_reason": "Date printed in the notice",
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["proposed_deadline"], body["deadline"]) == ("2026-12-07", "2026-12-10")
    assert body["override_reason"] == "Date printed in the notice"


def test_override_without_reason_is_refused_with_the_field(world, token_client):
    response = token_client(world.agency_staff).post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "nia_initial",
            "notice_date": "2026-11-05",
            "rule": "30d",
            "deadline_override": "2026-12-10",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "invalid",
                "message": "Say why the deadline differs.",
                "field": "override_reason",
            }
        ],
        "status": 400,
    }
    assert SupplementRequest.objects.count() == 0


def test_custom_rule_has_no_computation(world, token_client):
    response = token_client(world.agency_staff).post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "mission",
            "notice_date": "2026-11-05",
            "rule": "custom",
            "deadline_override": "2027-01-15",
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["proposed_deadline"], body["deadline"]) == (None, "2027-01-15")
    assert body["deadline_computation"] is None


def test_full_journey_comments_items_reply_submit(world, token_client):
    client = token_client(world.agency_staff)
    supplement = client.post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "nia_initial",
            "notice_date": "2026-11-20",
            "rule": "30d",
        },
        format="json",
    ).json()
    sid = supplement["id"]

    comment = client.post(
        f"/api/v1/supplements/{sid}/comments/",
        {"tab": "basic", "text": "英文姓名與護照不符，請更正。", "field_label": "英文名字"},
        format="json",
    )
    assert comment.status_code == 201
    assert comment.json()["tab_label"] == "Basic data (基本資料)"
    assert comment.json()["resolved"] is False
    item = client.post(
        f"/api/v1/supplements/{sid}/items/",
        {
            "kind": "correction",
            "description": "Given name as in the passport",
            "waits_on": "applicant",
            "comment": comment.json()["id"],
        },
        format="json",
    )
    assert item.status_code == 201

    detail = client.get(f"/api/v1/supplements/{sid}/").json()
    assert detail["waiting_on"] == ["applicant"]
    assert [m["code"] for m in detail["readiness"]["missing"]] == [
        "comment_unresolved",
        "correction_pending",
        "reply_empty",
    ]

    # Not ready: refused with what is missing.
    refused = client.post(f"/api/v1/supplements/{sid}/submit/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "supplement_not_ready"
    assert [m["code"] for m in refused.json()["errors"][0]["params"]["missing"]] == [
        "comment_unresolved",
        "correction_pending",
        "reply_empty",
    ]

    resolved = client.post(
        f"/api/v1/comments/{comment.json()['id']}/resolve/",
        {"corrected_value": "Priya", "resolution": "Corrected"},
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["resolved"] is True
    assert resolved.json()["resolved_by"]["id"] == world.agency_staff.pk
    done = client.patch(f"/api/v1/items/{item.json()['id']}/", {"state": "done"}, format="json")
    assert done.json()["state"] == "done"
    version = client.get(f"/api/v1/supplements/{sid}/").json()["version"]
    replied = client.patch(
        f"/api/v1/supplements/{sid}/",
        {"reply": "您好：已更正英文名字，謝謝。", "version": version},
        format="json",
    )
    assert replied.status_code == 200
    assert replied.json()["reply"] == "您好：已更正英文名字，謝謝。"
    assert replied.json()["readiness"] == {"ready": True, "missing": []}
    assert client.get(f"/api/v1/supplements/{sid}/readiness/").json() == {
        "ready": True,
        "missing": [],
    }

    submitted = client.post(f"/api/v1/supplements/{sid}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["submitted_by"]["username"] == world.agency_staff.username
    assert submitted.json()["submitted_at"] == "2026-11-25T10:00:00+08:00"

    outcome = client.post(
        f"/api/v1/supplements/{sid}/outcome/", {"outcome": "accepted"}, format="json"
    )
    assert outcome.status_code == 200
    assert outcome.json()["outcome"] == "accepted"


def test_after_submission_every_write_answers_supplement_submitted(
    world, token_client, open_supplement
):
    client = token_client(world.agency_staff)
    comment = services.comment_add(
        supplement=open_supplement, actor=world.agency_staff, tab=PlatformTab.BASIC, text="Fix it"
    )
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport",
    )
    services.supplement_submit(supplement=open_supplement, actor=world.agency_staff, force=True)
    sid = open_supplement.pk
    before = SupplementRequest.objects.values().get(pk=sid)

    writes = [
        ("patch", f"/api/v1/supplements/{sid}/", {"reply": "Too late"}),
        ("post", f"/api/v1/supplements/{sid}/deadline/", {"deadline": "2026-12-31", "reason": "x"}),
        ("post", f"/api/v1/supplements/{sid}/submit/", {}),
        ("post", f"/api/v1/supplements/{sid}/withdraw/", {}),
        ("post", f"/api/v1/supplements/{sid}/comments/", {"tab": "basic", "text": "More"}),
        ("post", f"/api/v1/supplements/{sid}/items/", {"kind": "document", "description": "More"}),
        ("post", f"/api/v1/comments/{comment.pk}/resolve/", {"resolution": "Done"}),
        ("post", f"/api/v1/comments/{comment.pk}/reopen/", {}),
        ("patch", f"/api/v1/items/{item.pk}/", {"state": "done"}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert (url, response.status_code) == (url, 409)
        assert response.json()["errors"][0]["code"] == "supplement_submitted"
    upload = client.post(
        f"/api/v1/supplements/{sid}/documents/", {"file": _pdf_upload()}, format="multipart"
    )
    assert upload.status_code == 409
    assert upload.json()["errors"][0]["code"] == "supplement_submitted"
    assert SupplementRequest.objects.values().get(pk=sid) == before


def _pdf_upload(name="scan.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.files import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_stale_version_is_refused(world, token_client, open_supplement):
    client = token_client(world.agency_staff)
    version = open_supplement.version
    services.supplement_update(supplement=open_supplement, actor=world.agency_admin, reply="Mine")

    response = client.patch(
        f"/api/v1/supplements/{open_supplement.pk}/",
        {"reply": "Yours", "version": version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {
            "code": "stale_version",
            "message": "Someone else changed this supplement meanwhile; reload and try again.",
            "params": {"current_version": version + 1},
        }
    ]
    open_supplement.refresh_from_db()
    assert open_supplement.reply == "Mine"


def test_assign_to_colleague_and_refuse_an_outsider(world, token_client, open_supplement):
    client = token_client(world.agency_staff)
    url = f"/api/v1/supplements/{open_supplement.pk}/"

    assigned = client.patch(url, {"assignee": world.agency_admin.pk}, format="json")
    refused = client.patch(url, {"assignee": world.outsider.pk}, format="json")

    assert assigned.status_code == 200
    assert assigned.json()["assignee"]["id"] == world.agency_admin.pk
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "invalid_assignee"
    assert refused.json()["errors"][0]["field"] == "assignee"
    open_supplement.refresh_from_db()
    assert open_supplement.assignee_id == world.agency_admin.pk


def test_override_and_clear_the_deadline(world, token_client):
    supplement = open_supplement_on(world.acme_case, world.agency_staff)
    client = token_client(world.agency_staff)
    url = f"/api/v1/supplements/{supplement.pk}/deadline/"

    set_ = client.post(url, {"deadline": "2027-01-04", "reason": "Notice says so"}, format="json")
    cleared = client.post(url, {"deadline": None}, format="json")

    assert set_.json()["deadline"] == "2027-01-04"
    assert set_.json()["override_reason"] == "Notice says so"
    assert cleared.json()["deadline"] == supplement.proposed_deadline.isoformat()
    assert cleared.json()["deadline_override"] is None


def test_withdraw(world, token_client, open_supplement):
    response = token_client(world.agency_staff).post(
        f"/api/v1/supplements/{open_supplement.pk}/withdraw/", format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


def test_deadline_preview(world, token_client):
    response = token_client(world.hr_acme).get(
        "/api/v1/deadlines/preview/", {"notice_date": "2026-11-05", "rule": "6m"}
    )

    assert response.status_code == 200
    assert (
        response.json()["last_day"]
        == compute_deadline(dt.date(2026, 11, 5), "6m").last_day.isoformat()
    )


def test_list_filters_search_and_ordering(world, token_client):
    staff = world.agency_staff
    overdue = open_supplement_on(world.acme_case, staff, days_ago=40)  # due 2026-10-26ish: overdue
    soon = open_supplement_on(world.globex_case, staff, days_ago=25)
    services.supplement_update(
        supplement=soon, actor=staff, reply="Ready", assignee=world.agency_admin
    )
    later = open_supplement_on(world.globex_case, staff, days_ago=1)
    done = open_supplement_on(world.acme_case, staff, days_ago=2)
    services.supplement_submit(supplement=done, actor=staff, force=True)
    client = token_client(staff)

    def ids(**params):
        response = client.get("/api/v1/supplements/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    # Triage: open first (overdue, then not ready, then ready, each by deadline), then the rest.
    assert ids() == [overdue.pk, later.pk, soon.pk, done.pk]
    assert ids(state="open") == [overdue.pk, later.pk, soon.pk]
    assert ids(overdue="true") == [overdue.pk]
    assert ids(overdue="false", state="open") == [later.pk, soon.pk]
    assert ids(ready="true") == [soon.pk]
    assert ids(assignee=world.agency_admin.pk) == [soon.pk]
    assert ids(unassigned="false") == [soon.pk]
    assert ids(employer=world.globex.pk) == [later.pk, soon.pk]
    assert ids(agency=world.agency.pk, state="submitted") == [done.pk]
    assert ids(deadline_before=soon.deadline.isoformat(), state="open") == [overdue.pk, soon.pk]
    assert ids(deadline_after=later.deadline.isoformat()) == [later.pk]
    assert ids(search="035402") == [later.pk, soon.pk]  # the Globex case's application number
    assert ids(search="Sharma") == [overdue.pk, done.pk]
    assert ids(search=world.priya.passport_number) == [overdue.pk, done.pk]
    assert ids(ordering="deadline") == [overdue.pk, soon.pk, done.pk, later.pk]
    assert ids(ordering="-days_left") == [later.pk, done.pk, soon.pk, overdue.pk]
    assert ids(ordering="-updated")[0] == done.pk
    assert client.get("/api/v1/supplements/", {"deadline_before": "soon"}).status_code == 400


def test_page_size_is_capped(world, token_client, settings):
    settings.API_MAX_PAGE_SIZE = 2
    for days in (1, 2, 3):
        open_supplement_on(world.acme_case, world.agency_staff, days_ago=days)

    body = token_client(world.agency_staff).get("/api/v1/supplements/", {"page_size": 50}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/supplements/?page=2&page_size=50"
    assert body["previous"] is None


def test_create_refuses_an_assignee_outside_the_case(world, token_client):
    response = token_client(world.agency_staff).post(
        "/api/v1/supplements/",
        {
            "case": world.acme_case.pk,
            "requesting_body": "wda",
            "notice_date": "2026-11-20",
            "rule": "30d",
            "assignee": world.outsider.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_assignee"
    assert SupplementRequest.objects.count() == 0
