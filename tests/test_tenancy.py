"""The tenancy rule (cases.tenancy) from both sides, persona by persona, as a matrix.

Who sees which of the four `world` cases, which side they stand on, who may change a supplement,
which documents each party sees, and that "not yours" and "does not exist" answer the same 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases import services
from cases.choices import CaseKind, Channel, DeadlineRule, RequestingBody, Visibility
from cases.models import Document
from cases.tenancy import (
    access_case,
    access_supplement,
    can_manage_supplement,
    can_upload,
    party_for,
    visible_cases,
    visible_documents,
    visible_supplements,
)
from tests.cases.files import pdf_bytes
from tests.factories import ApplicantFactory, UserFactory

CASES = ("acme_case", "globex_case", "self_case", "other_agency_case")
PERSONAS = (
    "agency_admin",
    "agency_staff",
    "hr_acme",
    "hr_globex",
    "applicant",
    "outsider",
    "superuser",
    "anonymous",
)

# Which of the world's cases each persona sees. The self-filed case belongs to an applicant without
# a login and to no agency or employer: only a superuser sees it. Acme's HR sees Acme's employees'
# cases across agencies, so also the one another agency works.
VISIBLE = {
    "agency_admin": {"acme_case", "globex_case"},
    "agency_staff": {"acme_case", "globex_case"},
    "hr_acme": {"acme_case", "other_agency_case"},
    "hr_globex": {"globex_case"},
    "applicant": {"acme_case"},
    "outsider": {"other_agency_case"},
    "superuser": set(CASES),
    "anonymous": set(),
}

# The side each persona stands on for each visible case (missing: None).
PARTY = {
    "agency_admin": {"acme_case": "agency", "globex_case": "agency"},
    "agency_staff": {"acme_case": "agency", "globex_case": "agency"},
    "hr_acme": {"acme_case": "employer", "other_agency_case": "employer"},
    "hr_globex": {"globex_case": "employer"},
    "applicant": {"acme_case": "applicant"},
    "outsider": {"other_agency_case": "agency"},
    "superuser": dict.fromkeys(CASES, "agency"),
    "anonymous": {},
}

# Who may change a supplement of each visible case: every world case is agency-filed except the
# self-filed one, so only the agency working it (and the superuser) may.
MAY_WRITE = {
    "agency_admin": {"acme_case", "globex_case"},
    "agency_staff": {"acme_case", "globex_case"},
    "hr_acme": set(),
    "hr_globex": set(),
    "applicant": set(),
    "outsider": {"other_agency_case"},
    "superuser": set(CASES),
    "anonymous": set(),
}


def persona(world, name):
    """A fresh user object per call, so no cached scope carries over between assertions."""
    if name == "anonymous":
        return AnonymousUser()
    if name == "superuser":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    user = world.personas()[name]
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def supplements(world):
    """One open supplement on each world case, keyed like the cases."""
    return {
        name: services.supplement_create(
            case=getattr(world, name),
            actor=world.filer(getattr(world, name)),
            requesting_body=RequestingBody.NIA_INITIAL,
            notice_date=dt.date(2026, 1, 20),
            rule=DeadlineRule.DAYS_30,
        )
        for name in CASES
    }


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_cases(world, name):
    user = persona(world, name)
    expected = {getattr(world, case).pk for case in VISIBLE[name]}

    assert set(visible_cases(user).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_supplements_follow_the_cases(world, supplements, name):
    user = persona(world, name)
    expected = {supplements[case].pk for case in VISIBLE[name]}

    assert set(visible_supplements(user).values_list("pk", flat=True)) == expected


def outcome(call) -> str:
    """What an access function answered: the object's pk, or the refusal."""
    try:
        return call().pk
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"


@pytest.mark.parametrize("name", PERSONAS)
def test_party_for(world, name):
    user = persona(world, name)

    assert {case: party_for(user, getattr(world, case)) for case in CASES} == {
        case: PARTY[name].get(case) for case in CASES
    }


@pytest.mark.parametrize("name", PERSONAS)
def test_access_case(world, name):
    user = persona(world, name)
    cases = {case: getattr(world, case) for case in CASES}

    expected = {c: (cases[c].pk if c in VISIBLE[name] else "404") for c in CASES}
    assert {c: outcome(lambda c=c: access_case(user, cases[c].pk)) for c in CASES} == expected
    assert {c: outcome(lambda c=c: access_case(user, str(cases[c].pk))) for c in CASES} == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_access_supplement_read_and_write(world, supplements, name):
    user = persona(world, name)

    def answers(for_write):
        return {
            case: outcome(
                lambda case=case: access_supplement(user, supplements[case].pk, for_write=for_write)
            )
            for case in CASES
        }

    assert answers(False) == {
        c: (supplements[c].pk if c in VISIBLE[name] else "404") for c in CASES
    }
    assert answers(True) == {
        c: (supplements[c].pk if c in MAY_WRITE[name] else "403" if c in VISIBLE[name] else "404")
        for c in CASES
    }


def test_refusal_messages(world, supplements):
    hr = persona(world, "hr_acme")

    with pytest.raises(Http404, match=r"^No such case\.$"):
        access_case(hr, world.globex_case.pk)
    with pytest.raises(Http404, match=r"^No such supplement request\.$"):
        access_supplement(hr, supplements["globex_case"].pk)
    with pytest.raises(
        PermissionDenied, match=r"^Only the agency or the filing party can change this\.$"
    ):
        access_supplement(hr, supplements["acme_case"].pk, for_write=True)


