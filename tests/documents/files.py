"""Real files for the documents tests, generated here: phone photos, scans, encrypted and damaged
PDFs, programs in disguise, decompression bombs. Deterministic (seeded), so outcomes are exact."""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import img2pdf
import pikepdf
import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()


def noise(size: tuple[int, int], seed: int, mode: str = "L") -> Image.Image:
    rnd = random.Random(seed)
    bands = [Image.frombytes("L", size, rnd.randbytes(size[0] * size[1])) for _ in range(len(mode))]
    return bands[0] if mode == "L" else Image.merge(mode, bands)


def text_page(seed: int, size: tuple[int, int] = (1240, 1754), grain: float = 0.08) -> Image.Image:
    """A scanned page of text (150 dpi A4 by default): dark word blocks on off-white, with grain."""
    rnd = random.Random(seed)
    page = Image.new("L", size, 242)
    draw = ImageDraw.Draw(page)
    margin, line = size[0] // 10, max(12, size[1] // 60)
    for top in range(margin, size[1] - margin, line * 2):
        left = margin
        while left < size[0] - margin - 40:
            width = rnd.randint(20, 120) * size[0] // 1240
            draw.rectangle((left, top, left + width, top + line), fill=rnd.randint(20, 70))
            left += width + line
    return Image.blend(page, noise(size, seed), grain)


def photo(seed: int, size: tuple[int, int] = (2000, 1500)) -> Image.Image:
    """A phone photo of a document on a table: colour, texture, a sheet with text."""
    rnd = random.Random(seed)
    table = Image.new(
        "RGB", size, (rnd.randint(90, 160), rnd.randint(70, 120), rnd.randint(40, 90))
    )
    sheet = text_page(seed, (size[0] * 3 // 4, size[1] * 3 // 4), grain=0.0).convert("RGB")
    table.paste(sheet, (size[0] // 8, size[1] // 8))
    return Image.blend(table, noise(size, seed + 1, "RGB"), 0.12)


def jpeg(image: Image.Image, quality: int = 90, orientation: int | None = None) -> bytes:
    buffer = io.BytesIO()
    extra = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        extra["exif"] = exif
    image.save(buffer, "JPEG", quality=quality, **extra)
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def heic(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


@functools.cache
def heic_sample() -> bytes:
    """An iPhone-style HEIC photo (x265 is slow on noise: a smooth picture, made once)."""
    image = Image.new("RGB", (640, 480), (200, 180, 150))
    ImageDraw.Draw(image).rectangle((80, 60, 560, 420), fill=(245, 245, 240))
    return heic(image)


def tiff(images: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:], compression="tiff_lzw")
    return buffer.getvalue()


def alpha_png(size: tuple[int, int] = (600, 400)) -> bytes:
    """A transparent page with an opaque black bar: flattened, the transparency must be white."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 4), fill=(0, 0, 0, 255))
    return png(image)


def pdf(images: list[bytes]) -> bytes:
    return img2pdf.convert(images)


def small_pdf(title: str = "document") -> bytes:
    return pdf([jpeg(text_page(hash(title) % 1000, (400, 560)), quality=70)])


@functools.cache
def scan_pages(pages: int) -> bytes:
    """A scan at 150 dpi, about 320 KB a page."""
    return pdf([jpeg(text_page(seed, grain=0.05), quality=85) for seed in range(pages)])


def scan_30_pages() -> bytes:
    """A 30-page scan: about 9.6 MB, more than the platform's whole set of five files."""
    return scan_pages(30)


def encrypted_pdf() -> bytes:
    """A bank statement protected by a password (user password: nobody opens it without)."""
    source = pikepdf.open(io.BytesIO(small_pdf("statement")))
    buffer = io.BytesIO()
    source.save(buffer, encryption=pikepdf.Encryption(user="1234", owner="bank-owner"))
    return buffer.getvalue()


def owner_restricted_pdf() -> bytes:
    """Opens without a password, but encrypted to forbid copying and editing (universities)."""
    source = pikepdf.open(io.BytesIO(small_pdf("diploma")))
    buffer = io.BytesIO()
    permissions = pikepdf.Permissions(extract=False, modify_other=False, modify_annotation=False)
    source.save(
        buffer, encryption=pikepdf.Encryption(user="", owner="registrar", allow=permissions)
    )
    return buffer.getvalue()


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def elf_program() -> bytes:
    """A real ELF executable from this machine."""
    return Path("/bin/true").read_bytes()


def pe_program() -> bytes:
    """A minimal Windows PE header: MZ stub pointing at a PE signature."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\0\0"
    header[0x84:0x86] = struct.pack("<H", 0x14C)  # i386
    return bytes(header)


def word_document() -> bytes:
    buffer = io.BytesIO()
    # The member order libmagic and filetype look for in an Office Open XML package.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@functools.cache
def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid bilevel PNG of 900 megapixels in about 100 KB: decoded, gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def pdf_flate_bomb(expanded: int) -> bytes:
    """A one-page PDF carrying a stream of zeros that inflates to `expanded` bytes."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    packed = b"".join(compressor.compress(block) for _ in range(expanded >> 20))
    packed += compressor.flush()
    document = pikepdf.open(io.BytesIO(small_pdf("bomb")))
    stream = pikepdf.Stream(document, b"")
    stream.write(packed, filter=pikepdf.Name.FlateDecode)
    document.Root.Payload = document.make_indirect(stream)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_with_eicar() -> bytes:
    """A valid PDF that carries the EICAR anti-virus test string (as a real scanner would see a
    payload). Built at run time so this source file trips no scanner."""
    from cases.documents.scanner import EICAR

    document = pikepdf.open(io.BytesIO(small_pdf("eicar")))
    document.Root.Note = document.make_indirect(pikepdf.Stream(document, EICAR))
    buffer = io.BytesIO()
    document.save(buffer, compress_streams=False)
    return buffer.getvalue()


def embedded_images(data: bytes) -> list[Image.Image]:
    """The images drawn on each page of a PDF, decoded (one per page for packed images)."""
    images = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for image in page.get_images().values():
                images.append(pikepdf.PdfImage(image).as_pil_image())
    return images


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(data)) as document:
        return [
            (round(float(page.mediabox[2]), 1), round(float(page.mediabox[3]), 1))
            for page in document.pages
        ]
