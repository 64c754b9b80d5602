"""The checks a notice or a proof of submission passes before it is stored (issue 11, item 8).

Narrower than a document's: PDF, PNG and JPEG (and, for the notice, the e-mail itself as .eml),
at most 10 MB, never encrypted. They are kept for the record and never packed, so nothing is
converted but a PDF's scripts and automatic actions, removed as from documents; the PDF and image
checks (damage, bombs, encryption) and the virus scan are the documents' own.
"""

from __future__ import annotations

import dataclasses
import hashlib
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import PurePath

from django.utils.translation import gettext as _

from cases.choices import AttachmentKind
from cases.documents.checks import check_file
from cases.documents.inspect import looks_like_program_name, sniff
from cases.documents.intake import scan, stored_form
from cases.documents.limits import Limits
from cases.errors import DisguisedExecutable, EmptyFile, FileTooLarge, UnsupportedType

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EMAIL = "message/rfc822"
IMAGES_AND_PDF = frozenset({"application/pdf", "image/png", "image/jpeg"})
ACCEPTED: dict[str, frozenset[str]] = {
    AttachmentKind.NOTICE: IMAGES_AND_PDF | {EMAIL},
    AttachmentKind.PROOF: IMAGES_AND_PDF,
}


@dataclasses.dataclass(frozen=True)
class CheckedAttachment:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes = dataclasses.field(default=b"", repr=False, compare=False)  # what to store


def _looks_like_email(data: bytes) -> bool:
    """libmagic names a message by its first header; one starting with, say, MIME-Version reads
    as plain text. A message has a sender and a subject or a date."""
    message = message_from_bytes(data[: 256 * 1024], policy=default_policy)
    return bool(message.get("From")) and bool(message.get("Subject") or message.get("Date"))


def _refused_type(name: str, detected: str, kind: str) -> UnsupportedType:
    if kind == AttachmentKind.NOTICE:
        text = _(
            "“%(name)s” is %(detected)s, which cannot be kept as the notice. Attach the e-mail "
            "(.eml), or the notice as PDF, PNG or JPEG."
        )
    else:
        text = _(
            "“%(name)s” is %(detected)s, which cannot be kept as the proof. Attach the 補正完成 "
            "(supplement complete) screenshot as PNG or JPEG, or the receipt as PDF."
        )
    return UnsupportedType(
        text % {"name": name, "detected": detected}, name=name, detected=detected
    )


def check_attachment(*, data: bytes, name: str, kind: str) -> CheckedAttachment:
    """Refuse what cannot be kept as a notice or proof (raising the UploadRefused subclass that
    says why); the caller stores nothing then."""
    if not data:
        raise EmptyFile(_("“%(name)s” is empty (0 bytes).") % {"name": name}, name=name)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise FileTooLarge(
            _("“%(name)s” is %(size_mb)s MB; a notice or proof may be at most %(limit_mb)s MB.")
            % {
                "name": name,
                "size_mb": f"{len(data) / 1_048_576:.1f}",
                "limit_mb": MAX_ATTACHMENT_BYTES // 1_048_576,
            },
            name=name,
            size=len(data),
            limit_bytes=MAX_ATTACHMENT_BYTES,
        )
    sniffed = sniff(data)
    if sniffed.executable:
        error = UnsupportedType if looks_like_program_name(name) else DisguisedExecutable
        raise error(
            _("“%(name)s” is a program (%(detected)s), not a notice or proof; it was refused.")
            % {"name": name, "detected": sniffed.executable},
            name=name,
            detected=sniffed.executable,
        )
    content_type = sniffed.content_type
    if (
        content_type == "text/plain"
        and PurePath(name).suffix.lower() == ".eml"
        and _looks_like_email(data)
    ):
        content_type = EMAIL
    if content_type not in ACCEPTED.get(kind, frozenset()):
        raise _refused_type(name, sniffed.label, kind)
    if content_type == EMAIL:
        if not _looks_like_email(data):
            raise _refused_type(name, sniffed.label, kind)
        scan(data=data, name=name)
    else:
        # The documents' PDF and image checks: encrypted, damaged, bombs; then the virus scan.
        limits = dataclasses.replace(Limits.from_settings(), max_upload_bytes=MAX_ATTACHMENT_BYTES)
        checked = check_file(data=data, name=name, limits=limits)
        scan(data=data, name=name)
        data = stored_form(checked).data  # a PDF without its scripts and automatic actions
    return CheckedAttachment(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
