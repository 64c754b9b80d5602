"""The error pages (tracker.errors), as production serves them (DEBUG off): the site's layout in the
reader's language, a way back, the reason for a refusal; the API keeps its JSON errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import translation
from rest_framework.test import APIClient

from accounts.preferences import profile_set_language
from tests.factories import UserFactory
from tracker import errors

pytestmark = pytest.mark.django_db

BRAND = "Gold Card supplement tracker"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def in_zh_hant(user):
    profile_set_language(user=user, language="zh-hant")
    return user


# --- 404 --------------------------------------------------------------------------------------------
def test_a_missing_page_has_the_layout_and_a_way_home(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert BRAND in response.text
    assert "<h1>Page not found</h1>" in response.text
    assert 'href="/"' in response.text  # a visitor's way back: the site's root


def test_a_missing_page_in_the_readers_language_with_their_nav_and_home(client, world):
    client.force_login(in_zh_hant(world.agency_staff))

    response = client.get("/supplements/999999/")

    assert response.status_code == 404
    assert '<html lang="zh-hant">' in response.text
    assert "就業金卡補正追蹤" in response.text  # the brand, translated
    assert "儀表板" in response.text  # the nav ("Dashboard")
    assert 'class="button" href="/dashboard/"' in response.text


def test_the_way_home_is_the_readers_own_and_back_only_to_our_pages(client, world):
    client.force_login(world.hr_acme)

    ours = client.get("/cases/999999/", headers={"referer": "http://testserver/hr/?q=x"})
    theirs = client.get("/cases/999999/", headers={"referer": "https://evil.example/"})

    assert ours.status_code == theirs.status_code == 404
    assert 'class="button" href="/hr/"' in ours.text
    assert 'href="http://testserver/hr/?q=x">Back to the previous page' in ours.text
    assert "evil.example" not in theirs.text
    assert "Back to the previous page" not in theirs.text


# --- 403 --------------------------------------------------------------------------------------------
def test_a_refused_action_says_why(client, world, ready_supplement):
    """The check the service makes (cases.tenancy.checks) names the reason; the page shows it."""
    client.force_login(world.hr_acme)

    response = client.post(f"/supplements/{ready_supplement.pk}/pack/")

    assert response.status_code == 403
    assert BRAND in response.text
    assert "You cannot pack this supplement&#x27;s documents." in response.text
    assert 'class="button" href="/hr/"' in response.text


def test_the_reason_in_the_readers_language(client, world):
    client.force_login(in_zh_hant(world.agency_staff))

    response = client.post("/invitations/", {})

    assert response.status_code == 403
    assert "只有管理員可以邀請人員。" in response.text


def test_a_refusal_without_words_gets_a_general_sentence(client, world):
    """The admin refuses without a message (a tenant member on global reference data)."""
    user = world.agency_staff
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.get("/admin/cases/closureday/add/")

    assert response.status_code == 403
    assert "You do not have permission to do this." in response.text
    assert 'class="button" href="/dashboard/"' in response.text


# --- 500 --------------------------------------------------------------------------------------------
def fail(*args, **kwargs):
    raise RuntimeError("the database went away")


def test_a_server_error_renders_the_500_page(client, world, monkeypatch):
    monkeypatch.setattr("web.dashboard.queries.dashboard_queryset", fail)
    client.raise_request_exception = False
    client.force_login(in_zh_hant(world.agency_staff))

    response = client.get("/dashboard/")

    assert response.status_code == 500
    assert '<html lang="zh-hant">' in response.text  # the language the middleware activated
    assert "就業金卡補正追蹤" in response.text
    with translation.override("zh-hant"):
        heading = translation.gettext("Something went wrong")
    assert heading != "Something went wrong"  # translated
    assert f"<h1>{heading}</h1>" in response.text
    assert 'class="button" href="/"' in response.text
    assert "the database went away" not in response.text
    # No language switch: without the request there is no CSRF token to post it with.
    assert "lang-form" not in response.text


def test_the_500_page_reads_nothing_from_the_database(django_assert_num_queries):
    with translation.override("en"), django_assert_num_queries(0):
        html = render_to_string("500.html", {"home_url": "/"})

    assert BRAND in html
    assert "Something went wrong on our side" in html


# --- The API keeps its JSON --------------------------------------------------------------------------
def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_errors_stay_json(world, ready_supplement):
    hr = api_client(world.hr_acme)

    missing = hr.get("/api/v1/supplements/999999/")
    unknown = hr.get("/api/v1/nothing-here/")
    refused = hr.post(f"/api/v1/supplements/{ready_supplement.pk}/submit/", {}, format="json")

    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")
    assert missing.json()["errors"][0]["code"] == "not_found"
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "not_found"
    assert (refused.status_code, refused["Content-Type"]) == (403, "application/json")
    assert refused.json()["errors"][0]["code"] == "permission_denied"


def test_api_errors_outside_api_views_stay_json(client):
    """The handlers themselves answer JSON under /api/ (an error raised before any API view)."""
    request = client.get("/").wsgi_request
    request.path = "/api/v1/anything/"

    assert errors.page_not_found(request).status_code == 404
    denied = errors.permission_denied(request, PermissionDenied("nope"))
    assert (denied.status_code, denied["Content-Type"]) == (403, "application/json")
    assert b'"message": "nope"' in denied.content
    assert errors.server_error(request)["Content-Type"] == "application/json"


def test_a_superuser_gets_the_same_pages(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'class="button" href="/dashboard/"' in response.text


def test_htmx_gets_the_reason_alone_to_swap_in(client, world, ready_supplement):
    client.force_login(world.hr_acme)

    response = client.post(
        f"/supplements/{ready_supplement.pk}/pack/", headers={"hx-request": "true"}
    )

    assert response.status_code == 403
    assert "<html" not in response.text
    assert 'role="alert"' in response.text
    assert "You cannot pack this supplement&#x27;s documents." in response.text
