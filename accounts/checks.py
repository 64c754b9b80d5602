"""The field checks on clients and applicants, in one place: the model fields carry them (so the
pages' forms, the API's serializers and the spreadsheet import, which all end in `full_clean`, give
one answer), and `warnings_for` names what is allowed but worth a second look."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.tw import ubn

OLDEST_AGE_YEARS = 100
PASSPORT_WARNING_DAYS = 183  # six months: many consulates and the NIA want that much validity
SIGNED_FILE_MAX_BYTES = 10 * 1024 * 1024
# The signed 委任書 is a scan or a photo: PDF, PNG or JPEG, told by their first bytes, not the name.
SIGNED_FILE_KINDS = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def _today() -> dt.date:
    # Taipei's date (settings.TIME_ZONE), as every deadline here, whatever zone the person reads in.
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


# --- Organizations --------------------------------------------------------------------------------
def validate_tax_id(value: str) -> None:
    """統一編號: eight digits with the Ministry of Finance's checksum."""
    if not value:
        return
    try:
        ubn.validate(value)
    except NumberError as exc:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid Tax ID (統一編號): it has eight digits and a check "
                "digit; copy it from the company registration (公司登記)."
            ),
            code="invalid_tax_id",
            params={"value": value},
        ) from exc


def clean_tax_id(value: str) -> str:
    """The number as stored: digits only, spaces and dashes dropped."""
    return ubn.compact(value or "")


# --- Applicants -----------------------------------------------------------------------------------
def validate_nationality(value: str) -> None:
    if value and pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(
            _("“%(value)s” is not a country code: use the ISO 3166 two-letter code, such as IN."),
            code="invalid_nationality",
            params={"value": value},
        )


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the zone files: once per process


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone: use a name such as Asia/Kolkata."),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_date_of_birth(value: dt.date | None) -> None:
    if value is None:
        return
    today = _today()
    if value > today:
        raise ValidationError(_("The date of birth is in the future."), code="born_in_future")
    if value < today.replace(year=today.year - OLDEST_AGE_YEARS, day=min(today.day, 28)):
        raise ValidationError(
            _("A date of birth more than %(years)d years ago is surely a typing error."),
            code="born_too_early",
            params={"years": OLDEST_AGE_YEARS},
        )


def validate_passport_expiry(value: dt.date | None) -> None:
    if value is not None and value < _today():
        raise ValidationError(
            _("This passport has expired: record the new passport (護照) instead."),
            code="passport_expired",
        )


def warnings_for(applicant_data: dict[str, Any], *, today: dt.date | None = None) -> list[str]:
    """What is allowed but may stop the filing: a passport that expires within six months."""
    today = today or _today()
    expiry = applicant_data.get("passport_expiry")
    warnings = []
    if expiry and today <= expiry < today + dt.timedelta(days=PASSPORT_WARNING_DAYS):
        warnings.append(
            _(
                "The passport (護照) expires on %(date)s, within six months: ask for the renewed "
                "passport before filing."
            )
            % {"date": expiry.isoformat()}
        )
    return warnings


# --- The signed authorisation (委任書) ----------------------------------------------------------------
def signed_file_kind(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNED_FILE_KINDS.items() if head.startswith(magic)), None)


def validate_signed_file(upload: Any) -> None:
    """A PDF or an image of at most 10 MB, told by its content."""
    if upload is None:
        return
    if upload.size > SIGNED_FILE_MAX_BYTES:
        raise ValidationError(
            _("The signed authorisation (委任書) is larger than %(mb)d MB.")
            % {"mb": SIGNED_FILE_MAX_BYTES // 1024 // 1024},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signed_file_kind(head) is None:
        raise ValidationError(
            _("The signed authorisation (委任書) must be a PDF, PNG or JPEG file."),
            code="file_type",
        )


def signed_file_name(upload: Any) -> str:
    """The name to store a checked file under: its extension from its content, not its name."""
    upload.seek(0)
    kind = signed_file_kind(upload.read(16)) or "bin"
    upload.seek(0)
    return f"authorisation.{kind}"
