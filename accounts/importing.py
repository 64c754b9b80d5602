"""Adding many applicants from a spreadsheet (CSV or XLSX): each row an applicant with the agency's
authorisation (委任書), or an employer's employment.

tablib reads the formats (as for the dashboard's export); the row rules are the ones
`accounts.services.applicant_create` applies to one applicant, so a row is checked exactly as the
API and the admin check it, and every problem of every row is reported at once (a cell that cannot
be read is named and the rest of the row still checked). The import is all or nothing: `run_import(commit=False)` tries every
row inside a transaction that is rolled back and reports each row's problems; only a file without
problems is imported, in one transaction, with every row recorded in the history as the importer's.
django-import-export's resources were not used: their save path would bypass that service.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import checks, services
from accounts.models import Organization

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000


class ImportRefused(Exception):
    """The file as a whole cannot be read (format, size, headers)."""


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise  # shown in the template's header beside the key, Chinese platform wording included
    kind: str = "text"  # text | date | bool | int
    required: bool = False
    target: str = "applicant"  # applicant | authorisation | employment


COLUMNS = (
    Column("family_name_en", gettext_lazy("family name (英文姓氏)"), required=True),
    Column("given_name_en", gettext_lazy("given names (英文名字)")),
    Column("name_zh", gettext_lazy("Chinese name (中文姓名)")),
    Column("passport_number", gettext_lazy("passport number (護照號碼)"), required=True),
    Column("passport_expiry", gettext_lazy("passport expiry"), "date"),
    Column("nationality", gettext_lazy("nationality (國籍), ISO code such as IN"), required=True),
    Column("date_of_birth", gettext_lazy("date of birth (出生日期)"), "date"),
    Column("email", gettext_lazy("email (電子郵件)")),
    Column("time_zone", gettext_lazy("time zone, such as Asia/Kolkata")),
    Column("signed_on", gettext_lazy("authorisation signed on"), "date", target="authorisation"),
    Column("valid_from", gettext_lazy("authorisation valid from"), "date", target="authorisation"),
    Column(
        "valid_until", gettext_lazy("authorisation valid until"), "date", target="authorisation"
    ),
    Column(
        "covers_pickup", gettext_lazy("covers card pickup (yes/no)"), "bool", target="authorisation"
    ),
    Column("job_title", gettext_lazy("job title (現職)"), target="employment"),
    Column("monthly_salary_twd", gettext_lazy("monthly salary (NT$)"), "int", target="employment"),
    Column("start_date", gettext_lazy("employment start date"), "date", target="employment"),
)
BY_KEY = {column.key: column for column in COLUMNS}
TRUE = {"yes", "y", "true", "1", "是", "x"}
FALSE = {"no", "n", "false", "0", "否", ""}


@dataclass
class RowResult:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    name: str
    passport: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult]
    imported: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def problems(self) -> int:
        return sum(1 for row in self.rows if row.errors)


# --- Reading the file --------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    # Excel in Taiwan saves CSV as Big5 (cp950) unless told otherwise; UTF-8 (with or without BOM)
    # comes from everything else.
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The CSV file is neither UTF-8 nor Big5 text."))


def _header_key(header) -> str:
    """'passport_number (護照號碼)' → 'passport_number': the template's headers carry labels."""
    text = str(header or "").strip().lower()
    return re.split(r"[\s(（]", text, maxsplit=1)[0] if text else ""


def read_rows(data: bytes) -> list[dict]:
    """The file's rows as {column key: raw value}; refuses what cannot be read as a whole."""
    if not data:
        raise ImportRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    try:
        if data[:4] == b"PK\x03\x04":  # a zip: XLSX
            dataset = tablib.Dataset().load(data, format="xlsx")
        else:
            dataset = tablib.Dataset().load(_decode(data), format="csv")
    except ImportRefused:
        raise
    except Exception as exc:  # tablib and openpyxl raise many kinds for a damaged file
        raise ImportRefused(
            _("The file cannot be read as CSV or XLSX (%(error)s).") % {"error": type(exc).__name__}
        ) from exc
    keys = [_header_key(header) for header in dataset.headers or []]
    unknown = sorted({key for key in keys if key and key not in BY_KEY})
    if unknown:
        raise ImportRefused(
            _("Unknown columns: %(columns)s. Use the template's column names.")
            % {"columns": ", ".join(unknown)}
        )
    missing = [column.key for column in COLUMNS if column.required and column.key not in keys]
    if missing:
        raise ImportRefused(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = [
        {key: value for key, value in zip(keys, values, strict=False) if key} for values in dataset
    ]
    rows = [row for row in rows if any(str(value or "").strip() for value in row.values())]
    if not rows:
        raise ImportRefused(_("The file has no rows under its header."))
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("At most %(rows)d rows per file.") % {"rows": MAX_ROWS})
    return rows


