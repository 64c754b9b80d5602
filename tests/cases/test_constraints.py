"""Rules the database itself enforces (STYLE 10): each check and unique constraint refuses a bad row
with an IntegrityError even when the application code is bypassed, and full_clean explains why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Authorisation, Employment, Membership, Organization
from cases.models import (
    ClosureDay,
    Document,
    FieldOfExpertise,
    ReviewerComment,
    SupplementRequest,
)
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    CaseFactory,
    EmployerFactory,
    SupplementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused_by_database(build) -> str:
    """Run `build` (which saves a row) and return the constraint error the database raised."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        build()
    return str(refused.value)


def supplement_row(**fields) -> SupplementRequest:
    """A valid supplement row to make invalid one field at a time, saved with no validation."""
    return SupplementFactory.build(case=CaseFactory(), round=1, **fields)


# --- Check constraints, one bad row each ----------------------------------------------------------
CHECKS = {
    "organization_agency_has_licence": lambda: Organization.objects.create(
        kind="agency", name="Unlicensed", licence_number=""
    ),
    "employment_dates_ordered": lambda: Employment.objects.create(
        applicant=ApplicantFactory(),
        employer=EmployerFactory(),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 1, 31),
    ),
    "authorisation_dates_ordered": lambda: Authorisation.objects.create(
        applicant=ApplicantFactory(),
        agency=AgencyFactory(),
        signed_on=dt.date(2026, 1, 1),
        valid_from=dt.date(2026, 1, 10),
        valid_until=dt.date(2026, 1, 9),
    ),
    "authorisation_has_scope": lambda: Authorisation.objects.create(
        applicant=ApplicantFactory(),
        agency=AgencyFactory(),
        covers_filing=False,
        covers_supplement=False,
        covers_pickup=False,
        signed_on=dt.date(2026, 1, 1),
        valid_from=dt.date(2026, 1, 1),
    ),
    "case_application_number_12_digits": lambda: CaseFactory(application_number="11555103540A"),
    "case_agency_channel_has_agency": lambda: CaseFactory(channel="agency", agency=None),
    "case_employer_channel_has_employer": lambda: CaseFactory(channel="employer", employer=None),
    "case_card_validity_ordered": lambda: CaseFactory(
        card_valid_from=dt.date(2026, 1, 1), card_valid_to=dt.date(2026, 1, 1)
    ),
    "case_validity_1_to_3_years": lambda: CaseFactory(validity_years=4),
    "supplement_override_has_reason": lambda: supplement_row(
        deadline_override=dt.date(2026, 3, 1), override_reason=""
    ).save(),
    "supplement_custom_rule_has_date": lambda: supplement_row(
        rule="custom", deadline_override=None
    ).save(),
    "supplement_submitted_has_time": lambda: supplement_row(
        state="submitted", submitted_at=None
    ).save(),
    "supplement_deadline_after_notice": lambda: supplement_row(
        notice_date=dt.date(2026, 3, 1), deadline=dt.date(2026, 2, 28)
    ).save(),
    "comment_resolved_has_resolution": lambda: ReviewerComment.objects.create(
        supplement=SupplementFactory(),
        tab="basic",
        text="t",
        resolved_at=timezone.now(),
        resolution="",
        corrected_value="",
    ),
    "document_rejection_has_reason": lambda: Document.objects.create(
        supplement=SupplementFactory(),
        file="documents/x",
        original_name="x.pdf",
        size=1,
        content_type="application/pdf",
        review_state="rejected",
        review_note="",
    ),
}


@pytest.mark.parametrize("constraint", CHECKS)
def test_check_constraint_refuses_a_bad_row(constraint):
    message = refused_by_database(CHECKS[constraint])

    # Both PostgreSQL and SQLite (3.8+) name the failed constraint.
    assert constraint in message


@pytest.mark.parametrize(
    ("constraint", "good"),
    [
        ("case_validity_1_to_3_years", lambda: CaseFactory(validity_years=3)),
        ("case_validity_1_to_3_years", lambda: CaseFactory(validity_years=1)),
        ("case_agency_channel_has_agency", lambda: CaseFactory(channel="self", agency=None)),
        (
            "case_employer_channel_has_employer",
            lambda: CaseFactory(channel="agency", employer=None),
        ),
        (
            "case_card_validity_ordered",
            lambda: CaseFactory(
                card_valid_from=dt.date(2026, 1, 1), card_valid_to=dt.date(2026, 1, 2)
            ),
        ),
        ("organization_agency_has_licence", lambda: EmployerFactory(licence_number="")),
        (
            "supplement_deadline_after_notice",
            lambda: supplement_row(
                notice_date=dt.date(2026, 3, 1), deadline=dt.date(2026, 3, 1)
            ).save(),
        ),
        (
            "comment_resolved_has_resolution",
            lambda: ReviewerComment.objects.create(
                supplement=SupplementFactory(),
                tab="basic",
                text="t",
                resolved_at=timezone.now(),
                corrected_value="X",
            ),
        ),
    ],
)
def test_the_boundary_row_is_accepted(constraint, good):
    with transaction.atomic():
        good()


