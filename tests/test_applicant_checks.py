"""The field checks on applicants and clients (accounts.checks): one place, used by the pages, the
API and the import through the model's validators and `warnings_for`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import checks
from tests.web.conftest import pdf_bytes

TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, tzinfo=dt.UTC), tick=False):
        yield


def codes(validator, value) -> list[str]:
    try:
        validator(value)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


def test_nationality_is_an_iso_3166_alpha_2_code():
    assert codes(checks.validate_nationality, "IN") == []
    assert codes(checks.validate_nationality, "tw") == []
    assert codes(checks.validate_nationality, "XX") == ["invalid_nationality"]
    assert codes(checks.validate_nationality, "UK") == ["invalid_nationality"]  # GB is the code


def test_time_zone_is_a_real_iana_name():
    assert codes(checks.validate_time_zone, "Asia/Kolkata") == []
    assert codes(checks.validate_time_zone, "Asia/Taipeh") == ["invalid_time_zone"]
    assert codes(checks.validate_time_zone, "GMT+8") == ["invalid_time_zone"]


def test_birth_dates_in_the_future_or_implausibly_old_are_refused():
    assert codes(checks.validate_date_of_birth, TODAY) == []
    assert codes(checks.validate_date_of_birth, dt.date(1960, 1, 1)) == []
    assert codes(checks.validate_date_of_birth, TODAY + dt.timedelta(days=1)) == ["born_in_future"]
    assert codes(checks.validate_date_of_birth, dt.date(1920, 6, 1)) == ["born_too_early"]


def test_an_expired_passport_is_refused():
    assert codes(checks.validate_passport_expiry, TODAY) == []
    assert codes(checks.validate_passport_expiry, TODAY - dt.timedelta(days=1)) == [
        "passport_expired"
    ]


def test_a_passport_expiring_within_six_months_is_a_warning():
    soon = {"passport_expiry": dt.date(2027, 3, 1)}
    later = {"passport_expiry": dt.date(2027, 7, 1)}

    assert checks.warnings_for(soon, today=TODAY) == [
        "The passport (護照) expires on 2027-03-01, within six months: ask for the renewed "
        "passport before filing."
    ]
    assert checks.warnings_for(later, today=TODAY) == []
    assert checks.warnings_for({}, today=TODAY) == []


def test_tax_id_checksum():
    assert codes(checks.validate_tax_id, "22099131") == []
    assert codes(checks.validate_tax_id, "") == []  # not every employer gives one
    assert codes(checks.validate_tax_id, "12345678") == ["invalid_tax_id"]
    assert codes(checks.validate_tax_id, "2209913") == ["invalid_tax_id"]
    assert checks.clean_tax_id(" 2209-9131 ") == "22099131"


def test_the_signed_authorisation_is_a_pdf_or_an_image_of_at_most_10_mb():
    pdf = SimpleUploadedFile("a.pdf", pdf_bytes())
    program = SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    huge = SimpleUploadedFile("a.pdf", b"%PDF-1.7" + b"\x00" * checks.SIGNED_FILE_MAX_BYTES)

    assert codes(checks.validate_signed_file, pdf) == []
    assert codes(checks.validate_signed_file, program) == ["file_type"]
    assert codes(checks.validate_signed_file, huge) == ["file_too_large"]
