"""Case requests (issue 10): employer HR asks an agency for a case; the agency accepts (the case is
opened) or declines with a reason; HR may cancel. Tenancy, one decision only, who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Employment, Profile
from cases import services, tenancy
from cases.choices import CaseKind, Channel
from cases.errors import CaseRequestDecided, InvalidInput
from cases.models import Case, CaseRequest, CaseRequestState, FieldOfExpertise
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def employ(applicant, employer, **fields):
    return Employment.objects.create(
        applicant=applicant, employer=employer, start_date=dt.date(2024, 1, 1), **fields
    )


@pytest.fixture
def newcomer(world):
    """An Acme employee with no case yet."""
    applicant = ApplicantFactory(family_name_en="Okafor", given_name_en="Ada")
    employ(applicant, world.acme)
    return applicant


def ask(world, applicant, *, actor=None, agency=None, employer=None, kind=CaseKind.NEW):
    return services.case_request_create(
        actor=actor or world.hr_acme,
        employer=employer or world.acme,
        agency=agency or world.agency,
        applicant=applicant,
        kind=kind,
        note="Joins in March.",
    )


def test_hr_asks_and_the_agency_accepts_which_opens_the_case(world, newcomer):
    request = ask(world, newcomer, kind=CaseKind.EXTENSION)
    assert request.state == CaseRequestState.WAITING
    assert request.requested_by == world.hr_acme
    assert request.requested_at is not None
    field = FieldOfExpertise.objects.first()

    accepted = services.case_request_accept(
        case_request=request, actor=world.agency_staff, field=field
    )

    case = accepted.case
    assert accepted.state == CaseRequestState.ACCEPTED
    assert accepted.decided_by == world.agency_staff
    assert accepted.decided_at is not None
    assert (case.applicant, case.employer, case.agency) == (newcomer, world.acme, world.agency)
    assert (case.kind, case.channel, case.field) == (CaseKind.EXTENSION, Channel.AGENCY, field)
    # The change history records who made each change.
    assert accepted.history.first().history_user == world.agency_staff
    assert accepted.history.last().history_user == world.hr_acme


def test_decline_needs_a_reason_and_records_it(world, newcomer):
    request = ask(world, newcomer)
    with pytest.raises(InvalidInput):
        services.case_request_decline(case_request=request, actor=world.agency_admin, reason=" ")
    request.refresh_from_db()
    assert request.state == CaseRequestState.WAITING

    services.case_request_decline(
        case_request=request, actor=world.agency_admin, reason="No capacity in March."
    )
    request.refresh_from_db()
    assert request.state == CaseRequestState.DECLINED
    assert request.decline_reason == "No capacity in March."
    assert request.decided_by == world.agency_admin
    assert request.case is None


@pytest.mark.parametrize("first", ["accept", "decline"])
def test_a_decided_request_cannot_be_decided_again(world, newcomer, first):
    request = ask(world, newcomer)
    if first == "accept":
        services.case_request_accept(case_request=request, actor=world.agency_staff)
    else:
        services.case_request_decline(case_request=request, actor=world.agency_staff, reason="No.")
    before = CaseRequest.objects.values().get(pk=request.pk)
    cases_before = Case.objects.count()
    stale = CaseRequest.objects.get(pk=request.pk)
    stale.state = CaseRequestState.WAITING  # as a second page opened before the first decided

    with pytest.raises(CaseRequestDecided) as refused:
        services.case_request_accept(case_request=stale, actor=world.agency_admin)
    assert refused.value.status == 409
    with pytest.raises(CaseRequestDecided):
        services.case_request_decline(case_request=stale, actor=world.agency_admin, reason="x")
    with pytest.raises(CaseRequestDecided):
        services.case_request_cancel(case_request=stale, actor=world.hr_acme)

    assert CaseRequest.objects.values().get(pk=request.pk) == before
    assert Case.objects.count() == cases_before


def test_hr_cancels_its_own_request_but_cannot_accept(world, newcomer):
    request = ask(world, newcomer)
    with pytest.raises(PermissionDenied):
        services.case_request_accept(case_request=request, actor=world.hr_acme)
    with pytest.raises(PermissionDenied):
        services.case_request_cancel(case_request=request, actor=world.agency_staff)
    services.case_request_cancel(case_request=request, actor=world.hr_acme)
    request.refresh_from_db()
    assert request.state == CaseRequestState.CANCELLED
    assert request.decided_by == world.hr_acme
    assert request.decided_at is not None


def test_outsiders_get_404_not_403(world, newcomer):
    request = ask(world, newcomer)
    for outsider in (world.hr_globex, world.outsider, world.applicant_user):
        with pytest.raises(Http404):
            tenancy.access_case_request(outsider, request.pk)
        with pytest.raises(Http404):
            services.case_request_accept(case_request=request, actor=outsider)
        with pytest.raises(Http404):
            services.case_request_cancel(case_request=request, actor=outsider)
    assert tenancy.access_case_request(world.agency_staff, request.pk) == request
    assert tenancy.access_case_request(world.hr_acme, request.pk) == request
    assert list(tenancy.visible_case_requests(world.outsider)) == []


def test_hr_asks_only_for_its_own_employees_and_agencies(world, newcomer):
    # Globex's HR cannot ask for Acme's employee, as Globex nor as Acme.
    with pytest.raises(InvalidInput) as wrong:
        ask(world, newcomer, actor=world.hr_globex, employer=world.globex)
    assert wrong.value.params["field"] == "applicant"
    with pytest.raises(PermissionDenied):
        ask(world, newcomer, actor=world.hr_globex, employer=world.acme)
    # Agency staff do not ask on an employer's behalf.
    with pytest.raises(PermissionDenied):
        ask(world, newcomer, actor=world.agency_staff)
    # A former employee is not asked for.
    former = ApplicantFactory()
    employ(former, world.acme, end_date=dt.date(2024, 6, 30))
    with pytest.raises(InvalidInput):
        ask(world, former)
    # Only an agency working the employer's cases is asked (Globex works with Formosa only).
    globex_staff = ApplicantFactory()
    employ(globex_staff, world.globex)
    with pytest.raises(InvalidInput) as agency:
        ask(
            world,
            globex_staff,
            actor=world.hr_globex,
            employer=world.globex,
            agency=world.other_agency,
        )
    assert agency.value.params["field"] == "agency"
    assert CaseRequest.objects.count() == 0


def test_emails_go_out_after_commit_in_each_recipients_language(
    world, newcomer, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    Profile.objects.create(user=world.agency_admin, language="zh-hant")
    Profile.objects.create(user=world.hr_acme, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world, newcomer)
    to_agency = {message.to[0]: message for message in mailoutbox}
    assert set(to_agency) == {world.agency_admin.email, world.agency_staff.email}
    assert newcomer.family_name_en in to_agency[world.agency_staff.email].subject
    assert f"/case-requests/{request.pk}/" in to_agency[world.agency_staff.email].body
    # Each in their own language: the admin reads Chinese, the staff member (no profile) English.
    assert to_agency[world.agency_admin.email].subject.startswith("[就業金卡]")
    assert "您好" in to_agency[world.agency_admin.email].body
    assert to_agency[world.agency_staff.email].subject.startswith("[Gold Card]")

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_decline(
            case_request=request, actor=world.agency_admin, reason="No capacity."
        )
    (message,) = mailoutbox
    assert message.to == [world.hr_acme.email]
    assert message.subject.startswith("[Gold Card]")
    assert "declined" in message.subject
    assert "No capacity." in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_at_once_open_one_case(world, newcomer, postgres_only):
    from tests.cases.test_concurrency import race

    request = ask(world, newcomer)
    one, two = race(
        lambda: services.case_request_accept(
            case_request=CaseRequest.objects.get(pk=request.pk), actor=world.agency_staff
        ),
        lambda: services.case_request_accept(
            case_request=CaseRequest.objects.get(pk=request.pk), actor=world.agency_admin
        ),
    )
    outcomes = sorted(type(writer.error).__name__ for writer in (one, two))
    assert outcomes == ["CaseRequestDecided", "NoneType"]
    assert Case.objects.filter(applicant=newcomer).count() == 1
    request.refresh_from_db()
    assert request.state == CaseRequestState.ACCEPTED
    winner = one if one.error is None else two
    assert request.decided_by == winner.result.decided_by