# --- Unique constraints ---------------------------------------------------------------------------
def test_unique_constraints():
    agency = AgencyFactory(name="Formosa")
    user = UserFactory()
    ApplicantFactory(nationality="IN", passport_number="Z1234567")
    case = CaseFactory(application_number="115551035401")
    SupplementFactory(case=case, round=1)
    FieldOfExpertise.objects.create(
        code="space",
        name_en="Space",
        name_zh="太空",
        authority_code="X",
        authority_name_en="X",
        authority_name_zh="X",
    )
    ClosureDay.objects.create(date=dt.date(2026, 9, 1), reason="Typhoon")
    Membership.objects.create(user=user, organization=agency, role="agency_staff")

    duplicates = {
        "organization_unique_name": lambda: AgencyFactory(name="Formosa"),
        "membership_unique": lambda: Membership.objects.create(
            user=user, organization=agency, role="agency_admin"
        ),
        "applicant_unique_passport": lambda: ApplicantFactory(
            nationality="IN", passport_number="Z1234567"
        ),
        "case application_number": lambda: CaseFactory(application_number="115551035401"),
        "supplement_unique_round": lambda: SupplementFactory(case=case, round=1),
        "field code": lambda: FieldOfExpertise.objects.create(
            code="space",
            name_en="Other",
            name_zh="他",
            authority_code="Y",
            authority_name_en="Y",
            authority_name_zh="Y",
        ),
        "closure date": lambda: ClosureDay.objects.create(date=dt.date(2026, 9, 1), reason="Again"),
    }
    for name, build in duplicates.items():
        message = refused_by_database(build)
        assert "unique" in message.lower(), (name, message)

    # The same name is fine for the other kind, the same passport for another nationality.
    EmployerFactory(name="Formosa")
    ApplicantFactory(nationality="US", passport_number="Z1234567")
    SupplementFactory(case=case, round=2)


# --- Application numbers (申請案號) and full_clean messages ----------------------------------------
TWELVE_DIGITS = "An application number (申請案號) has exactly 12 digits."


@pytest.mark.parametrize(
    ("number", "messages"),
    [
        ("11555103540", [TWELVE_DIGITS]),
        ("11555103540A", [TWELVE_DIGITS]),
        ("ABCDEFGHIJKL", [TWELVE_DIGITS]),
        (
            "1155510354012",
            [TWELVE_DIGITS, "Ensure this value has at most 12 characters (it has 13)."],
        ),
        ("1155 5103540", [TWELVE_DIGITS]),
    ],
)
def test_application_number_validator(number, messages):
    case = CaseFactory.build(
        applicant=ApplicantFactory(), agency=AgencyFactory(), employer=EmployerFactory()
    )
    case.application_number = number

    with pytest.raises(ValidationError) as refused:
        case.full_clean()

    assert sorted(refused.value.message_dict["application_number"]) == sorted(messages)


def test_full_width_digits_are_refused():
    # Full-width digits (common when typing with a Chinese input method) look right but are not.
    # The field's validator uses \d, which matches them; the check constraint spells out [0-9]
    # and refuses them, in full_clean and at the database.
    number = "１１５５５１０３５４０１"
    case = CaseFactory.build(
        applicant=ApplicantFactory(), agency=AgencyFactory(), employer=EmployerFactory()
    )
    case.application_number = number

    with pytest.raises(ValidationError) as refused:
        case.full_clean()

    assert refused.value.messages == [TWELVE_DIGITS]
    message = refused_by_database(lambda: CaseFactory(application_number=number))
    assert "case_application_number_12_digits" in message


def test_a_twelve_digit_number_and_none_are_valid():
    case = CaseFactory.build(
        applicant=ApplicantFactory(), agency=AgencyFactory(), employer=EmployerFactory()
    )
    for number in ("115551035401", None):
        case.application_number = number
        case.full_clean()


def test_agency_without_licence_full_clean_message():
    agency = Organization(kind="agency", name="Unlicensed", licence_number="")

    with pytest.raises(ValidationError) as refused:
        agency.full_clean()

    assert refused.value.messages == ["An agency needs its licence number."]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"deadline_override": dt.date(2026, 3, 1), "override_reason": ""},
            "A deadline override needs its reason.",
        ),
        (
            {"rule": "custom", "deadline_override": None},
            "A custom rule needs the date printed in the notice.",
        ),
        (
            {"notice_date": dt.date(2026, 3, 1), "deadline": dt.date(2026, 2, 28)},
            "The deadline cannot be before the notice date.",
        ),
    ],
)
def test_supplement_full_clean_messages(fields, message):
    supplement = supplement_row(**fields)

    with pytest.raises(ValidationError) as refused:
        supplement.full_clean()

    assert refused.value.messages == [message]


def test_membership_role_must_fit_the_organization():
    membership = Membership(user=UserFactory(), organization=EmployerFactory(), role="agency_staff")

    with pytest.raises(ValidationError) as refused:
        membership.full_clean()

    assert refused.value.message_dict == {
        "role": ["This role does not fit this kind of organization."]
    }
