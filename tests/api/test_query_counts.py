"""Every list answers in a fixed number of queries: the same at N and at 2N rows."""

from __future__ import annotations

import itertools

import pytest

from accounts.models import Authorisation, Membership, Role
from cases.choices import ItemKind, Party
from cases.models import CaseStatusChange, Document, RequestedItem, ReviewerComment
from integrations.services import token_create
from tests.factories import (
    ApplicantFactory,
    CaseFactory,
    EmployerFactory,
    SupplementFactory,
    UserFactory,
)

N = 3
_numbers = itertools.count(115_700_000_000)


def _supplement_with_parts(world):
    case = CaseFactory(
        agency=world.agency,
        employer=world.acme,
        applicant=ApplicantFactory(),
        application_number=str(next(_numbers)),
    )
    supplement = SupplementFactory(case=case, round=1, assignee=world.agency_staff)
    comment = ReviewerComment.objects.create(supplement=supplement, tab="basic", text="Fix")
    item = RequestedItem.objects.create(
        supplement=supplement,
        kind=ItemKind.DOCUMENT,
        description="Passport",
        waits_on=Party.APPLICANT,
    )
    Document.objects.create(
        supplement=supplement,
        item=item,
        comment=comment,
        file="documents/x",
        original_name="a.pdf",
        size=10,
        content_type="application/pdf",
        uploaded_by=world.agency_staff,
    )
    return supplement


def _add(world, what, target):
    """Add one row to the list named `what` (target: the parent some lists hang under)."""
    if what in {"supplements", "cases"}:
        _supplement_with_parts(world)
    elif what == "applicants":
        applicant = ApplicantFactory()
        Authorisation.objects.create(
            applicant=applicant,
            agency=world.agency,
            signed_on="2026-01-01",
            valid_from="2026-01-01",
        )
    elif what == "organizations":
        employer = EmployerFactory()
        CaseFactory(agency=world.agency, employer=employer, application_number=str(next(_numbers)))
    elif what == "memberships":
        Membership.objects.create(
            user=UserFactory(), organization=world.agency, role=Role.AGENCY_STAFF
        )
    elif what == "tokens":
        token_create(user=world.agency_staff, name="t")
    elif what == "comments":
        ReviewerComment.objects.create(
            supplement=target,
            tab="basic",
            text="x",
            resolved_by=world.agency_staff,
            resolution="done",
            resolved_at="2026-11-20T00:00:00Z",
        )
    elif what == "items":
        RequestedItem.objects.create(supplement=target, kind=ItemKind.DOCUMENT, description="x")
    elif what == "documents":
        Document.objects.create(
            supplement=target,
            file="documents/y",
            original_name="b.pdf",
            size=5,
            content_type="application/pdf",
            uploaded_by=world.agency_staff,
        )
    elif what == "status-changes":
        CaseStatusChange.objects.create(
            case=target.case,
            status="submitted",
            holding_body="nia",
            happened_on="2026-11-01",
            recorded_by=world.agency_staff,
        )


# list name -> (url, exact queries). Each count is what the list needs whatever its length:
# the user's memberships (the tenancy scope), the count, the page, then one per prefetch; lists
# under a parent fetch the parent first.
LISTS = {
    # + the page's rows by id, + their items marked with their documents
    "supplements": ("/api/v1/supplements/", 5),
    "cases": ("/api/v1/cases/", 3),
    "applicants": ("/api/v1/applicants/", 3),
    "organizations": ("/api/v1/organizations/", 4),  # + my roles
    "memberships": ("/api/v1/memberships/", 3),
    "tokens": ("/api/v1/auth/tokens/", 2),
    "comments": ("/api/v1/supplements/{sid}/comments/", 4),
    "items": ("/api/v1/supplements/{sid}/items/", 4),
    "documents": ("/api/v1/supplements/{sid}/documents/", 4),
    "status-changes": ("/api/v1/cases/{cid}/status-changes/", 4),
}


@pytest.mark.parametrize("what", list(LISTS))
def test_list_query_count_does_not_grow(world, client_for, django_assert_num_queries, what):
    target = _supplement_with_parts(world)
    url, expected = LISTS[what]
    url = url.format(sid=target.pk, cid=target.case_id)
    for _ in range(N):
        _add(world, what, target)

    counts = []
    for _round in range(2):
        # A fresh user object, as each request has: no tenancy scope cached from before.
        client = client_for(type(world.agency_staff).objects.get(pk=world.agency_staff.pk))
        with django_assert_num_queries(expected):
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200
        counts.append(response.json()["count"])
        for _ in range(N):
            _add(world, what, target)

    assert counts[1] == counts[0] + N


@pytest.mark.parametrize("what", ["supplements", "cases"])
def test_an_employers_lists_do_not_ask_per_row(world, client_for, django_assert_num_queries, what):
    # HR's view depends on whether each applicant still works there (access ends with the
    # relationship): the lists annotate it in their own query instead of asking per case.
    url, expected = LISTS[what]
    for _ in range(N):
        _supplement_with_parts(world)  # Acme's cases: HR of Acme sees them

    for _round in range(2):
        client = client_for(type(world.hr_acme).objects.get(pk=world.hr_acme.pk))
        with django_assert_num_queries(expected):
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200
        assert response.json()["count"] >= N
        for _ in range(N):
            _supplement_with_parts(world)