GARBAGE_IDS = [0, -1, 999_999_999, 10**30, "abc", "", " ", "1; DROP TABLE", None, "1.5", [1], {}]


def test_garbage_and_missing_ids_answer_the_same_404(world, supplements):
    staff = persona(world, "agency_staff")
    superuser = persona(world, "superuser")

    for user in (staff, superuser):
        for bad_id in GARBAGE_IDS:
            with pytest.raises(Http404) as case_denied:
                access_case(user, bad_id)
            assert str(case_denied.value) == "No such case.", bad_id
            for for_write in (False, True):
                with pytest.raises(Http404) as supplement_denied:
                    access_supplement(user, bad_id, for_write=for_write)
                assert str(supplement_denied.value) == "No such supplement request.", bad_id


def test_invisible_and_nonexistent_are_indistinguishable(world, supplements):
    staff = persona(world, "agency_staff")
    missing_pk = max(s.pk for s in supplements.values()) + 1000

    with pytest.raises(Http404) as invisible:
        access_supplement(staff, supplements["other_agency_case"].pk)
    with pytest.raises(Http404) as nonexistent:
        access_supplement(staff, missing_pk)

    assert type(invisible.value) is type(nonexistent.value)
    assert invisible.value.args == nonexistent.value.args


def make_case(world, *, actor, applicant, channel, agency=None, employer=None, number):
    return services.case_create(
        actor=actor,
        applicant=applicant,
        kind=CaseKind.NEW,
        channel=channel,
        agency=agency,
        employer=employer,
        application_number=number,
        status="nia_initial_review",
    )


def test_employer_filed_case_hr_may_write_the_applicant_may_not(world):
    employee = ApplicantFactory(user=UserFactory(username="employee"))
    case = make_case(
        world,
        actor=world.hr_acme,  # the filing party opens it
        applicant=employee,
        channel=Channel.EMPLOYER,
        employer=world.acme,
        number="115551035405",
    )
    supplement = services.supplement_create(
        case=case,
        actor=world.hr_acme,
        requesting_body=RequestingBody.WDA,
        notice_date=dt.date(2026, 1, 20),
        rule=DeadlineRule.DAYS_30,
    )

    assert access_supplement(persona(world, "hr_acme"), supplement.pk, for_write=True) == supplement
    with pytest.raises(PermissionDenied):
        access_supplement(employee.user, supplement.pk, for_write=True)
    assert access_supplement(employee.user, supplement.pk) == supplement
    with pytest.raises(Http404):
        access_supplement(persona(world, "hr_globex"), supplement.pk)
    # No agency on the case: the agency's staff do not see it at all.
    with pytest.raises(Http404):
        access_supplement(persona(world, "agency_staff"), supplement.pk)


def test_self_filed_case_the_applicant_may_write(world):
    case = make_case(
        world,
        actor=world.applicant_user,
        applicant=world.priya,
        channel=Channel.SELF,
        number="115551035406",
    )
    priya = persona(world, "applicant")

    assert set(visible_cases(priya).values_list("pk", flat=True)) == {
        world.acme_case.pk,
        case.pk,
    }
    assert party_for(priya, case) == "applicant"
    assert can_manage_supplement(priya, case) is True
    assert can_manage_supplement(priya, world.acme_case) is False


@pytest.mark.parametrize("name", PERSONAS)
def test_can_upload_is_every_party_on_the_case(world, name):
    user = persona(world, name)

    assert {case for case in CASES if can_upload(user, getattr(world, case))} == VISIBLE[name]


@pytest.fixture
def documents(world, supplements):
    """Three documents on Priya's supplement, one per visibility."""
    supplement = supplements["acme_case"]
    return {
        visibility: services.document_add(
            supplement=supplement,
            actor=world.agency_staff,
            data=pdf_bytes(visibility),
            name=f"{visibility}.pdf",
            visibility=visibility,
        ).pk
        for visibility in Visibility.values
    }


DOCUMENTS_SEEN = {
    "agency_admin": {"all", "no_applicant", "agency_only"},
    "agency_staff": {"all", "no_applicant", "agency_only"},
    "hr_acme": {"all", "no_applicant"},
    "hr_globex": set(),
    "applicant": {"all"},
    "outsider": set(),
    "superuser": {"all", "no_applicant", "agency_only"},
    "anonymous": set(),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_visible_documents_honour_visibility(world, documents, name):
    user = persona(world, name)
    seen = visible_documents(user, world.acme_case)

    assert Document.objects.count() == 3
    assert set(seen.values_list("pk", flat=True)) == {documents[v] for v in DOCUMENTS_SEEN[name]}


def test_visible_documents_stay_within_the_case(world, supplements, documents):
    other = services.document_add(
        supplement=supplements["globex_case"],
        actor=world.agency_staff,
        data=pdf_bytes("globex"),
        name="globex.pdf",
    )

    staff = persona(world, "agency_staff")
    assert other.pk not in set(
        visible_documents(staff, world.acme_case).values_list("pk", flat=True)
    )
    assert list(visible_documents(staff, world.globex_case).values_list("pk", flat=True)) == [
        other.pk
    ]
