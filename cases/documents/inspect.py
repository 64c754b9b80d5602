"""Find out what an uploaded file really is: its type from the content, pages and encryption.

The documents capability adds the hostile-file checks on top of this; the foundation needs the
metadata only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import filetype
import pikepdf


@dataclass(frozen=True)
class FileInfo:
    content_type: str
    size: int
    pages: int | None
    encrypted: bool


def inspect_bytes(data: bytes) -> FileInfo:
    kind = filetype.guess(data)
    content_type = kind.mime if kind else "application/octet-stream"
    pages: int | None = None
    encrypted = False
    if content_type == "application/pdf":
        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
                encrypted = pdf.is_encrypted
        except pikepdf.PasswordError:
            encrypted = True
    elif content_type.startswith("image/"):
        pages = 1
    return FileInfo(content_type=content_type, size=len(data), pages=pages, encrypted=encrypted)