# --- One row ----------------------------------------------------------------------------------------
def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s” is not a date (write 2026-12-31).") % {"value": text})


def _value(column: Column, raw):
    if column.kind == "date":
        return _date(raw)
    text = str(raw if raw is not None else "").strip()
    if column.kind == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": text})
    if column.kind == "int":
        if not text:
            return None
        try:
            return int(float(text.replace(",", "")))
        except ValueError as exc:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from exc
    if column.key in ("passport_number", "nationality"):
        return text.upper()
    return text


def _parts(raw: dict, today: dt.date) -> tuple[dict, dict, dict, list[str]]:
    parts: dict[str, dict] = {"applicant": {}, "authorisation": {}, "employment": {}}
    errors = []
    for key, value in raw.items():
        column = BY_KEY[key]
        try:
            converted = _value(column, value)
        except ValueError as exc:
            errors.append(f"{column.label}: {exc}")
            continue
        if converted in (None, "") and column.target != "applicant":
            continue  # the defaults below apply
        parts[column.target][key] = converted
    applicant = parts["applicant"]
    for key in ("given_name_en", "name_zh", "email"):
        applicant.setdefault(key, "")
    if not applicant.get("time_zone"):
        applicant.pop("time_zone", None)  # the model's default, Asia/Taipei
    authorisation = {"signed_on": today, "valid_from": today, **parts["authorisation"]}
    employment = {"start_date": today, **parts["employment"]}
    return applicant, authorisation, employment, errors


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        out = []
        for key, errors in exc.message_dict.items():
            label = BY_KEY[key].label if key in BY_KEY else ""
            out += [f"{label}: {message}" if label else message for message in errors]
        return out
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


# --- The whole file ----------------------------------------------------------------------------------
class _DryRun(Exception):
    pass


def run_import(
    *, rows: list[dict], organization: Organization, actor, commit: bool, today: dt.date
) -> ImportResult:
    """Check (commit=False) or import (commit=True, only when every row is fine) the rows."""
    result = ImportResult(rows=[])
    try:
        with transaction.atomic():
            for number, raw in enumerate(rows, start=2):
                applicant, authorisation, employment, errors = _parts(raw, today)
                row = RowResult(
                    number=number,
                    name=" ".join(
                        filter(
                            None, [applicant.get("family_name_en"), applicant.get("given_name_en")]
                        )
                    ),
                    passport=applicant.get("passport_number", ""),
                    errors=errors,
                )
                result.rows.append(row)
                row.warnings = checks.warnings_for(applicant, today=today)
                # A cell that could not be read is left out and the rest still checked, so the
                # row shows every problem at once, not one per upload.
                try:
                    with transaction.atomic():  # a failed row leaves the others usable
                        services.applicant_create(
                            actor=actor,
                            organization=organization,
                            authorisation=authorisation if organization.is_agency else None,
                            employment=None if organization.is_agency else employment,
                            **applicant,
                        )
                except (ValidationError, services.AccountsError) as exc:
                    row.errors += _messages(exc)
            if not commit or not result.ok:
                raise _DryRun
            result.imported = len(result.rows)
    except _DryRun:
        pass
    return result


def template_dataset(organization: Organization | None) -> tablib.Dataset:
    """The columns to fill, with one example row (an agency's or an employer's)."""
    agency = organization is None or organization.is_agency
    columns = [
        column
        for column in COLUMNS
        if column.target == "applicant"
        or column.target == ("authorisation" if agency else "employment")
    ]
    example = {
        "family_name_en": "Sharma",
        "given_name_en": "Priya",
        "name_zh": "夏瑪",
        "passport_number": "Z1234567",
        "passport_expiry": "2031-05-31",
        "nationality": "IN",
        "date_of_birth": "1990-04-02",
        "email": "priya@example.com",
        "time_zone": "Asia/Kolkata",
        "signed_on": "2026-11-20",
        "valid_from": "2026-11-20",
        "valid_until": "2027-11-19",
        "covers_pickup": "no",
        "job_title": "Data scientist",
        "monthly_salary_twd": "180000",
        "start_date": "2026-09-01",
    }
    data = tablib.Dataset(headers=[f"{column.key} ({column.label})" for column in columns])
    data.append([example[column.key] for column in columns])
    return data
