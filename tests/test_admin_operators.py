"""The admin is for operators: global reference data (closure days 停班停課, fields of expertise) is
written only by superusers or staff of no tenant holding the model permission, with its history;
agency and employer people have no Admin link; the staff dashboard shows the admin's attention list.

Agency staff below are given the old demo's admin (is_staff with every permission of the cases app,
delete included): a tenant's account still may not touch what every tenant's deadlines read.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission

from cases.models import ClosureDay, FieldOfExpertise
from tests.factories import UserFactory
from tests.test_admin_attention import (  # board: a fixture, asked for by name below
    ATTENTION,
    attention_rows,
    board,  # noqa: F401
)

pytestmark = pytest.mark.django_db

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TAIPEI), tick=False):
        yield


def cases_perms():
    return Permission.objects.filter(content_type__app_label="cases")


@pytest.fixture
def closure(db):
    return ClosureDay.objects.create(date=dt.date(2026, 9, 1), reason="Typhoon Krathon 停班停課")


@pytest.fixture
def field(db):
    return FieldOfExpertise.objects.create(
        code="test-field",
        name_en="Test field",
        name_zh="測試",
        authority_code="NSTC",
        authority_name_en="National Science and Technology Council",
        authority_name_zh="國科會",
    )


@pytest.fixture
def agency_staff(world):
    """A tenant member with the old demo's admin, every cases permission, and a group's too."""
    user = world.agency_staff
    user.is_staff = True
    user.save()
    user.user_permissions.set(cases_perms())
    group = Group.objects.create(name="everything on cases")
    group.permissions.set(cases_perms())
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def operator(*codenames):
    """Staff of no tenant, with only the named permissions."""
    user = UserFactory(username="operator", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def snapshot():
    return (
        list(ClosureDay.objects.values_list("date", "reason")),
        list(FieldOfExpertise.objects.order_by("pk").values()),
    )


def closure_form(reason="Typhoon 停班停課 (moved)", date="2026-09-02"):
    return {"date": date, "reason": reason}


def field_form(code="changed-field"):
    return {
        "code": code,
        "name_en": "Changed",
        "name_zh": "改",
        "authority_code": "MOEA",
        "authority_name_en": "Ministry of Economic Affairs",
        "authority_name_zh": "經濟部",
        "active": "on",
        "valid_from": "",
    }


def pages(closure, field):
    """Every admin page that writes reference data: (url, the POST a browser would send)."""
    return [
        ("/admin/cases/closureday/add/", closure_form(date="2026-10-10")),
        (f"/admin/cases/closureday/{closure.pk}/change/", closure_form()),
        (f"/admin/cases/closureday/{closure.pk}/delete/", {"post": "yes"}),
        ("/admin/cases/fieldofexpertise/add/", field_form("new-field")),
        (f"/admin/cases/fieldofexpertise/{field.pk}/change/", field_form()),
        (f"/admin/cases/fieldofexpertise/{field.pk}/delete/", {"post": "yes"}),
    ]


# --- Reference data -------------------------------------------------------------------------------
def test_agency_staff_with_every_cases_permission_get_403_and_change_nothing(
    client, agency_staff, closure, field
):
    client.force_login(agency_staff)
    before = snapshot()

    for url, data in pages(closure, field):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url

    assert snapshot() == before
    for url in ("/admin/cases/closureday/", "/admin/cases/fieldofexpertise/"):
        assert client.get(url).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [closure.pk], "post": "yes"}
    assert client.post("/admin/cases/closureday/", bulk).status_code == 403
    assert snapshot() == before
    # Nor are they offered on the admin's index.
    index = client.get("/admin/").text
    assert "/admin/cases/closureday/" not in index
    assert "/admin/cases/fieldofexpertise/" not in index


def test_employer_hr_with_the_explicit_permission_is_refused_too(client, world, closure):
    """A tenant's account, even granted the very permission: one tenant never moves the others'
    deadlines (an operator works from an account of no tenant)."""
    hr = world.hr_acme
    hr.is_staff = True
    hr.save()
    hr.user_permissions.set(Permission.objects.filter(codename="change_closureday"))
    client.force_login(hr)
    before = snapshot()

    url = f"/admin/cases/closureday/{closure.pk}/change/"
    assert client.post(url, closure_form()).status_code == 403
    assert snapshot() == before


def test_a_superuser_changes_a_closure_day_and_it_is_in_its_history(client, superuser, closure):
    client.force_login(superuser)

    response = client.post(
        f"/admin/cases/closureday/{closure.pk}/change/", closure_form(reason="Typhoon, day two")
    )

    assert response.status_code == 302
    closure.refresh_from_db()
    assert (closure.date, closure.reason) == (dt.date(2026, 9, 2), "Typhoon, day two")
    latest = closure.history.first()
    assert (latest.history_type, latest.history_user, latest.reason) == (
        "~",
        superuser,
        "Typhoon, day two",
    )
    history = client.get(f"/admin/cases/closureday/{closure.pk}/history/")
    assert history.status_code == 200
    assert "Typhoon, day two" in history.text
    assert "root" in history.text


def test_an_operator_with_only_the_permission_can_change_and_no_more(client, closure, field):
    user = operator("change_closureday")
    client.force_login(user)

    response = client.post(f"/admin/cases/closureday/{closure.pk}/change/", closure_form())

    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.reason == "Typhoon 停班停課 (moved)"
    assert closure.history.first().history_user == user
    # Only what was granted: no adding, no deleting, no fields of expertise.
    before = snapshot()
    url = "/admin/cases/closureday/add/"
    assert client.post(url, closure_form(date="2026-10-10")).status_code == 403
    assert not ClosureDay.objects.filter(date=dt.date(2026, 10, 10)).exists()
    url = f"/admin/cases/closureday/{closure.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    url = f"/admin/cases/fieldofexpertise/{field.pk}/change/"
    assert client.post(url, field_form()).status_code == 403
    assert snapshot() == before


def test_an_operator_with_the_add_permission_adds_a_closure_day(client):
    client.force_login(operator("add_closureday", "view_closureday"))

    response = client.post("/admin/cases/closureday/add/", closure_form(date="2026-10-10"))

    assert response.status_code == 302
    added = ClosureDay.objects.get(date=dt.date(2026, 10, 10))
    assert added.history.get().history_type == "+"


# --- The Admin link ------------------------------------------------------------------------------
def admin_link(response) -> bool:
    return 'href="/admin/"' in response.text


def test_no_admin_link_for_agency_people_even_when_staff(client, world):
    client.force_login(world.agency_staff)
    assert not admin_link(client.get("/dashboard/"))

    # is_staff alone opens an empty admin: still no link.
    world.agency_staff.is_staff = True
    world.agency_staff.save()
    assert not admin_link(client.get("/dashboard/"))


def test_admin_link_for_the_superuser_and_for_an_operator(client, superuser):
    client.force_login(superuser)
    assert admin_link(client.get("/dashboard/"))

    client.force_login(operator("change_closureday"))
    assert admin_link(client.get("/accounts/settings/"))


# --- The attention list on the dashboard --------------------------------------------------------
def panel_ids(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<tr data-attention="(\d+)"', response.text)]


@pytest.mark.parametrize("who", ["agency_operator", "superuser"])
def test_the_dashboard_panel_lists_what_the_admin_attention_page_lists(
    client, world, superuser, request, who
):
    """The same query, the same scope: an agency member who is also an operator (the admin's
    cases screens granted), and a superuser who sees every agency's."""
    if who == "superuser":
        user = superuser
    else:
        user = world.agency_staff
        user.is_staff = True
        user.save()
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="cases", codename__startswith="view_")
        )
    made = request.getfixturevalue("board")
    client.force_login(user)

    in_admin = [row["pk"] for row in attention_rows(client.get(ATTENTION))]
    response = client.get("/dashboard/")

    assert panel_ids(response) == in_admin
    assert len(in_admin) >= 6
    if who != "superuser":
        assert made["elsewhere"].pk not in in_admin
    first = made["overdue_2"]
    row = response.text.split(f'<tr data-attention="{first.pk}"')[1].split("</tr>")[0]
    assert f'href="/supplements/{first.pk}/"' in row
    assert first.case.reference in row
    assert "2026-03-08" in row
    assert "2 days overdue" in row
    assert "Reply to the reviewer (審核意見回覆) is empty" in row


def test_the_panel_of_a_plain_agency_member(client, world, request):
    """Agency people (no admin) see their agency's list, never another agency's."""
    made = request.getfixturevalue("board")
    client.force_login(world.agency_staff)

    ids = panel_ids(client.get("/dashboard/"))

    assert made["overdue_2"].pk in ids
    assert made["elsewhere"].pk not in ids
    assert made["submitted"].pk not in ids
