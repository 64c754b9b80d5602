"""Logging in and out, lockout, password reset, two-factor, language per user, invitations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, Membership, Profile, Role
from tests.factories import ApplicantFactory, EmployerFactory

PASSWORD = "pw-for-tests-1"


def _login(client, user, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": password}, **extra
    )


@pytest.mark.django_db
def test_login_sends_each_person_to_their_own_page(client, world):
    expected = {
        world.agency_staff: "/dashboard/",
        world.hr_acme: "/hr/",
        world.applicant_user: "/me/",
    }
    for user, page in expected.items():
        client.logout()
        response = _login(client, user)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
        assert client.get("/").headers["Location"] == page


@pytest.mark.django_db
def test_login_page_is_accessible_and_csp_clean(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<label for="id_username">' in response.text
    assert '<label for="id_password">' in response.text
    assert 'autocomplete="current-password"' in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None
    assert re.search(r"\son[a-z]+=", response.text) is None


@pytest.mark.django_db
def test_logout_ends_the_session(client, world):
    client.force_login(world.agency_staff)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/"
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_with_a_clear_page(client, world):
    for _attempt in range(4):
        response = _login(client, world.agency_staff, password="wrong")
        assert response.status_code == 200
        assert "Your username and password didn't match." in response.text

    locked = _login(client, world.agency_staff, password="wrong")
    assert locked.status_code == 429
    assert "Account locked for now" in locked.text
    assert "There were 5 wrong passwords in a row" in locked.text
    assert "Try again in about 60 minutes." in locked.text
    assert 'href="/accounts/password_reset/"' in locked.text

    # Even the right password is refused while locked.
    still = _login(client, world.agency_staff)
    assert still.status_code == 429


@pytest.mark.django_db
def test_password_reset_by_email_sets_a_new_password_and_lifts_the_lockout(client, world):
    user = world.agency_staff
    for _attempt in range(5):
        _login(client, user, password="wrong")
    assert _login(client, user).status_code == 429

    response = client.post("/accounts/password_reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your Gold Card tracker password"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "A-much-better-pw-42", "new_password2": "A-much-better-pw-42"}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/accounts/reset/done/"

    assert _login(client, user, password="A-much-better-pw-42").status_code == 302


def _enable_totp(client, user) -> TOTPDevice:
    client.force_login(user)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    return device


@pytest.mark.django_db
def test_two_factor_login_asks_for_the_code_before_any_page(client, world):
    user = world.agency_staff
    device = _enable_totp(client, user)
    client.post("/accounts/logout/")

    later = timezone.now() + dt.timedelta(minutes=2)  # a fresh code (each is single use)
    with time_machine.travel(later, tick=False):
        response = _login(client, user)
        assert response.status_code == 302
        assert response.headers["Location"] == "/accounts/login/code/?next=%2F"

        blocked = client.get("/dashboard/")
        assert blocked.status_code == 302
        assert blocked.headers["Location"] == "/accounts/login/code/?next=%2Fdashboard%2F"
        assert client.get("/api/v1/supplements/").status_code == 403

        wrong = client.post("/accounts/login/code/", {"token": "000000", "next": "/dashboard/"})
        assert wrong.status_code == 200
        assert "That code is not right" in wrong.text

    with time_machine.travel(later + dt.timedelta(seconds=31), tick=False):
        right = client.post(
            "/accounts/login/code/",
            {"token": f"{totp(device.bin_key):06d}", "next": "/dashboard/"},
        )
        assert right.status_code == 302
        assert right.headers["Location"] == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_users_without_a_device_log_in_with_the_password_alone(client, world):
    _login(client, world.agency_staff)

    assert client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_language_switch_is_remembered_per_user(client, world):
    user = world.agency_staff
    client.force_login(user)

    response = client.post("/accounts/language/", {"language": "zh-hant", "next": "/dashboard/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert Profile.objects.get(user=user).language == "zh-hant"
    # A new browser without the cookie, same user: still Chinese.
    from django.test import Client

    other = Client()
    other.force_login(user)
    page = other.get("/dashboard/")
    assert '<html lang="zh-hant">' in page.text
    # An English browser header does not override the user's choice.
    page = other.get("/dashboard/", headers={"accept-language": "en"})
    assert '<html lang="zh-hant">' in page.text


@pytest.mark.django_db
def test_visitors_switch_language_by_cookie(client):
    response = client.post(
        "/accounts/language/", {"language": "zh-hant", "next": "/accounts/login/"}
    )

    assert response.cookies["django_language"].value == "zh-hant"
    assert '<html lang="zh-hant">' in client.get("/accounts/login/").text


@pytest.mark.django_db
def test_settings_save_language_and_time_zone(client, world):
    client.force_login(world.applicant_user)

    response = client.post("/accounts/settings/", {"language": "en", "time_zone": "Europe/Berlin"})

    assert response.status_code == 302
    profile = Profile.objects.get(user=world.applicant_user)
    assert (profile.language, profile.time_zone) == ("en", "Europe/Berlin")


# --- Invitations ------------------------------------------------------------------------------
def _invite(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/invitations/", data)


def _link_from_mail() -> str:
    return re.search(r"http://testserver(/accounts/invitations/\S+/)", mail.outbox[-1].body).group(
        1
    )


@pytest.mark.django_db
def test_admin_invites_staff_who_joins_once_by_the_link(
    client, world, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tracker.example"
    client.force_login(world.agency_admin)
    response = _invite(
        client,
        {
            "email": "new@formosa.example",
            "organization": world.agency.pk,
            "role": Role.AGENCY_STAFF,
        },
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@formosa.example"]
    assert mail.outbox[-1].message()["Message-ID"].endswith("@tracker.example>")
    link = _link_from_mail()

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "You are invited to join Formosa as Agency staff." in page.text
    accepted = client.post(
        link,
        {
            "username": "newbie",
            "first_name": "New",
            "last_name": "Staff",
            "password1": "Sturdy-pass-2026",
            "password2": "Sturdy-pass-2026",
            "language": "zh-hant",
        },
    )
    assert accepted.status_code == 302
    membership = Membership.objects.get(user__username="newbie")
    assert (membership.organization, membership.role) == (world.agency, Role.AGENCY_STAFF)
    assert membership.user.email == "new@formosa.example"
    assert Profile.objects.get(user=membership.user).language == "zh-hant"
    assert client.get("/").headers["Location"] == "/dashboard/"

    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "already used" in again.text


@pytest.mark.django_db
def test_invitation_links_expire(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.agency_admin)
    _invite(
        client,
        {"email": "hr@acme.example", "organization": world.acme.pk, "role": Role.EMPLOYER_HR},
        django_capture_on_commit_callbacks,
    )
    link = _link_from_mail()
    client.logout()

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = client.get(link)

    assert response.status_code == 410
    assert "expired" in response.text


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client, world):
    response = client.get("/accounts/invitations/not-a-real-token/")

    assert response.status_code == 410
    assert "not valid" in response.text


@pytest.mark.django_db
def test_applicant_invitation_links_their_login(client, world, django_capture_on_commit_callbacks):
    applicant = ApplicantFactory(time_zone="Asia/Kolkata")
    from cases import services

    services.case_create(
        actor=world.agency_staff,
        applicant=applicant,
        kind="new",
        channel="agency",
        agency=world.agency,
    )
    client.force_login(world.agency_admin)
    response = _invite(
        client,
        {"email": applicant.email, "applicant": applicant.pk},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    link = _link_from_mail()
    client.logout()
    client.post(
        link,
        {
            "username": "me-myself",
            "password1": "Sturdy-pass-2026",
            "password2": "Sturdy-pass-2026",
            "language": "en",
        },
    )

    applicant.refresh_from_db()
    assert applicant.user.username == "me-myself"
    assert Profile.objects.get(user=applicant.user).time_zone == "Asia/Kolkata"
    assert client.get("/").headers["Location"] == "/me/"


@pytest.mark.django_db
def test_only_admins_invite_and_only_into_their_clients(client, world):
    client.force_login(world.agency_staff)
    assert client.get("/invitations/").status_code == 403

    stranger = EmployerFactory(name="Initech")  # no case of ours
    client.force_login(world.agency_admin)
    response = client.post(
        "/invitations/",
        {"email": "x@initech.example", "organization": stranger.pk, "role": Role.EMPLOYER_HR},
    )
    assert response.status_code == 400
    assert Invitation.objects.count() == 0

    wrong_role = client.post(
        "/invitations/",
        {"email": "x@acme.example", "organization": world.acme.pk, "role": Role.AGENCY_STAFF},
    )
    assert wrong_role.status_code == 400
    assert "This role does not fit this kind of organization." in wrong_role.text
    assert Invitation.objects.count() == 0
