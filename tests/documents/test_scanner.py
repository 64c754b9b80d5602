"""The virus-scanner hook: ClamAV's daemon for real (a one-signature database), the test double,
and what an upload meets when the scanner finds something or cannot answer."""

from __future__ import annotations

import pytest

from cases.documents.intake import intake
from cases.documents.scanner import (
    ClamdScanner,
    EicarTestScanner,
    NoScanner,
    ScannerUnavailable,
    ScanResult,
    scanner_from_settings,
)
from cases.errors import ScanFailed, VirusFound
from tests.documents import files


def test_clamd_finds_the_test_signature_inside_a_pdf(clamd_url):
    scanner = ClamdScanner(clamd_url)
    assert scanner.scan(files.pdf_with_eicar()) == ScanResult(
        clean=False, signature="Tracker.Test.EICAR.UNOFFICIAL"
    )


def test_clamd_passes_a_clean_file_streamed_in_many_chunks(clamd_url):
    data = files.scan_pages(4)  # over a megabyte: many INSTREAM chunks
    assert ClamdScanner(clamd_url).scan(data) == ScanResult(clean=True)


def test_clamd_over_tcp_url_that_nobody_answers():
    scanner = ClamdScanner("tcp://127.0.0.1:9", timeout=2)
    with pytest.raises(ScannerUnavailable, match="cannot reach clamd"):
        scanner.scan(b"%PDF-1.4")


def test_the_test_double_finds_eicar_like_an_engine():
    assert EicarTestScanner().scan(files.pdf_with_eicar()) == ScanResult(
        clean=False, signature="Eicar-Test-Signature"
    )
    assert EicarTestScanner().scan(files.small_pdf()) == ScanResult(clean=True)


def test_the_setting_chooses_the_scanner(settings):
    settings.VIRUS_SCANNER = ""
    assert type(scanner_from_settings()) is NoScanner
    settings.VIRUS_SCANNER = "test"
    assert type(scanner_from_settings()) is EicarTestScanner
    settings.VIRUS_SCANNER, settings.CLAMD_URL = "clamd", "unix:///nowhere.sock"
    scanner = scanner_from_settings()
    assert (type(scanner), scanner.url) == (ClamdScanner, "unix:///nowhere.sock")


def test_intake_refuses_malware_found_by_clamd(settings, clamd_url):
    settings.VIRUS_SCANNER, settings.CLAMD_URL = "clamd", clamd_url
    with pytest.raises(VirusFound) as caught:
        intake(data=files.pdf_with_eicar(), name="invoice.pdf")
    assert caught.value.code == "virus_found"
    assert caught.value.params == {
        "name": "invoice.pdf",
        "signature": "Tracker.Test.EICAR.UNOFFICIAL",
    }


def test_intake_fails_closed_when_the_scanner_cannot_answer(settings, tmp_path):
    settings.VIRUS_SCANNER, settings.CLAMD_URL = "clamd", f"unix://{tmp_path}/none.sock"
    with pytest.raises(ScanFailed) as caught:
        intake(data=files.small_pdf(), name="letter.pdf")
    assert (caught.value.code, caught.value.status) == ("scan_failed", 503)
