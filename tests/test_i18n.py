"""The locale machinery: zh-TW browsers get Traditional Chinese, others English, and our own
catalogue is compiled and loaded."""

import pytest
from django.utils import translation

from cases.choices import PlatformTab


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "expected_lang", "login_label"),
    [("zh-TW,zh;q=0.9", "zh-hant", "登入"), ("en-US,en;q=0.9", "en", "Log in")],
)
def test_login_page_follows_the_browser_language(client, accept, expected_lang, login_label):
    response = client.get("/accounts/login/", headers={"accept-language": accept})

    assert response.status_code == 200
    assert f'<html lang="{expected_lang}">' in response.text
    assert f"<h1>{login_label}</h1>" in response.text


def test_our_catalogue_is_compiled_and_translates_domain_terms():
    with translation.override("zh-hant"):
        label = str(PlatformTab.SUBMIT.label)
    with translation.override("en"):
        english = str(PlatformTab.SUBMIT.label)

    assert english == "Finish and submit (完成送出)"
    assert label != english
    assert "完成送出" in label


@pytest.mark.django_db
def test_a_persons_language_does_not_outlive_their_request(client, world):
    """The user's language is active for their request only: code the same thread runs next
    (an in-process task, a test's service call) speaks the site's language again."""
    from django.utils import translation

    from accounts.models import Profile

    Profile.objects.create(user=world.hr_acme, language="zh-hant")
    client.force_login(world.hr_acme)
    before = translation.get_language()

    page = client.get("/hr/")

    assert '<html lang="zh-hant">' in page.text
    assert translation.get_language() == before


def test_a_new_login_keeps_the_browsers_language_the_first_time(client, world):
    from accounts.models import Profile

    user = world.hr_globex
    assert not Profile.objects.filter(user=user).exists()
    client.post(
        "/accounts/login/",
        {"username": user.username, "password": "pw-for-tests-1"},
        HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9,en;q=0.5",
    )
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9,en;q=0.5", follow=True)

    assert page.status_code == 200
    assert Profile.objects.get(user=user).language == "zh-hant"
    assert '<html lang="zh-hant">' in page.content.decode()


def test_a_saved_language_wins_over_the_browsers(client, world):
    from accounts.preferences import profile_set_language

    user = world.hr_globex
    profile_set_language(user=user, language="en")
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW", follow=True)

    assert '<html lang="en">' in page.content.decode()
