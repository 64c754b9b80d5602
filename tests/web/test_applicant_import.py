"""Importing applicants from a spreadsheet: real CSV (UTF-8 and Big5) and XLSX files, every row
checked by the same service as one applicant, all or nothing, recorded as the importer's."""

from __future__ import annotations

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Applicant, Authorisation
from cases.tenancy import agency_client_filter, scope_for

HEADERS = [
    "family_name_en (英文姓氏)",
    "given_name_en",
    "name_zh",
    "passport_number",
    "nationality",
    "email",
    "valid_until",
    "covers_pickup",
]
GOOD = [
    ["Tanaka", "Akiko", "田中明子", "tk1234567", "jp", "akiko@example.com", "2027/11/30", "yes"],
    ["Dubois", "Marie", "", "FR998877", "FR", "", "", ""],
]


def sheet(rows, headers=HEADERS) -> tablib.Dataset:
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def csv_file(rows, encoding="utf-8", headers=HEADERS) -> SimpleUploadedFile:
    return SimpleUploadedFile("applicants.csv", sheet(rows, headers).export("csv").encode(encoding))


def xlsx_file(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("applicants.xlsx", sheet(rows).export("xlsx"))


def check(client, upload):
    return client.post("/applicants/import/", {"file": upload})


def test_an_agency_admin_checks_then_imports_a_spreadsheet(client, world):
    client.force_login(world.agency_admin)

    checked = check(client, xlsx_file(GOOD))

    assert checked.status_code == 200
    page = checked.content.decode()
    assert "All 2 applicants are ready to import." in page
    assert not Applicant.objects.filter(passport_number="TK1234567").exists()  # only a check

    imported = client.post(
        "/applicants/import/",
        {"token": checked.context["token"], "organization": world.agency.pk},
        follow=True,
    )

    assert "2 applicants imported with Formosa" in imported.content.decode()
    akiko = Applicant.objects.get(passport_number="TK1234567", nationality="JP")
    assert (akiko.name_zh, akiko.email) == ("田中明子", "akiko@example.com")
    authorisation = Authorisation.objects.get(applicant=akiko)
    assert (authorisation.agency, authorisation.covers_pickup) == (world.agency, True)
    assert authorisation.valid_until.isoformat() == "2027-11-30"
    assert akiko.history.get().history_user == world.agency_admin
    # The agency now works for them: they are in its scope, and not in another agency's.
    clients = Applicant.objects.filter(agency_client_filter(scope_for(world.agency_staff)))
    assert clients.filter(pk=akiko.pk).exists()
    others = Applicant.objects.filter(agency_client_filter(scope_for(world.outsider)))
    assert not others.filter(pk=akiko.pk).exists()
    # The same confirmation twice imports nothing more.
    again = client.post(
        "/applicants/import/",
        {"token": checked.context["token"], "organization": world.agency.pk},
        follow=True,
    )
    assert "already done or has expired" in again.content.decode()
    assert Applicant.objects.filter(passport_number="TK1234567").count() == 1


def test_one_bad_row_stops_the_whole_file_and_each_problem_is_named(client, world):
    client.force_login(world.agency_admin)
    rows = [
        *GOOD,
        ["Lee", "", "", "bad passport!", "KR", "not-an-email", "2027-02-30", "maybe"],
        ["Tanaka", "Akiko", "", "TK1234567", "JP", "", "", ""],  # the same passport again
    ]

    checked = check(client, csv_file(rows))

    assert checked.status_code == 400
    result = checked.context["result"]
    assert [row.number for row in result.rows if row.errors] == [4, 5]
    lee = result.rows[2].errors
    assert any("2027-02-30" in error for error in lee)
    assert any("maybe" in error for error in lee)
    assert "2 rows have problems. Nothing was imported" in checked.content.decode()
    assert "token" not in client.session.get("applicant-import", {})
    assert not Applicant.objects.filter(nationality__in=["JP", "FR", "KR"]).exists()


def test_big5_csv_from_excel_in_taiwan_is_read(client, world):
    client.force_login(world.agency_admin)
    rows = [["Chen", "Mei", "陳美", "E1234567", "US", "", "", ""]]

    checked = check(client, csv_file(rows, encoding="cp950"))

    assert checked.status_code == 200, checked.context["result"].rows
    assert checked.context["result"].rows[0].name == "Chen Mei"


def test_unreadable_files_are_refused_as_a_whole(client, world):
    client.force_login(world.agency_admin)
    before = Applicant.objects.count()  # the world's applicants have random names (one may be Lee)
    cases = {
        "not a spreadsheet": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken zip"),
        "empty": SimpleUploadedFile("x.csv", b""),
        "unknown column": csv_file([["a"]], headers=["shoe_size"]),
        "missing column": csv_file([["Lee"]], headers=["family_name_en"]),
        "no rows": csv_file([]),
    }
    for label, upload in cases.items():
        response = check(client, upload)
        assert response.status_code == 400, label
        assert response.context.get("result") is None, label
    assert Applicant.objects.count() == before


def test_only_an_agency_admin_may_import(client, world):
    for user in (world.agency_staff, world.hr_acme, world.applicant_user):
        client.force_login(user)
        assert client.get("/applicants/import/").status_code == 403
        assert check(client, csv_file(GOOD)).status_code == 403
        assert client.get("/applicants/import/template.csv").status_code == 403
    client.force_login(world.agency_admin)
    assert client.get("/applicants/import/").status_code == 200
    assert check(client, csv_file(GOOD)).status_code == 200
    # Another agency's id is not a choice.
    other = client.post(
        "/applicants/import/", {"file": csv_file(GOOD), "organization": world.other_agency.pk}
    )
    assert other.status_code == 404
    assert not Applicant.objects.filter(passport_number="TK1234567").exists()


def test_the_template_round_trips(client, world):
    client.force_login(world.agency_admin)
    for fmt in ("csv", "xlsx"):
        template = client.get(f"/applicants/import/template.{fmt}")
        assert template.status_code == 200
        name = f"template.{fmt}"
        checked = check(client, SimpleUploadedFile(name, template.content))
        assert checked.status_code == 200, checked.context["result"].rows
        assert checked.context["result"].rows[0].passport == "Z1234567"


def test_every_problem_of_every_row_is_reported_and_no_database_text_leaks(client, world):
    client.force_login(world.agency_admin)
    headers = [
        "family_name_en",
        "passport_number",
        "nationality",
        "time_zone",
        "date_of_birth",
        "passport_expiry",
        "valid_from",
        "valid_until",
    ]
    rows = [
        # An unreadable date beside a bad country, zone and future birth date: all four named.
        ["Lee", "M1234567", "XX", "Asia/Seoull", "2999-01-01", "2031-01-01", "2026-13-01", ""],
        # An implausible birth date, an expired passport and reversed authorisation dates.
        [
            "Kim",
            "K7654321",
            "KR",
            "Asia/Seoul",
            "1900-01-01",
            "2001-01-01",
            "2027-05-01",
            "2027-01-01",
        ],
        # The same passport and nationality as the applicant already recorded.
        ["Twin", world.priya.passport_number, world.priya.nationality, "", "", "", "", ""],
    ]

    checked = check(client, csv_file(rows, headers=headers))

    assert checked.status_code == 400
    lee, kim, twin = (row.errors for row in checked.context["result"].rows)
    assert len(lee) == 4, lee
    assert any("2026-13-01" in error for error in lee)
    assert any("“XX” is not a country code" in error for error in lee)
    assert any("“Asia/Seoull” is not a time zone" in error for error in lee)
    assert any("The date of birth is in the future." in error for error in lee)
    assert len(kim) == 3, kim
    assert any("more than 100 years ago" in error for error in kim)
    assert any("This passport has expired" in error for error in kim)
    assert twin == ["This passport number and nationality cannot be used for a new applicant."]
    body = checked.content.decode()
    assert "UNIQUE constraint" not in body
    assert "IntegrityError" not in body
    assert not Applicant.objects.filter(family_name_en__in=["Lee", "Kim", "Twin"]).exists()


def test_a_passport_expiring_soon_is_a_warning_in_the_check(client, world):
    import datetime as dt

    from cases.clock import taipei_today

    client.force_login(world.agency_admin)
    soon = (taipei_today() + dt.timedelta(days=30)).isoformat()
    headers = ["family_name_en", "passport_number", "nationality", "passport_expiry"]

    checked = check(client, csv_file([["Lee", "M1234567", "KR", soon]], headers=headers))

    assert checked.status_code == 200
    row = checked.context["result"].rows[0]
    assert row.errors == []
    assert row.warnings == [
        f"The passport (護照) expires on {soon}, within six months: ask for the renewed "
        "passport before filing."
    ]
