"""One fact, one place: a case reads "supplement requested" exactly while one of its supplements is
open; submitting (送出) or withdrawing the last one returns it to the review stage it interrupted,
held by the body reviewing it, with the history row saying who and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.choices import CaseStatus, DeadlineRule, HoldingBody, RequestingBody
from cases.models import Case, CaseStatusChange

pytestmark = pytest.mark.django_db


def request_on(case, actor):
    return services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=RequestingBody.WDA,
        notice_date=timezone.localdate() - dt.timedelta(days=2),
        rule=DeadlineRule.DAYS_30,
    )


def status_of(case) -> tuple[str, str]:
    case = Case.objects.get(pk=case.pk)
    return case.status, case.holding_body


def qualification_review(world):
    services.case_transition(
        case=world.acme_case, actor=world.agency_staff, status=CaseStatus.QUALIFICATION_REVIEW
    )
    return world.acme_case


def test_submitting_returns_the_case_to_the_stage_it_came_from(world):
    case = qualification_review(world)
    supplement = request_on(case, world.agency_staff)
    assert status_of(case) == (CaseStatus.SUPPLEMENT_REQUESTED, HoldingBody.APPLICANT_SIDE)

    services.supplement_submit(supplement=supplement, actor=world.agency_staff, force=True)

    assert status_of(case) == (CaseStatus.QUALIFICATION_REVIEW, HoldingBody.WDA)
    last = CaseStatusChange.objects.filter(case=case).order_by("-id").first()
    assert (last.from_status, last.status, last.note, last.recorded_by) == (
        CaseStatus.SUPPLEMENT_REQUESTED,
        CaseStatus.QUALIFICATION_REVIEW,
        "Supplement submitted",
        world.agency_staff,
    )


def test_the_case_waits_until_the_last_open_supplement_is_done(world):
    case = qualification_review(world)
    first = request_on(case, world.agency_staff)
    second = request_on(case, world.agency_staff)

    services.supplement_submit(supplement=first, actor=world.agency_staff, force=True)
    assert status_of(case)[0] == CaseStatus.SUPPLEMENT_REQUESTED

    services.supplement_withdraw(supplement=second, actor=world.agency_staff)
    assert status_of(case) == (CaseStatus.QUALIFICATION_REVIEW, HoldingBody.WDA)
    assert CaseStatusChange.objects.filter(case=case).order_by("-id").first().note == (
        "Supplement withdrawn"
    )


def test_a_case_staff_moved_on_by_hand_stays_where_they_put_it(world):
    case = qualification_review(world)
    supplement = request_on(case, world.agency_staff)
    services.case_transition(
        case=case, actor=world.agency_staff, status=CaseStatus.NIA_FINAL_REVIEW
    )
    rows = CaseStatusChange.objects.filter(case=case).count()

    services.supplement_submit(supplement=supplement, actor=world.agency_staff, force=True)

    assert status_of(case)[0] == CaseStatus.NIA_FINAL_REVIEW
    assert CaseStatusChange.objects.filter(case=case).count() == rows
