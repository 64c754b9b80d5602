"""A small hand-built set of supplements whose every figure is known (tests/reports/*).

Today is 2026-06-15 (Taipei). Formosa (the `world` agency) works:
- Priya's Acme case (field: economy), three rounds:
  A1 NIA initial, notice 03-02, due 04-01, submitted 03-20 on time (18 days), outcome "another
     supplement" recorded 04-03 (14 days);
  A2 WDA, notice 04-03, due 05-03 overridden to 05-10, submitted 05-08: on time only thanks to
     the override (35 days), accepted 05-18 (10 days);
  A3 NIA final, notice 06-01, due 07-01, open, assigned to the agency's staff member;
- the Globex case (field: digital), two rounds:
  G1 NIA initial, notice 04-10, due 05-10, submitted 05-11 00:30 Taipei (still 05-10 in UTC):
     late (31 days), refused 06-01 (21 days);
  G2 competent authority, notice 05-05, due 06-04, open: overdue;
- another Acme employee's case (no field): W1 NIA final, notice 05-01, withdrawn.
Another agency works an Acme case: O1, NIA initial, notice 03-10, submitted on time 03-15.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from cases.choices import (
    Channel,
    RequestingBody,
    SupplementOutcome,
    SupplementState,
)
from cases.deadlines.engine import TAIPEI
from cases.models import Case, FieldOfExpertise, SupplementRequest
from tests.factories import ApplicantFactory, SupplementFactory

TODAY = dt.date(2026, 6, 15)


def taipei(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TAIPEI)


@dataclass
class Book:
    world: object
    a1: SupplementRequest
    a2: SupplementRequest
    a3: SupplementRequest
    g1: SupplementRequest
    g2: SupplementRequest
    w1: SupplementRequest
    o1: SupplementRequest
    withdrawn_case: Case


@pytest.fixture
def frozen():
    with time_machine.travel(taipei(2026, 6, 15, 10), tick=False):
        yield TODAY


def _supplement(case, round_, body, notice, deadline, **extra) -> SupplementRequest:
    return SupplementFactory(
        case=case,
        round=round_,
        requesting_body=body,
        notice_date=notice,
        received_at=taipei(notice.year, notice.month, notice.day, 9),
        deadline=deadline,
        proposed_deadline=extra.pop("proposed_deadline", deadline),
        **extra,
    )


def _submitted(when: dt.datetime, outcome=SupplementOutcome.PENDING, decided=None) -> dict:
    return {
        "state": SupplementState.SUBMITTED,
        "submitted_at": when,
        "outcome": outcome,
        "outcome_recorded_at": decided,
    }


@pytest.fixture
def book(world, frozen) -> Book:
    d = dt.date
    economy = FieldOfExpertise.objects.get(code="economy")
    digital = FieldOfExpertise.objects.get(code="digital")
    Case.objects.filter(pk=world.acme_case.pk).update(field=economy)
    Case.objects.filter(pk=world.globex_case.pk).update(field=digital)
    withdrawn_case = Case.objects.create(
        applicant=ApplicantFactory(),
        agency=world.agency,
        employer=world.acme,
        kind="new",
        channel=Channel.AGENCY,
        status="nia_initial_review",
    )
    acme, globex = world.acme_case, world.globex_case
    nia, final = RequestingBody.NIA_INITIAL, RequestingBody.NIA_FINAL
    return Book(
        world=world,
        a1=_supplement(
            acme,
            1,
            nia,
            d(2026, 3, 2),
            d(2026, 4, 1),
            **_submitted(
                taipei(2026, 3, 20, 10),
                SupplementOutcome.FURTHER_REQUEST,
                taipei(2026, 4, 3, 9),
            ),
        ),
        a2=_supplement(
            acme,
            2,
            RequestingBody.WDA,
            d(2026, 4, 3),
            d(2026, 5, 10),
            proposed_deadline=d(2026, 5, 3),
            deadline_override=d(2026, 5, 10),
            override_reason="The notice prints 10 May.",
            **_submitted(
                taipei(2026, 5, 8, 16), SupplementOutcome.ACCEPTED, taipei(2026, 5, 18, 11)
            ),
        ),
        a3=_supplement(acme, 3, final, d(2026, 6, 1), d(2026, 7, 1), assignee=world.agency_staff),
        g1=_supplement(
            globex,
            1,
            nia,
            d(2026, 4, 10),
            d(2026, 5, 10),
            **_submitted(
                taipei(2026, 5, 11, 0, 30), SupplementOutcome.REFUSED, taipei(2026, 6, 1, 15)
            ),
        ),
        g2=_supplement(globex, 2, RequestingBody.COMPETENT_AUTHORITY, d(2026, 5, 5), d(2026, 6, 4)),
        w1=_supplement(
            withdrawn_case,
            1,
            final,
            d(2026, 5, 1),
            d(2026, 5, 31),
            state=SupplementState.WITHDRAWN,
        ),
        o1=_supplement(
            world.other_agency_case,
            1,
            nia,
            d(2026, 3, 10),
            d(2026, 4, 9),
            **_submitted(taipei(2026, 3, 15, 12)),
        ),
        withdrawn_case=withdrawn_case,
    )
