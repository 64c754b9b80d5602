"""The case request pages (issue 10): HR asks from its portal, the agency sees the request on its
dashboard and /case-requests/, accepts (the case opens) or declines with a reason, and HR sees the
outcome; both sides are emailed. Others get 404 on the request's URLs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from accounts.models import Employment, Profile
from cases import services
from cases.choices import CaseKind, Channel
from cases.models import Case, CaseRequest, CaseRequestState
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(world):
    applicant = ApplicantFactory(family_name_en="Okafor", given_name_en="Ada")
    Employment.objects.create(
        applicant=applicant, employer=world.acme, start_date=dt.date(2024, 1, 1)
    )
    return applicant


@pytest.fixture
def waiting(world, newcomer):
    return services.case_request_create(
        actor=world.hr_acme,
        employer=world.acme,
        agency=world.agency,
        applicant=newcomer,
        kind=CaseKind.NEW,
        note="Starts in March.",
    )


def test_request_accept_journey_with_emails(
    client, world, newcomer, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    Profile.objects.create(user=world.hr_acme, language="zh-hant")
    client.force_login(world.hr_acme)
    portal = client.get("/hr/")
    # HR reads Chinese: the portal's form and list are there, translated.
    with translation.override("zh-hant"):
        assert translation.gettext("Ask an agency for a case") in portal.text
        assert translation.gettext("Your case requests") in portal.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/case-requests/new/",
            {
                "applicant": newcomer.pk,
                "kind": CaseKind.NEW,
                "agency": world.agency.pk,
                "note": "Starts in March.",
            },
        )
    assert response.status_code == 302
    assert response.url == "/hr/"
    request = CaseRequest.objects.get()
    assert (request.employer, request.agency, request.requested_by) == (
        world.acme,
        world.agency,
        world.hr_acme,
    )
    assert {m.to[0] for m in mailoutbox} == {world.agency_admin.email, world.agency_staff.email}

    # The agency sees it waiting on its dashboard and its list.
    client.force_login(world.agency_staff)
    dashboard = client.get("/dashboard/").text
    panel = dashboard.split('id="case-requests-panel"')[1].split("</section>")[0]
    assert "Case requests waiting" in dashboard
    assert "Okafor" in panel
    assert 'class="badge">1<' in panel
    listing = client.get("/case-requests/").text
    assert "Okafor" in listing.split('id="waiting"')[1].split("</section>")[0]
    assert "Case requests" in client.get("/case-requests/").text  # nav link and title
    detail = client.get(f"/case-requests/{request.pk}/")
    assert "Accept and open the case" in detail.text
    assert "Starts in March." in detail.text

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/case-requests/{request.pk}/accept/", {"field": ""})
    request.refresh_from_db()
    case = request.case
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    assert (case.applicant, case.employer, case.agency, case.channel) == (
        newcomer,
        world.acme,
        world.agency,
        Channel.AGENCY,
    )
    assert request.decided_by == world.agency_staff
    (mail,) = mailoutbox
    assert mail.to == [world.hr_acme.email]
    assert mail.subject.startswith("[就業金卡]")
    assert f"/cases/{case.pk}/" in mail.body

    # HR sees it accepted, with the case link.
    client.force_login(world.hr_acme)
    mine = client.get("/hr/").text.split('id="hr-case-requests"')[1]
    assert f'href="/cases/{case.pk}/"' in mine
    assert case.reference in mine


def test_decline_needs_a_reason_and_hr_sees_it(client, world, waiting):
    client.force_login(world.agency_admin)
    response = client.post(f"/case-requests/{waiting.pk}/decline/", {"reason": ""})
    assert response.status_code == 400
    assert "Say why the request is declined." in response.text
    waiting.refresh_from_db()
    assert waiting.state == CaseRequestState.WAITING

    response = client.post(
        f"/case-requests/{waiting.pk}/decline/", {"reason": "We do not handle re-issues."}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == CaseRequestState.DECLINED

    client.force_login(world.hr_acme)
    mine = client.get("/hr/").text.split('id="hr-case-requests"')[1]
    assert "Declined" in mine
    assert "We do not handle re-issues." in mine


def test_deciding_twice_is_refused_and_changes_nothing(client, world, waiting):
    client.force_login(world.agency_staff)
    assert client.post(f"/case-requests/{waiting.pk}/accept/", {}).status_code == 302
    before = CaseRequest.objects.values().get(pk=waiting.pk)
    cases = Case.objects.count()

    client.force_login(world.agency_admin)
    again = client.post(f"/case-requests/{waiting.pk}/accept/", {})
    assert again.status_code == 409
    assert f"{world.agency_staff.username} already accepted this case request" in again.text
    assert 'id="req-conflict"' in again.text
    declined = client.post(f"/case-requests/{waiting.pk}/decline/", {"reason": "Too late."})
    assert declined.status_code == 409
    # Decided is said first, even with the reason left out.
    assert client.post(f"/case-requests/{waiting.pk}/decline/", {"reason": ""}).status_code == 409
    assert CaseRequest.objects.values().get(pk=waiting.pk) == before
    assert Case.objects.count() == cases


def test_others_get_404_on_every_request_url(client, world, waiting):
    for outsider in (world.hr_globex, world.outsider, world.applicant_user):
        client.force_login(outsider)
        assert client.get(f"/case-requests/{waiting.pk}/").status_code == 404
        for action in ("accept", "decline", "cancel"):
            response = client.post(f"/case-requests/{waiting.pk}/{action}/", {"reason": "x"})
            assert response.status_code == 404, (outsider, action)
        assert "Okafor" not in client.get("/case-requests/").text
    waiting.refresh_from_db()
    assert waiting.state == CaseRequestState.WAITING


def test_hr_cannot_accept_and_agency_cannot_cancel(client, world, waiting):
    client.force_login(world.hr_acme)
    assert "Accept and open the case" not in client.get(f"/case-requests/{waiting.pk}/").text
    assert client.post(f"/case-requests/{waiting.pk}/accept/", {}).status_code == 403
    client.force_login(world.agency_staff)
    assert client.post(f"/case-requests/{waiting.pk}/cancel/").status_code == 403
    client.force_login(world.hr_acme)
    assert client.post(f"/case-requests/{waiting.pk}/cancel/").status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == CaseRequestState.CANCELLED


def test_hr_of_another_employer_cannot_ask_for_someone_it_does_not_employ(client, world, newcomer):
    client.force_login(world.hr_globex)
    response = client.post(
        "/case-requests/new/",
        {"applicant": newcomer.pk, "kind": CaseKind.NEW, "agency": world.agency.pk},
    )
    assert response.status_code == 400
    assert 'id="id_applicant_error"' in response.text
    assert CaseRequest.objects.count() == 0


def test_the_only_agency_is_preselected(client, world, newcomer):
    employee = ApplicantFactory()
    Employment.objects.create(
        applicant=employee, employer=world.globex, start_date=dt.date(2024, 1, 1)
    )
    client.force_login(world.hr_globex)
    form = client.get("/hr/").text.split('id="ask-case"')[1]
    assert f'<option value="{world.agency.pk}" selected>' in form
    # Acme works with two agencies (Formosa, Elsewhere): HR chooses.
    client.force_login(world.hr_acme)
    form = client.get("/hr/").text.split('id="ask-case"')[1]
    agencies = form.split('name="agency"')[1].split("</select>")[0]
    assert '<option value="" selected>' in agencies


def test_the_request_form_page_is_for_hr(client, world, newcomer):
    client.force_login(world.hr_acme)
    page = client.get("/case-requests/new/")
    assert page.status_code == 200
    assert str(newcomer) in page.text
    client.force_login(world.agency_staff)
    assert client.get("/case-requests/new/").status_code == 403
    # Chinese pages render too (the strings are translated later; the page must not break).
    client.force_login(world.hr_acme)
    Profile.objects.update_or_create(user=world.hr_acme, defaults={"language": "zh-hant"})
    assert client.get("/hr/", headers={"accept-language": "zh-hant"}).status_code == 200
