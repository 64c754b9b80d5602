"""The hostile-file checks on real files: each refusal with its exact code, and what passes."""

from __future__ import annotations

import pytest

from cases.documents.checks import check_file
from cases.documents.limits import Limits
from cases.errors import (
    CorruptFile,
    DecompressionBomb,
    DisguisedExecutable,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    TooManyPages,
    UnsupportedType,
    UploadRefused,
)
from tests.documents import files

LIMITS = Limits()


def refusal(data: bytes, name: str, limits: Limits = LIMITS):
    with pytest.raises(UploadRefused) as caught:
        check_file(data=data, name=name, limits=limits)
    return caught.value


@pytest.mark.parametrize(
    ("name", "make", "content_type", "pages"),
    [
        ("photo.jpg", lambda: files.jpeg(files.photo(1, (800, 600))), "image/jpeg", 1),
        ("screenshot.png", lambda: files.png(files.text_page(2, (400, 300))), "image/png", 1),
        ("IMG_0001.HEIC", files.heic_sample, "image/heic", 1),
        (
            "scan.tiff",
            lambda: files.tiff([files.text_page(seed, (300, 400)) for seed in range(3)]),
            "image/tiff",
            3,
        ),
        ("letter.pdf", lambda: files.small_pdf("letter"), "application/pdf", 1),
        ("scan.pdf", files.scan_30_pages, "application/pdf", 30),
        ("transparent.png", files.alpha_png, "image/png", 1),
    ],
)
def test_accepted_files_are_described_from_their_content(name, make, content_type, pages):
    data = make()
    checked = check_file(data=data, name=name, limits=LIMITS)
    assert (checked.content_type, checked.pages, checked.size) == (content_type, pages, len(data))
    assert len(checked.sha256) == 64


def test_the_name_does_not_decide_the_type():
    checked = check_file(data=files.small_pdf("x"), name="photo.jpg", limits=LIMITS)
    assert checked.content_type == "application/pdf"


def test_empty_file():
    error = refusal(b"", "empty.pdf")
    assert type(error) is EmptyFile
    assert (error.code, error.status, error.params) == ("empty_file", 400, {"name": "empty.pdf"})


def test_upload_ceiling():
    data = files.small_pdf("big")
    error = refusal(data, "big.pdf", Limits(max_upload_bytes=len(data) - 1))
    assert type(error) is FileTooLarge
    assert (error.code, error.status) == ("file_too_large", 413)
    assert error.params == {"name": "big.pdf", "size": len(data), "limit_bytes": len(data) - 1}


def test_password_protected_pdf_is_refused_with_the_advice_to_remove_it():
    error = refusal(files.encrypted_pdf(), "statement.pdf")
    assert type(error) is EncryptedPdf
    assert error.code == "encrypted_pdf"
    assert error.params == {"name": "statement.pdf", "protection": "password"}
    assert "without one" in error.message


def test_owner_restricted_pdf_is_refused_as_encrypted_too():
    error = refusal(files.owner_restricted_pdf(), "diploma.pdf")
    assert type(error) is EncryptedPdf
    assert error.params == {"name": "diploma.pdf", "protection": "restrictions"}
    assert "remove the protection" in error.message


def test_truncated_pdf_is_corrupt():
    error = refusal(files.truncated(files.scan_30_pages(), 0.6), "scan.pdf")
    assert type(error) is CorruptFile
    assert error.code == "corrupt_file"
    assert error.params["name"] == "scan.pdf"


def test_truncated_jpeg_is_corrupt():
    error = refusal(files.truncated(files.jpeg(files.photo(4, (800, 600)))), "photo.jpg")
    assert type(error) is CorruptFile
    assert error.params["detail"].startswith("image file is truncated")


def test_garbage_with_a_pdf_header_is_corrupt():
    error = refusal(b"%PDF-1.7\n" + b"\x00garbage" * 200, "broken.pdf")
    assert type(error) is CorruptFile


@pytest.mark.parametrize(
    ("data", "name", "detected"),
    [
        (files.elf_program, "passport.pdf", "ELF executable"),
        (files.pe_program, "photo.jpg", "Windows executable"),
        (lambda: b"#!/bin/sh\nrm -rf ~\n", "degree.pdf", "shell script"),
    ],
)
def test_programs_named_as_documents_are_disguised_executables(data, name, detected):
    error = refusal(data(), name)
    assert type(error) is DisguisedExecutable
    assert (error.code, error.status) == ("disguised_executable", 415)
    assert error.params == {"name": name, "detected": detected}


def test_a_program_named_as_one_is_unsupported():
    error = refusal(files.elf_program(), "setup.exe")
    assert type(error) is UnsupportedType
    assert error.params == {"name": "setup.exe", "detected": "ELF executable"}


def test_word_document_is_unsupported_with_the_advice_to_save_as_pdf():
    error = refusal(files.word_document(), "cv.docx")
    assert type(error) is UnsupportedType
    assert error.params["detected"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "a Word document" in error.message
    assert "save Word documents as PDF" in error.message


def test_huge_dimension_image_is_a_decompression_bomb():
    error = refusal(files.png_bomb(), "scan.png")
    assert type(error) is DecompressionBomb
    assert error.code == "decompression_bomb"
    assert error.params["name"] == "scan.png"


def test_our_pixel_ceiling_applies_below_pillows():
    data = files.png(files.text_page(5, (1000, 1000)))
    error = refusal(data, "page.png", Limits(max_pixels=999_999))
    assert type(error) is DecompressionBomb
    assert error.params == {"name": "page.png", "width": 1000, "height": 1000, "limit": 999_999}


def test_pdf_whose_streams_inflate_beyond_the_ceiling_is_a_decompression_bomb():
    data = files.pdf_flate_bomb(64 << 20)
    assert len(data) < 200_000
    error = refusal(data, "report.pdf", Limits(max_expanded_bytes=32 << 20))
    assert type(error) is DecompressionBomb
    assert error.params == {"name": "report.pdf", "limit": 32 << 20}
    # Under a ceiling it would pass: the check measures, it does not guess.
    checked = check_file(data=data, name="report.pdf", limits=Limits(max_expanded_bytes=128 << 20))
    assert checked.pages == 1


def test_too_many_pages():
    error = refusal(files.scan_30_pages(), "scan.pdf", Limits(max_pages=29))
    assert type(error) is TooManyPages
    assert error.params == {"name": "scan.pdf", "pages": 30, "limit": 29}
