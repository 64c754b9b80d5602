"""The agency staff dashboard: triage order, filters, bulk assignment, calendar, export, scope."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from cases import services
from cases.choices import Channel, DeadlineRule, ItemKind, Party, RequestingBody
from cases.models import SupplementRequest
from tests.factories import ApplicantFactory, UserFactory


def _supplement(world, case, *, days_from_today: int, body=RequestingBody.NIA_INITIAL, **extra):
    """A supplement whose deadline is exactly `days_from_today` away (the notice's own date)."""
    today = timezone.localdate()
    return services.supplement_create(
        case=case,
        actor=world.filer(case),
        requesting_body=body,
        notice_date=today - dt.timedelta(days=40),
        rule=DeadlineRule.CUSTOM,
        deadline_override=today + dt.timedelta(days=days_from_today),
        **extra,
    )


def _case(world, *, employer=None, agency=None, family="Doe"):
    return services.case_create(
        actor=world.agency_staff,
        applicant=ApplicantFactory(family_name_en=family),
        kind="new",
        channel=Channel.AGENCY,
        agency=agency or world.agency,
        employer=employer,
        status="nia_initial_review",
    )


def _ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-supplement="(\d+)"', response.text)]


@pytest.fixture
def triage(world):
    """Three of our supplements (overdue, ready and due soon, not ready and due later) and one of
    another agency's."""
    overdue = _supplement(world, world.acme_case, days_from_today=-2, assignee=world.agency_staff)
    later = _supplement(world, world.globex_case, days_from_today=20, body=RequestingBody.WDA)
    ready = _supplement(world, _case(world, employer=world.acme, family="Ready"), days_from_today=2)
    services.supplement_set_reply(supplement=ready, actor=world.agency_staff, reply="好")
    foreign = _supplement(world, world.other_agency_case, days_from_today=1)
    return {"overdue": overdue, "later": later, "ready": ready, "foreign": foreign}


@pytest.mark.django_db
def test_dashboard_lists_our_open_supplements_in_triage_order(client, world, triage):
    client.force_login(world.agency_staff)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    # Overdue first, then not ready, then ready; never another agency's.
    assert _ids(response) == [triage["overdue"].pk, triage["later"].pk, triage["ready"].pk]
    row = response.text.split(f'<tr data-supplement="{triage["overdue"].pk}"')[1].split("</tr>")[0]
    assert "-2" in row
    assert "overdue" in row
    assert "Reply to the reviewer (審核意見回覆) is empty" in row
    assert 'value="3"' in row
    assert "<meter" in row
    assert "Agency staff" in row  # waits on: nothing pending, so the agency files


@pytest.mark.django_db
def test_dashboard_shows_whom_it_waits_on(client, world, triage):
    services.item_add(
        supplement=triage["later"],
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Employment certificate",
        waits_on=Party.EMPLOYER,
    )
    services.item_add(
        supplement=triage["later"],
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Passport page",
        waits_on=Party.APPLICANT,
    )
    client.force_login(world.agency_staff)

    response = client.get("/dashboard/")

    row = response.text.split(f'<tr data-supplement="{triage["later"].pk}"')[1].split("</tr>")[0]
    assert "Applicant, Employer HR" in row
    assert "Employment certificate not uploaded" in row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=yes", ["overdue"]),
        ("overdue=no", ["later", "ready"]),
        ("ready=yes", ["ready"]),
        ("ready=no", ["overdue", "later"]),
        ("requesting_body=wda", ["later"]),
        ("assignee=me", ["overdue"]),
        ("assignee=none", ["later", "ready"]),
        ("due_within=3", ["overdue", "ready"]),
        ("q=115551035402", ["later"]),
        ("q=ready", ["ready"]),
    ],
)
def test_dashboard_filters(client, world, triage, query, expected):
    client.force_login(world.agency_staff)

    response = client.get(f"/dashboard/?{query}")

    assert _ids(response) == [triage[name].pk for name in expected]


@pytest.mark.django_db
def test_filter_by_employer_and_by_reference(client, world, triage):
    client.force_login(world.agency_staff)

    by_employer = client.get(f"/dashboard/?employer={world.globex.pk}")
    by_reference = client.get(f"/dashboard/?q={world.acme_case.reference}")

    assert _ids(by_employer) == [triage["later"].pk]
    assert _ids(by_reference) == [triage["overdue"].pk]


@pytest.mark.django_db
def test_htmx_filtering_answers_the_results_block_only(client, world, triage):
    client.force_login(world.agency_staff)

    response = client.get(
        "/dashboard/?ready=yes", headers={"HX-Request": "true", "HX-Target": "results"}
    )

    assert response.text.lstrip().startswith('<div id="results">')
    assert _ids(response) == [triage["ready"].pk]


@pytest.mark.django_db
def test_other_people_are_sent_to_their_own_pages(client, world):
    for user, page in [(world.hr_acme, "/hr/"), (world.applicant_user, "/me/")]:
        client.force_login(user)
        response = client.get("/dashboard/")
        assert response.status_code == 302
        assert response.headers["Location"] == page


