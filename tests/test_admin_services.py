"""The admin writes through the services: a case it opens has its first status row, a membership's
last admin cannot be removed there, an operator's change to a supplement is checked and recorded
as the pages' would be."""

from __future__ import annotations

import pytest

from accounts.models import Membership, Role
from cases.choices import CaseKind, CaseStatus, Channel
from cases.models import Case, CaseStatusChange
from tests.factories import ApplicantFactory, MembershipFactory, UserFactory
from tests.test_admin_attention import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_a_case_added_in_the_admin_is_opened_by_case_create(client, operator, world):
    applicant = ApplicantFactory()
    url = "/admin/cases/case/add/"
    data = form_data(client.get(url)) | {
        "applicant": applicant.pk,
        "kind": CaseKind.NEW,
        "channel": Channel.AGENCY,
        "agency": world.agency.pk,
        "application_number": "115551035499",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    case = Case.objects.get(application_number="115551035499")
    assert (case.status, case.holding_body) == (CaseStatus.DRAFT, "applicant_side")
    first = CaseStatusChange.objects.get(case=case)
    assert (first.status, first.note, first.recorded_by) == (
        CaseStatus.DRAFT,
        "Case created",
        operator,
    )
    assert case.history.latest().history_user == operator


def test_the_last_admin_of_an_organization_is_protected_in_the_admin(client, operator, world):
    only_admin = Membership.objects.get(organization=world.agency, role=Role.AGENCY_ADMIN)
    url = f"/admin/accounts/membership/{only_admin.pk}/delete/"

    page = client.get(url)
    refused = client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert page.context["protected"]  # the confirmation names it instead of deleting it
    assert refused.status_code in (200, 403)
    assert Membership.objects.filter(pk=only_admin.pk).exists()


def test_a_second_admin_may_go_and_the_service_records_who(client, operator, world):
    second = MembershipFactory(organization=world.agency, role=Role.AGENCY_ADMIN)
    url = f"/admin/accounts/membership/{second.pk}/delete/"

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=second.pk).exists()
    assert Membership.history.filter(id=second.pk).latest().history_user == operator
