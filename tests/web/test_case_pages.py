"""The case life in the pages: the case list with its filters and export, opening a case, moving
it along the lifecycle, its details, and a supplement's withdrawal, reopening and outcome. HR and
the applicant see the true status and holder at every step."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from cases import services
from cases.choices import CaseKind, CaseStatus, DeadlineRule, RequestingBody, SupplementState
from cases.models import Case, CaseStatusChange, SupplementRequest
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def _today() -> str:
    return timezone.localdate().isoformat()


def _login(client, user):
    client.force_login(user)
    return client


# --- /cases/ --------------------------------------------------------------------------------------
def test_the_case_list_shows_every_case_in_scope_without_a_search(client, world):
    page = _login(client, world.agency_staff).get("/cases/")

    assert page.status_code == 200
    listed = {c.pk for c in page.context["page_obj"]}
    assert listed == {world.acme_case.pk, world.globex_case.pk}  # not another agency's, not self
    assert world.other_agency_case.reference not in page.text
    assert "2 cases" in page.text


def test_the_case_list_filters_by_status_holder_kind_and_expiring_card(client, world):
    services.case_transition(
        case=world.globex_case, actor=world.agency_staff, status=CaseStatus.QUALIFICATION_REVIEW
    )
    services.case_update(
        case=world.acme_case,
        actor=world.agency_staff,
        card_valid_from=timezone.localdate() - dt.timedelta(days=700),
        card_valid_to=timezone.localdate() + dt.timedelta(days=20),
    )
    _login(client, world.agency_staff)

    def listed(query: str) -> set[int]:
        return {c.pk for c in client.get(f"/cases/?{query}").context["page_obj"]}

    assert listed("status=qualification_review") == {world.globex_case.pk}
    assert listed("holding_body=wda") == {world.globex_case.pk}
    assert listed("holding_body=nia") == {world.acme_case.pk}
    assert listed(f"employer={world.acme.pk}") == {world.acme_case.pk}
    assert listed("kind=extension") == set()
    assert listed("card_expiring=30") == {world.acme_case.pk}
    invalid = client.get("/cases/?status=not-a-status")
    assert "Select a valid choice" in invalid.text  # said beside the filter, not silently dropped


def test_the_case_list_paginates(client, world):
    for _number in range(55):
        services.case_create(
            actor=world.agency_staff,
            applicant=ApplicantFactory(),
            kind=CaseKind.NEW,
            channel="agency",
            agency=world.agency,
        )
    page = _login(client, world.agency_staff).get("/cases/")
    second = client.get("/cases/?page=2")

    assert len(page.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 57 - 50
    assert "Page 1 of 2" in page.text


def test_a_search_with_one_match_opens_the_case(client, world):
    found = _login(client, world.agency_staff).get("/cases/?q=115551035402")

    assert found.status_code == 302
    assert found.headers["Location"] == f"/cases/{world.globex_case.pk}/"


def test_the_case_list_exports_what_it_shows(client, world):
    response = _login(client, world.hr_acme).get("/cases/export.csv?status=nia_initial_review")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    references = {row[0] for row in rows[1:]}
    # Acme's HR: the Acme cases of both agencies; Globex's case is not theirs.
    assert references == {world.acme_case.reference, world.other_agency_case.reference}
    assert client.get("/cases/export.pdf").status_code == 404


# --- /cases/new/ ----------------------------------------------------------------------------------
def test_agency_staff_open_a_case(client, world):
    applicant = ApplicantFactory(family_name_en="Okafor")
    services.case_create(  # seen by the agency through an earlier case
        actor=world.agency_staff,
        applicant=applicant,
        kind=CaseKind.NEW,
        channel="agency",
        agency=world.agency,
    )
    _login(client, world.agency_staff)
    form = client.get("/cases/new/")
    assert form.status_code == 200

    response = client.post(
        "/cases/new/",
        {
            "applicant": applicant.pk,
            "agency": world.agency.pk,
            "employer": world.acme.pk,
            "kind": CaseKind.EXTENSION,
            "channel": "agency",
            "application_number": "115551035499",
            "applied_on": _today(),
            "applying_from": "domestic",
            "collection_station": "Taipei",
        },
    )

    case = Case.objects.get(application_number="115551035499")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.pk}/"
    assert case.status == CaseStatus.DRAFT
    assert case.status_changes.get().recorded_by == world.agency_staff
    page = client.get(response.headers["Location"])
    assert f"Case {case.reference} opened" in page.text


def test_a_duplicate_application_number_is_refused_beside_the_field(client, world):
    _login(client, world.agency_staff)
    before = Case.objects.count()

    response = client.post(
        "/cases/new/",
        {
            "applicant": world.priya.pk,
            "agency": world.agency.pk,
            "kind": CaseKind.NEW,
            "channel": "agency",
            "application_number": world.acme_case.application_number,
            "applying_from": "domestic",
        },
    )

    assert response.status_code == 400
    assert Case.objects.count() == before
    errors = response.context["form"].errors
    assert "application_number" in errors


def test_another_agencys_applicant_cannot_be_chosen(client, world):
    _login(client, world.outsider)
    response = client.post(
        "/cases/new/",
        {
            "applicant": world.priya.pk,  # Formosa's client, not Elsewhere's
            "agency": world.other_agency.pk,
            "kind": CaseKind.NEW,
            "channel": "agency",
            "applying_from": "domestic",
        },
    )

    assert response.status_code == 400
    assert "applicant" in response.context["form"].errors


def test_hr_is_sent_home_from_the_new_case_form(client, world):
    response = _login(client, world.hr_acme).get("/cases/new/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/hr/"


# --- Moving a case --------------------------------------------------------------------------------
def test_the_case_page_offers_only_the_allowed_next_steps(client, world):
    page = _login(client, world.agency_staff).get(f"/cases/{world.acme_case.pk}/")

    offered = [value for value, _label in page.context["transition_form"].fields["status"].choices]
    assert offered == [
        CaseStatus.SUPPLEMENT_REQUESTED,
        CaseStatus.QUALIFICATION_REVIEW,
        CaseStatus.REFUSED,
        CaseStatus.WITHDRAWN,
    ]


def test_a_refused_transition_is_a_clear_message_and_changes_nothing(client, world):
    _login(client, world.agency_staff)
    before = CaseStatusChange.objects.filter(case=world.acme_case).count()

    response = client.post(
        f"/cases/{world.acme_case.pk}/status/",
        {"status": CaseStatus.COLLECTED, "happened_on": _today()},
    )

    assert response.status_code == 400
    assert "cannot move there" in response.text
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == CaseStatus.NIA_INITIAL_REVIEW
    assert CaseStatusChange.objects.filter(case=world.acme_case).count() == before


def test_a_future_date_is_refused(client, world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = _login(client, world.agency_staff).post(
        f"/cases/{world.acme_case.pk}/status/",
        {"status": CaseStatus.QUALIFICATION_REVIEW, "happened_on": tomorrow},
    )

    assert response.status_code == 400
    assert "future date" in response.text
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == CaseStatus.NIA_INITIAL_REVIEW


def test_hr_may_not_move_an_agency_case_and_others_do_not_see_it(client, world):
    url = f"/cases/{world.acme_case.pk}/status/"
    data = {"status": CaseStatus.QUALIFICATION_REVIEW, "happened_on": _today()}

    hr = _login(client, world.hr_acme).post(url, data)
    other_hr = _login(client, world.hr_globex).post(url, data)
    other_agency = _login(client, world.outsider).post(url, data)

    assert hr.status_code == 403
    assert other_hr.status_code == 404
    assert other_agency.status_code == 404
    for path in ("details/", "notes/"):
        assert (
            _login(client, world.outsider).post(f"/cases/{world.acme_case.pk}/{path}").status_code
            == 404
        )
    world.acme_case.refresh_from_db()
    assert world.acme_case.status == CaseStatus.NIA_INITIAL_REVIEW


def test_card_dates_and_notes_are_recorded_from_the_case_page(client, world):
    _login(client, world.agency_staff)
    start = timezone.localdate()

    details = client.post(
        f"/cases/{world.acme_case.pk}/details/",
        {
            "kind": CaseKind.NEW,
            "applying_from": "domestic",
            "application_number": world.acme_case.application_number,
            "validity_years": 3,
            "card_valid_from": start.isoformat(),
            "card_valid_to": (start + dt.timedelta(days=3 * 365)).isoformat(),
        },
    )
    notes = client.post(f"/cases/{world.acme_case.pk}/notes/", {"internal_notes": "VIP client"})
    bad = client.post(
        f"/cases/{world.acme_case.pk}/details/",
        {
            "kind": CaseKind.NEW,
            "applying_from": "domestic",
            "card_valid_from": start.isoformat(),
            "card_valid_to": (start - dt.timedelta(days=1)).isoformat(),
        },
    )

    assert details.status_code == 302
    assert notes.status_code == 302
    assert bad.status_code == 400
    world.acme_case.refresh_from_db()
    assert world.acme_case.validity_years == 3
    assert world.acme_case.card_valid_to == start + dt.timedelta(days=3 * 365)  # bad one: unsaved
    assert world.acme_case.internal_notes == "VIP client"
    hr_page = _login(client, world.hr_acme).get(f"/cases/{world.acme_case.pk}/")
    assert "VIP client" not in hr_page.text
    assert "Move the case" not in hr_page.text


# --- The whole life, as HR and the applicant see it --------------------------------------------
def _status_and_holder(client, user, case) -> tuple[str, str]:
    client.force_login(user)
    page = client.get(f"/cases/{case.pk}/")
    case = page.context["case"]
    return case.get_status_display(), case.get_holding_body_display()


def test_a_case_followed_through_a_supplement_to_the_card(client, world):
    case = world.acme_case
    staff = world.agency_staff
    today = _today()

    def move(status: str):
        _login(client, staff)
        response = client.post(
            f"/cases/{case.pk}/status/", {"status": status, "happened_on": today}
        )
        assert response.status_code == 302, response.text

    def seen_by_all() -> set[tuple[str, str]]:
        return {
            _status_and_holder(client, user, case)
            for user in (staff, world.hr_acme, world.applicant_user)
        }

    # A supplement request recorded from the case page moves the case to "supplement requested".
    _login(client, staff)
    created = client.post(
        f"/cases/{case.pk}/supplements/new/",
        {
            "requesting_body": RequestingBody.NIA_INITIAL,
            "notice_date": today,
            "rule": DeadlineRule.DAYS_30,
        },
    )
    assert created.status_code == 302
    supplement = SupplementRequest.objects.get(case=case)
    assert seen_by_all() == {("Supplement requested (資料補正)", "Applicant side (申請人)")}
    hr_portal = _login(client, world.hr_acme).get("/hr/")
    assert "Supplement requested (資料補正)" in hr_portal.text

    # Its submission returns the case to the stage it came from, held by that body.
    _login(client, staff)
    submitted = client.post(
        f"/supplements/{supplement.pk}/submit/",
        {
            "confirm": "on",
            "submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "force": "on",
        },
    )
    assert submitted.status_code == 302
    assert seen_by_all() == {
        ("NIA information check (移民署初審)", "National Immigration Agency (內政部移民署)")
    }
    me = _login(client, world.applicant_user).get("/me/")
    assert "NIA information check (移民署初審)" in me.text

    # The outcome is recorded on the workspace.
    _login(client, staff)
    outcome = client.post(f"/supplements/{supplement.pk}/outcome/", {"outcome": "accepted"})
    assert outcome.status_code == 302
    supplement.refresh_from_db()
    assert supplement.outcome == "accepted"

    for status in (
        CaseStatus.QUALIFICATION_REVIEW,
        CaseStatus.NIA_FINAL_REVIEW,
        CaseStatus.APPROVED,
        CaseStatus.CARD_READY,
    ):
        move(status)
        label = CaseStatus(status).label
        assert {status_seen for status_seen, _holder in seen_by_all()} == {str(label)}
    assert [c.status for c in case.status_changes.order_by("id")][-4:] == [
        "qualification_review",
        "nia_final_review",
        "approved",
        "card_ready",
    ]


def test_withdraw_reopen_and_a_refusal_outcome_from_the_workspace(client, world, open_supplement):
    case = world.acme_case
    _login(client, world.agency_staff)

    withdrawn = client.post(f"/supplements/{open_supplement.pk}/withdraw/")
    assert withdrawn.status_code == 302
    page = client.get(withdrawn.headers["Location"])
    assert "Supplement withdrawn" in page.text
    case.refresh_from_db()
    assert case.status == CaseStatus.NIA_INITIAL_REVIEW

    reopened = client.post(f"/supplements/{open_supplement.pk}/reopen/")
    assert reopened.status_code == 302
    open_supplement.refresh_from_db()
    case.refresh_from_db()
    assert open_supplement.state == SupplementState.OPEN
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED

    again = client.post(f"/supplements/{open_supplement.pk}/reopen/")
    assert again.status_code == 400
    assert "Only a withdrawn supplement can be reopened." in again.text

    early = client.post(f"/supplements/{open_supplement.pk}/outcome/", {"outcome": "refused"})
    assert early.status_code == 400
    assert "Record an outcome after submitting." in early.text

    services.supplement_submit(supplement=open_supplement, actor=world.agency_staff, force=True)
    refused = client.post(f"/supplements/{open_supplement.pk}/outcome/", {"outcome": "refused"})
    assert refused.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert case.status_changes.latest("id").recorded_by == world.agency_staff