@pytest.mark.django_db
def test_bulk_assign(client, world, triage):
    client.force_login(world.agency_staff)

    response = client.post(
        "/dashboard/assign/",
        {
            "bulk-supplements": [triage["later"].pk, triage["ready"].pk],
            "bulk-assignee": world.agency_admin.pk,
            "return_to": "/dashboard/?ready=no",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/?ready=no"
    assigned = dict(SupplementRequest.objects.values_list("pk", "assignee_id"))
    assert assigned[triage["later"].pk] == world.agency_admin.pk
    assert assigned[triage["ready"].pk] == world.agency_admin.pk
    assert assigned[triage["overdue"].pk] == world.agency_staff.pk


@pytest.mark.django_db
def test_bulk_assign_cannot_reach_another_agencys_supplement(client, world, triage):
    client.force_login(world.agency_staff)

    client.post(
        "/dashboard/assign/",
        {"bulk-supplements": [triage["foreign"].pk], "bulk-assignee": world.agency_staff.pk},
    )

    assert SupplementRequest.objects.get(pk=triage["foreign"].pk).assignee_id is None


@pytest.mark.django_db
def test_bulk_assign_only_to_our_own_staff(client, world, triage):
    client.force_login(world.agency_staff)

    client.post(
        "/dashboard/assign/",
        {"bulk-supplements": [triage["later"].pk], "bulk-assignee": world.outsider.pk},
    )

    assert SupplementRequest.objects.get(pk=triage["later"].pk).assignee_id is None


@pytest.mark.django_db
def test_hr_cannot_bulk_assign(client, world, triage):
    client.force_login(world.hr_acme)

    response = client.post(
        "/dashboard/assign/", {"bulk-supplements": [triage["overdue"].pk], "bulk-assignee": ""}
    )

    assert response.status_code == 403
    assert (
        SupplementRequest.objects.get(pk=triage["overdue"].pk).assignee_id == world.agency_staff.pk
    )


@pytest.mark.django_db
def test_calendar_shows_deadlines_of_the_month(client, world, triage):
    client.force_login(world.agency_staff)
    deadline = triage["later"].deadline

    response = client.get(f"/dashboard/calendar/?month={deadline:%Y-%m}")

    assert response.status_code == 200
    assert f'<time datetime="{deadline:%Y-%m-%d}">' in response.text
    assert f'href="/supplements/{triage["later"].pk}/"' in response.text
    assert f'href="/supplements/{triage["foreign"].pk}/"' not in response.text


@pytest.mark.django_db
def test_export_csv_is_the_filtered_list_with_formulas_escaped(client, world, triage):
    applicant = triage["later"].case.applicant
    applicant.family_name_en = '=HYPERLINK("http://evil")'
    applicant.save()
    client.force_login(world.agency_staff)

    response = client.get("/dashboard/export.csv?overdue=no")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment; filename=" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Reference,Application number (申請案號),Applicant,")
    assert len(lines) == 3  # header + later + ready
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text
    assert '"=HYPERLINK' not in text


@pytest.mark.django_db
def test_export_xlsx_opens_and_escapes_formulas(client, world, triage):
    applicant = triage["overdue"].case.applicant
    applicant.family_name_en = "@SUM(1+1)"
    applicant.save()
    client.force_login(world.agency_staff)

    response = client.get("/dashboard/export.xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference"
    assert len(rows) == 4
    assert rows[1][2].startswith("'@SUM(1+1)")
    assert rows[1][8] == -2  # days left stays a number


@pytest.mark.django_db
def test_export_of_an_unknown_format_is_404(client, world):
    client.force_login(world.agency_staff)

    assert client.get("/dashboard/export.exe").status_code == 404


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_the_list(client, world, django_assert_num_queries):
    client.force_login(world.agency_staff)

    def add(n):
        for _ in range(n):
            supplement = _supplement(world, _case(world, employer=world.acme), days_from_today=5)
            services.item_add(
                supplement=supplement,
                actor=world.agency_staff,
                kind=ItemKind.DOCUMENT,
                description="x",
                waits_on=Party.EMPLOYER,
            )

    add(5)
    client.get("/dashboard/")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(_ids(client.get("/dashboard/"))) == 5
    add(5)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(_ids(client.get("/dashboard/"))) == 10


@pytest.mark.django_db
def test_bulk_assign_keeps_to_the_people_on_each_case(client, world, triage):
    """A superuser may pick any agency's staff; the service still refuses someone who works for
    neither the agency nor the employer on the case, and the page says how many it left."""
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/dashboard/assign/",
        {"bulk-supplements": [triage["later"].pk], "bulk-assignee": world.outsider.pk},
        follow=True,
    )

    assert SupplementRequest.objects.get(pk=triage["later"].pk).assignee_id is None
    assert "1 supplement was not assigned" in response.content.decode()
