"""Real notices and proofs for the attachment tests: the NIA e-mail as saved by a mail program
(.eml), the platform's 補正完成 screenshot, a notice PDF (tests.documents.files builds the PDFs,
the encrypted PDF and the program)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from tests.documents.files import png, small_pdf

NIA_EMAIL = (
    "Return-Path: <noreply@immigration.gov.tw>\r\n"
    "From: =?UTF-8?B?5YWn5pS/6YOo56e75rCR572y?= <noreply@immigration.gov.tw>\r\n"
    "To: staff@formosa.example\r\n"
    "Subject: =?UTF-8?B?6KOc5q2j6YCa55+l?=\r\n"
    "Date: Mon, 30 Nov 2026 09:15:00 +0800\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: text/plain; charset="utf-8"\r\n'
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "申請案號 115551035401 請於期限內補正。\r\n"
).encode()


def notice_eml() -> bytes:
    return NIA_EMAIL


def notice_eml_mime_first() -> bytes:
    """Some mail programs save the headers in another order: libmagic then reads plain text."""
    return (
        b"MIME-Version: 1.0\r\nFrom: noreply@immigration.gov.tw\r\nSubject: notice\r\n"
        b"Date: Mon, 30 Nov 2026 09:15:00 +0800\r\n\r\nPlease supplement.\r\n"
    )


def notice_pdf() -> bytes:
    return small_pdf("notice")


def screenshot_png() -> bytes:
    """The platform's 補正完成 (supplement complete) screen, as a browser screenshot."""
    image = Image.new("RGB", (800, 500), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 760, 120), fill=(30, 120, 60))
    draw.text((60, 70), "Supplement complete 115551035401", fill=(255, 255, 255))
    return png(image)
