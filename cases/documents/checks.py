"""The hostile-file checks every upload passes before anything is stored (API, pages and command).

`check_file(data=, name=, limits=)` answers a `CheckedFile` or raises the `UploadRefused` subclass
that says why (cases.errors): empty, too large, a program in disguise, an unsupported type, an
encrypted PDF, a damaged file, a decompression bomb, too many pages. It needs no database and no
settings; `cases.documents.intake` adds the virus scan and the settings.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass, field

import pikepdf
import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image

from cases.documents.inspect import looks_like_program_name, sniff
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
)

pillow_heif.register_heif_opener()

# What Pillow raises for damaged images varies by format and decoder.
IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError)
PDF_ERRORS = (pikepdf.PdfError, pikepdf.DataDecodingError, ValueError, RuntimeError, OSError)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    pages: int
    sha256: str
    # What to store: the upload itself, or (after intake) a PDF with its scripts and actions out.
    data: bytes = field(default=b"", repr=False, compare=False)


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f}"


def check_file(*, data: bytes, name: str, limits: Limits) -> CheckedFile:
    """Refuse anything that cannot safely become part of an upload set; say what the file is."""
    if not data:
        raise EmptyFile(_("“%(name)s” is empty (0 bytes).") % {"name": name}, name=name)
    if len(data) > limits.max_upload_bytes:
        raise FileTooLarge(
            _(
                "“%(name)s” is %(size_mb)s MB; one upload may be at most %(limit_mb)s MB. "
                "Scan it at a lower resolution or split it."
            )
            % {"name": name, "size_mb": _mb(len(data)), "limit_mb": _mb(limits.max_upload_bytes)},
            name=name,
            size=len(data),
            limit_bytes=limits.max_upload_bytes,
        )
    sniffed = sniff(data)
    if sniffed.executable:
        if looks_like_program_name(name):
            raise UnsupportedType(
                _("“%(name)s” is a program (%(detected)s), not a document.")
                % {"name": name, "detected": sniffed.executable},
                name=name,
                detected=sniffed.executable,
            )
        raise DisguisedExecutable(
            _(
                "“%(name)s” is a program (%(detected)s) although its name says otherwise; "
                "it was refused."
            )
            % {"name": name, "detected": sniffed.executable},
            name=name,
            detected=sniffed.executable,
        )
    if not sniffed.accepted:
        raise UnsupportedType(
            _(
                "“%(name)s” is %(detected)s, which cannot be used. Upload PDF, JPEG, PNG, HEIC or "
                "TIFF files (save Word documents as PDF)."
            )
            % {"name": name, "detected": sniffed.label},
            name=name,
            detected=sniffed.content_type,
        )
    if sniffed.content_type == "application/pdf":
        pages = _check_pdf(data, name, limits)
    else:
        pages = _check_image(data, name, limits)
    return CheckedFile(
        name=name,
        content_type=sniffed.content_type,
        size=len(data),
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _corrupt(name: str, detail: str) -> CorruptFile:
    return CorruptFile(
        _(
            "“%(name)s” is damaged or incomplete and cannot be read (%(detail)s). "
            "Download or scan it again."
        )
        % {"name": name, "detail": detail},
        name=name,
        detail=detail,
    )


def _too_many_pages(name: str, pages: int, limits: Limits) -> TooManyPages:
    return TooManyPages(
        _("“%(name)s” has %(pages)d pages; one file may have at most %(limit)d.")
        % {"name": name, "pages": pages, "limit": limits.max_pages},
        name=name,
        pages=pages,
        limit=limits.max_pages,
    )


def _pixel_bomb(name: str, width: int, height: int, limits: Limits) -> DecompressionBomb:
    return DecompressionBomb(
        _(
            "“%(name)s” holds an image of %(width)d × %(height)d pixels, far more than any "
            "document needs (at most %(limit)d megapixels); it was refused as a possible "
            "decompression bomb. Export it at a lower resolution."
        )
        % {
            "name": name,
            "width": width,
            "height": height,
            "limit": limits.max_pixels // 1_000_000,
        },
        name=name,
        width=width,
        height=height,
        limit=limits.max_pixels,
    )


# --- Images ---------------------------------------------------------------------------------------
def _check_image(data: bytes, name: str, limits: Limits) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            # HEIC: the primary image only (bursts and live photos carry more we do not use).
            frames = 1 if image.format in ("HEIF", "HEIC") else getattr(image, "n_frames", 1)
            if frames > limits.max_pages:
                raise _too_many_pages(name, frames, limits)
            for index in range(frames):
                image.seek(index)
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise _pixel_bomb(name, width, height, limits)
                if image.format == "JPEG":
                    # Decoding at 1/8 scale still reads every byte: truncation shows, cheaply.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                elif image.format == "PNG" and frames == 1 and width * height > STREAM_CHECK_PIXELS:
                    # A large PNG is inflated and discarded, never held: 600 MB for 150 MP.
                    _check_png_stream(data)
                    continue
                image.load()
    except Image.DecompressionBombError as exc:
        # Pillow's own guard (about 179 megapixels) fired before ours could read the size.
        raise DecompressionBomb(
            _(
                "“%(name)s” is an image far larger than any document needs; it was refused as "
                "a possible decompression bomb."
            )
            % {"name": name},
            name=name,
        ) from exc
    except IMAGE_ERRORS as exc:
        raise _corrupt(name, str(exc) or type(exc).__name__) from exc
    return frames


# Above this, a PNG's data is checked by inflating it in pieces instead of decoding the image.
STREAM_CHECK_PIXELS = 16_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: first column, first row, column step, row step.
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))  # fmt: skip


def _png_data_size(width: int, height: int, bits: int, interlaced: bool) -> int:
    """Bytes the image data inflates to: each row's filter byte and its packed pixels."""
    passes = ADAM7 if interlaced else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        columns, rows = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if columns > 0 and rows > 0:
            total += rows * (1 + -(-columns * bits // 8))
    return total


def _check_png_stream(data: bytes) -> None:
    """What decoding proves (every chunk whole, its checksum right, the image data inflating to
    all its rows), with memory bounded by a megabyte whatever the image's size."""
    if not data.startswith(PNG_SIGNATURE):
        raise SyntaxError("not a PNG file")
    inflater = zlib.decompressobj()
    expected = inflated = 0
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 12 > len(data):
            raise OSError("image file is truncated")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if len(body) < length or offset + 12 + length > len(data):
            raise OSError("image file is truncated")
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise SyntaxError(f"broken PNG file (bad checksum in {kind!r})")
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            bits = depth * PNG_CHANNELS.get(colour, 4)
            expected = _png_data_size(width, height, bits, interlace == 1)
        elif kind == b"IDAT":
            pending = body
            try:
                while pending and not inflater.eof:
                    inflated += len(inflater.decompress(pending, 1 << 20))
                    pending = inflater.unconsumed_tail
            except zlib.error as exc:
                raise OSError(f"broken PNG image data ({exc})") from exc
        elif kind == b"IEND":
            break
    if inflated < expected:
        raise OSError("image file is truncated")


# --- PDF ------------------------------------------------------------------------------------------
def _check_pdf(data: bytes, name: str, limits: Limits) -> int:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise EncryptedPdf(
            _(
                "“%(name)s” is protected by a password. The platform refuses encrypted files: "
                "open it with its password, save or print it as a new PDF without one, and "
                "upload that copy."
            )
            % {"name": name},
            name=name,
            protection="password",
        ) from exc
    except PDF_ERRORS as exc:
        raise _corrupt(name, _pdf_detail(exc)) from exc
    with pdf:
        if pdf.is_encrypted:
            raise EncryptedPdf(
                _(
                    "“%(name)s” is encrypted (its creator restricted printing, copying or "
                    "editing). The platform refuses encrypted files: remove the protection, "
                    "for example by printing it to a new PDF, and upload that copy."
                )
                % {"name": name},
                name=name,
                protection="restrictions",
            )
        try:
            pages = len(pdf.pages)
            _check_expansion(pdf, name, limits)
            _check_image_sizes(pdf, name, limits)
            if pdf.get_warnings():
                # qpdf had to repair the file: prove that every page can still be read.
                _read_every_page(pdf)
        except PDF_ERRORS as exc:
            raise _corrupt(name, _pdf_detail(exc)) from exc
    if pages == 0:
        raise _corrupt(name, _("no pages"))
    if pages > limits.max_pages:
        raise _too_many_pages(name, pages, limits)
    return pages


def _pdf_detail(exc: Exception) -> str:
    # qpdf prefixes messages with the stream's repr; keep the part a person can read.
    text = str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc)
    return text[:200] or type(exc).__name__


def _is_flate(stream: pikepdf.Stream) -> bool:
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        return len(filters) == 1 and filters[0] == pikepdf.Name.FlateDecode
    return filters == pikepdf.Name.FlateDecode


def _check_expansion(pdf: pikepdf.Pdf, name: str, limits: Limits) -> None:
    """Inflate every Flate stream with a ceiling, discarding the output: a zip bomb costs CPU time
    up to the ceiling, never memory (qpdf's own decoder would allocate the whole result)."""
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or not _is_flate(obj):
            continue
        inflater = zlib.decompressobj()
        pending = obj.read_raw_bytes()
        try:
            while pending and not inflater.eof:
                total += len(inflater.decompress(pending, 1 << 20))
                if total > limits.max_expanded_bytes:
                    raise DecompressionBomb(
                        _(
                            "“%(name)s” expands to more than %(limit_mb)s MB of data, far more "
                            "than any document needs; it was refused as a possible "
                            "decompression bomb."
                        )
                        % {"name": name, "limit_mb": limits.max_expanded_bytes // 1_048_576},
                        name=name,
                        limit=limits.max_expanded_bytes,
                    )
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # damaged data is for the page check to judge, not a bomb


def _check_image_sizes(pdf: pikepdf.Pdf, name: str, limits: Limits) -> None:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image:
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            if width * height > limits.max_pixels:
                raise _pixel_bomb(name, width, height, limits)


def _read_every_page(pdf: pikepdf.Pdf) -> None:
    """Every image and font a page draws with must exist and decode. A truncated file loses the
    objects at its end; qpdf's repair then leaves names that point at nothing."""
    for page in pdf.pages:
        resources = page.obj.get("/Resources") or pikepdf.Dictionary()
        xobjects = resources.get("/XObject") or pikepdf.Dictionary()
        fonts = resources.get("/Font") or pikepdf.Dictionary()
        for instruction in pikepdf.parse_content_stream(page, "Do Tf"):
            operands, operator = instruction.operands, instruction.operator
            # Both operators name their resource first; a damaged stream may give no name at all
            # ("12 Tf"), which the lookups below would meet with a TypeError or an IndexError.
            name = operands[0] if operands else None
            if not isinstance(name, pikepdf.Name):
                raise pikepdf.PdfError(f"a page has a {operator} operator without a name")
            if str(operator) == "Tf":
                if not isinstance(fonts.get(name), pikepdf.Dictionary):
                    raise pikepdf.PdfError(f"a page uses a missing font {name}")
                continue
            xobject = xobjects.get(name)
            if not isinstance(xobject, pikepdf.Stream):
                raise pikepdf.PdfError(f"a page draws a missing object {name}")
            if xobject.get("/Subtype") != pikepdf.Name.Image:
                continue
            try:
                pikepdf.PdfImage(xobject).as_pil_image().load()
            except (pikepdf.UnsupportedImageTypeError, NotImplementedError):
                continue  # a type Pillow cannot show is not damage
            except IMAGE_ERRORS as exc:
                raise pikepdf.PdfError(f"an image cannot be decoded: {exc}") from exc
