"""Find out what a file really is, from its content and never from its name.

Two sniffers read the first bytes: libmagic (python-magic) and filetype. libmagic knows far more
formats (executables, scripts, office files); filetype is a second opinion that does not depend on
the system's magic database. A file is an executable when either says so or its first bytes are an
executable header, whatever its name claims.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import magic
import pikepdf

# What the checks accept and the packer reads. The platform itself takes PDF and images; HEIC and
# TIFF are converted into PDF by packing.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/tiff": "TIFF",
}
# Spellings the sniffers use for the same thing.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/heic-sequence": "image/heic",
    "image/heif-sequence": "image/heif",
    "image/x-tiff": "image/tiff",
    "application/x-pdf": "application/pdf",
}
EXECUTABLE_TYPES = {
    "application/x-executable": "ELF executable",
    "application/x-pie-executable": "ELF executable",
    "application/x-sharedlib": "ELF executable",
    "application/x-object": "ELF executable",
    "application/x-coredump": "ELF executable",
    "application/x-elf": "ELF executable",
    "application/x-dosexec": "Windows executable",
    "application/x-msdownload": "Windows executable",
    "application/vnd.microsoft.portable-executable": "Windows executable",
    "application/x-ms-installer": "Windows installer",
    "application/x-msi": "Windows installer",
    "application/x-mach-binary": "macOS executable",
    "application/x-java-applet": "Java class",
    "application/java-archive": "Java archive",
    "application/x-shellscript": "shell script",
    "text/x-shellscript": "shell script",
    "text/x-msdos-batch": "batch script",
    "application/x-bat": "batch script",
}
# First bytes of executables, checked directly as well: a header is enough for a loader.
EXECUTABLE_HEADERS = (
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xfe\xed\xfa\xce", "macOS executable"),
    (b"\xfe\xed\xfa\xcf", "macOS executable"),
    (b"\xce\xfa\xed\xfe", "macOS executable"),
    (b"\xcf\xfa\xed\xfe", "macOS executable"),
    (b"\xca\xfe\xba\xbe", "macOS universal binary or Java class"),
    (b"#!", "script"),
)
# Names a program is expected to have: such a file is unsupported, not disguised.
EXECUTABLE_EXTENSIONS = {
    "", ".exe", ".dll", ".com", ".scr", ".msi", ".bin", ".elf", ".so", ".o", ".out", ".app",
    ".sh", ".bash", ".bat", ".cmd", ".ps1", ".jar", ".class", ".run",
}  # fmt: skip
# Friendly names for refused types people commonly try.
KNOWN_LABELS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel workbook",
    "application/vnd.ms-excel": "an Excel workbook",
    "application/vnd.oasis.opendocument.text": "an OpenDocument text",
    "application/zip": "a ZIP archive",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/svg+xml": "an SVG drawing",
    "text/html": "a web page",
    "text/plain": "plain text",
}

SNIFF_BYTES = 1024 * 1024  # libmagic needs more than the header for some formats (office files)


@dataclass(frozen=True)
class Sniffed:
    content_type: str  # normalised MIME type from the content
    executable: str | None  # what kind of program, when it is one

    @property
    def accepted(self) -> bool:
        return self.content_type in ACCEPTED_TYPES

    @property
    def label(self) -> str:
        return (
            self.executable
            or ACCEPTED_TYPES.get(self.content_type)
            or KNOWN_LABELS.get(self.content_type)
            or self.content_type
        )


def _normalise(mime: str | None) -> str:
    mime = (mime or "application/octet-stream").split(";")[0].strip().lower()
    return ALIASES.get(mime, mime)


def sniff(data: bytes) -> Sniffed:
    head = data[:SNIFF_BYTES]
    by_magic = _normalise(magic.from_buffer(head, mime=True))
    guessed = filetype.guess(head[:8192])
    by_filetype = _normalise(guessed.mime if guessed else None)
    executable = (
        EXECUTABLE_TYPES.get(by_magic)
        or EXECUTABLE_TYPES.get(by_filetype)
        or next((label for header, label in EXECUTABLE_HEADERS if head.startswith(header)), None)
    )
    content_type = by_magic
    if content_type not in ACCEPTED_TYPES and by_filetype in ACCEPTED_TYPES:
        # libmagic can miss a format its database is too old for; filetype's opinion then counts.
        content_type = by_filetype
    elif (
        content_type in ACCEPTED_TYPES
        and by_filetype != "application/octet-stream"
        and by_filetype != content_type
        and not (content_type.startswith("image/hei") and by_filetype.startswith("image/hei"))
    ):
        # The two disagree about what the content is: trust neither.
        content_type = "application/octet-stream"
    return Sniffed(content_type=content_type, executable=executable)


def looks_like_program_name(name: str) -> bool:
    return PurePath(name).suffix.lower() in EXECUTABLE_EXTENSIONS


@dataclass(frozen=True)
class FileInfo:
    content_type: str
    size: int
    pages: int | None
    encrypted: bool


def inspect_bytes(data: bytes) -> FileInfo:
    """Metadata only, no verdict: the hostile-file checks live in cases.documents.checks."""
    content_type = sniff(data).content_type
    pages: int | None = None
    encrypted = False
    if content_type == "application/pdf":
        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
                encrypted = pdf.is_encrypted
        except pikepdf.PasswordError:
            encrypted = True
        except pikepdf.PdfError:
            pages = None
    elif content_type.startswith("image/"):
        pages = 1
    return FileInfo(content_type=content_type, size=len(data), pages=pages, encrypted=encrypted)
