"""Turn one accepted file into PDF pages at a given quality: images rotated upright (EXIF),
transparency flattened on white, downscaled to a legible resolution and re-encoded; PDFs with their
oversized images downscaled and re-encoded, scripts and actions dropped.

No database and no settings: `cases.documents.packer` calls this once per document and quality.
The PDF image recompression is hand-written (after OCRmyPDF's optimiser, which needs Ghostscript
and Tesseract installed): it touches only images larger than the quality needs, so vector text
and bilevel scans stay as they are.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import img2pdf
import pikepdf
import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()
logger = logging.getLogger(__name__)

A4_INCHES = (8.27, 11.69)
A4_POINTS = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
# Bicubic after a box reduction: smooths scanner noise (smaller JPEGs) and keeps text edges.
RESAMPLE = Image.Resampling.BICUBIC
# Box-average down to at least twice the size wanted, then resample: Pillow's own recipe.
REDUCING_GAP = 2.0


@dataclass(frozen=True)
class Quality:
    """How finely pages are kept: images at most `dpi` on an A4 page, JPEG at `jpeg_quality`."""

    dpi: int
    jpeg_quality: int


# From the best to the lowest legible: 100 dpi keeps 9-point text readable on an A4 page; below
# that, stamps and small print blur. The packer tries them in this order.
LEVELS: tuple[Quality, ...] = (
    Quality(200, 80),
    Quality(150, 72),
    Quality(120, 62),
    Quality(100, 55),
)


@dataclass
class Rendered:
    """One input as PDF pages, with what each page costs in bytes (for splitting)."""

    pdf: pikepdf.Pdf
    page_costs: list[int]


class DecodedCache:
    """Images decoded once (at the best level's size, upright, flattened) and reused by the lower
    levels, which then only resize and encode. Bounded, so a huge bundle decodes again instead of
    holding gigabytes."""

    def __init__(self, budget_bytes: int = 600 * 1024 * 1024) -> None:
        self.budget = budget_bytes
        self.used = 0
        self.images: dict[tuple, Image.Image] = {}

    def get(self, key: tuple) -> Image.Image | None:
        return self.images.get(key)

    def put(self, key: tuple, image: Image.Image) -> None:
        size = image.width * image.height * len(image.getbands())
        if self.used + size <= self.budget:
            self.images[key] = image
            self.used += size


# --- Images ---------------------------------------------------------------------------------------
def _box(dpi: int, landscape: bool) -> tuple[int, int]:
    short, long = (round(side * dpi) for side in A4_INCHES)
    return (long, short) if landscape else (short, long)


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # a damaged EXIF block must not stop the page
        return 1


# JPEG decoding can scale by 1/2, 1/4 or 1/8 almost for free. Accepting a result down to 85 % of
# the size asked for (170 dpi instead of 200 at the best level) spares decoding 12 megapixels and
# resampling them: a phone photo then costs a quarter of the time.
DRAFT_TOLERANCE = 0.85


def _draft_size(size: tuple[int, int]) -> tuple[int, int]:
    return (max(1, round(size[0] * DRAFT_TOLERANCE)), max(1, round(size[1] * DRAFT_TOLERANCE)))


def _shrink(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    if image.width <= box[0] and image.height <= box[1]:
        return image
    image = image.convert("L") if image.mode == "1" else image.copy()
    image.thumbnail(box, RESAMPLE, reducing_gap=REDUCING_GAP)
    return image


# Rows reduced at a time: a few megabytes of a full-size image, whatever its width.
BAND_PIXELS = 4_000_000


def _reduced(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The image averaged down by the integer factor `thumbnail(reducing_gap=REDUCING_GAP)`
    would use (the final resampling then gives the same page), flattened band by band so only
    the small result is ever converted. Images near the size asked for come back as they are."""
    factor = int(max(image.width / box[0], image.height / box[1]) / REDUCING_GAP)
    if factor < 2:
        return image
    # Whole blocks of `factor` rows per band, so the bands average exactly like the whole would.
    band = max(factor, BAND_PIXELS // max(1, image.width) // factor * factor)
    parts = []
    for top in range(0, image.height, band):
        strip = _flatten(image.crop((0, top, image.width, min(image.height, top + band))))
        parts.append((strip.convert("L") if strip.mode == "1" else strip).reduce(factor))
    result = Image.new(parts[0].mode, (parts[0].width, sum(part.height for part in parts)))
    top = 0
    for part in parts:
        result.paste(part, (0, top))
        top += part.height
    return result


_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def upright_image(image: Image.Image, dpi: int) -> Image.Image:
    """Decode at (about) the size needed, turn upright, flatten transparency on white, fit A4,
    and drop colour a page does not have."""
    original = image
    orientation = _orientation(image)
    width, height = image.size
    turned = orientation in (5, 6, 7, 8)  # EXIF rotations by 90 or 270 degrees
    shown_w, shown_h = (height, width) if turned else (width, height)
    box = _box(dpi, landscape=shown_w > shown_h)
    if image.format == "JPEG":
        # The decoder skips detail we will not keep: a 12-megapixel photo decodes at half size.
        image.draft(
            image.mode if image.mode in ("RGB", "L") else "RGB",
            _draft_size(box[::-1] if turned else box),
        )
    image.load()
    # Formats without a reduced decode (PNG, TIFF, HEIC) are averaged down band by band before
    # anything else copies them: flattening or turning a 150-megapixel RGBA image whole would
    # hold several full-size copies at once (2.9 GB for one upload).
    image = _reduced(image, box[::-1] if turned else box)
    # Turned by the orientation read above: the reduced copy no longer carries the EXIF block.
    image = image.transpose(_TURNS[orientation]) if orientation in _TURNS else image
    image = _flatten(image)
    if image.mode == "RGB" and is_grey(image):
        image = image.convert("L")  # before resizing: a third of the work
    image = _shrink(image, box)
    # Detached from the file, which the caller closes (and TIFF frames share one object).
    return image.copy() if image is original else image


def _flatten(image: Image.Image) -> Image.Image:
    """Modes img2pdf and JPEG take: RGB, L or 1; alpha composited onto white paper."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "F":
        return image.convert("L")
    if image.mode in ("1", "L", "RGB"):
        return image
    return image.convert("RGB")  # P, CMYK, YCbCr, LAB...


def is_grey(image: Image.Image) -> bool:
    """True when hardly a pixel has colour: a scan of black text on white paper. A red seal
    (common on Taiwanese documents) covering a fraction of the page keeps the page in colour."""
    if image.mode != "RGB":
        return image.mode in ("L", "1")
    small = image.copy()
    small.thumbnail((256, 256))
    _, cb, cr = small.convert("YCbCr").split()
    pixels = small.width * small.height
    coloured = sum(
        count
        for channel in (cb, cr)
        for value, count in enumerate(channel.histogram())
        if abs(value - 128) > 12
    )
    return coloured <= pixels * 0.002


def encode_image(image: Image.Image, quality: Quality, lossless_source: bool) -> bytes:
    """JPEG for photographs and scans; PNG for bilevel pages and few-colour screenshots."""
    buffer = io.BytesIO()
    if image.mode == "1" or (lossless_source and image.getcolors(256) is not None):
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()
    image.save(buffer, "JPEG", quality=quality.jpeg_quality, optimize=True, subsampling="4:2:0")
    return buffer.getvalue()


def image_pages(data: bytes, quality: Quality, cache: DecodedCache | None = None) -> list[bytes]:
    """Every page of an image file (TIFF can hold several; HEIC only its primary image)."""
    pages = []
    with Image.open(io.BytesIO(data)) as image:
        frames = 1 if image.format in ("HEIF", "HEIC") else getattr(image, "n_frames", 1)
        lossless = image.format in ("PNG", "TIFF")
        for index in range(frames):
            decoded = cache.get(("frame", index)) if cache is not None else None
            if decoded is None:
                image.seek(index)
                frame_lossless = lossless and image.info.get("compression") != "jpeg"
                decoded = upright_image(image, LEVELS[0].dpi)
                decoded.info["lossless"] = frame_lossless
                if cache is not None:
                    cache.put(("frame", index), decoded)
            fitted = _shrink(decoded, _box(quality.dpi, decoded.width > decoded.height))
            pages.append(encode_image(fitted, quality, decoded.info.get("lossless", False)))
    return pages


_LAYOUT = img2pdf.get_layout_fun(pagesize=A4_POINTS, fit=img2pdf.FitMode.into, auto_orient=True)


def pages_to_pdf(encoded_pages: list[bytes]) -> Rendered:
    """Each encoded image becomes one A4 page (landscape pages for landscape images)."""
    pdf = pikepdf.open(io.BytesIO(img2pdf.convert(encoded_pages, layout_fun=_LAYOUT)))
    # One image and one short content stream per page: the image is nearly the whole cost.
    return Rendered(pdf=pdf, page_costs=[len(page) + 1200 for page in encoded_pages])


# --- PDFs -----------------------------------------------------------------------------------------
def _page_long_side_inches(page: pikepdf.Page) -> float:
    box = page.mediabox
    width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    unit = float(page.obj.get("/UserUnit", 1))
    return max(width, height) * unit / 72


def _xobject_images(resources, seen_forms: set) -> Iterator[pikepdf.Stream]:
    xobjects = resources.get("/XObject") if resources is not None else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for _key, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            yield xobject
        elif subtype == pikepdf.Name.Form and xobject.objgen not in seen_forms:
            seen_forms.add(xobject.objgen)
            yield from _xobject_images(xobject.get("/Resources"), seen_forms)


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _decode_pdf_image(stream: pikepdf.Stream, top_side: int) -> Image.Image | None:
    """Decode an image at about `top_side` pixels on its long side, flattened and grey when it
    has no colour; None for what Pillow cannot decode (left as it is)."""
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    scale = min(1.0, top_side / max(width, height))
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    try:
        image = pikepdf.PdfImage(stream).as_pil_image()
        if image.format == "JPEG":
            image.draft("L" if image.mode == "L" else "RGB", _draft_size(target))
        image.load()
    except Exception as exc:  # any image Pillow cannot decode stays as it is
        logger.info("image left as is: %s", exc)
        return None
    if image.mode == "1":
        return None
    image = _flatten(_reduced(image, target))
    if image.mode == "RGB" and is_grey(image):
        image = image.convert("L")
    return _shrink(image, target)


def recompress_image(
    stream: pikepdf.Stream,
    max_side: int,
    quality: Quality,
    *,
    top_side: int | None = None,
    cache: DecodedCache | None = None,
) -> bool:
    """Downscale an image larger than `max_side` pixels and re-encode it as JPEG when that is
    smaller. Masks, bilevel and exotic images are left alone. True when the stream changed."""
    if stream.get("/ImageMask") or int(stream.get("/BitsPerComponent", 8)) == 1:
        return False
    filters = _filters(stream)
    if {"/JBIG2Decode", "/CCITTFaxDecode"} & set(filters):
        return False
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    if width < 8 or height < 8:
        return False
    scale = min(1.0, max_side / max(width, height))
    if scale > 0.9 and filters == ["/DCTDecode"] and quality == LEVELS[0]:
        return False  # already a JPEG of about the right size
    key = ("xobject", stream.objgen)
    decoded = cache.get(key) if cache is not None else None
    if decoded is None:
        decoded = _decode_pdf_image(stream, top_side or max_side)
        if decoded is None:
            return False
        if cache is not None:
            cache.put(key, decoded)
    image = _shrink(decoded, (max_side, max_side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality.jpeg_quality, optimize=True, subsampling="4:2:0")
    encoded = buffer.getvalue()
    if scale >= 1 and len(encoded) >= len(stream.read_raw_bytes()) * 0.9:
        return False  # no real gain: keep the original bits
    stream.write(encoded, filter=pikepdf.Name.DCTDecode)
    stream.Width, stream.Height = image.size
    stream.ColorSpace = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
    stream.BitsPerComponent = 8
    for key_name in ("/DecodeParms", "/Decode", "/Intent"):
        if key_name in stream:
            del stream[key_name]
    if isinstance(stream.get("/Mask"), pikepdf.Array):
        del stream["/Mask"]  # a colour-key mask does not survive lossy coding
    return True


# Actions that run something or send something: kept out of every stored and packed PDF. Links
# (/URI, /GoTo) and /Named page turns stay; a chained /Next is dropped with the rest.
RISKY_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToE", "/GoToR",
    "/Rendition", "/RichMediaExecute", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/Trans",
}  # fmt: skip
# Annotations that carry a file or a player rather than marks on the page.
RISKY_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}


def _drop(dictionary, keys: tuple[str, ...]) -> bool:
    removed = False
    for key in keys:
        if key in dictionary:
            del dictionary[key]
            removed = True
    return removed


def _drop_risky_action(holder) -> bool:
    """A click action (/A) that is risky goes; a safe one loses its chain (/Next)."""
    action = holder.get("/A")
    if not isinstance(action, pikepdf.Dictionary):
        return False
    if str(action.get("/S")) in RISKY_ACTIONS:
        del holder["/A"]
        return True
    return _drop(action, ("/Next",))


def _first_visit(obj, seen: set) -> bool:
    """Once per object: a hostile file may loop its tree (only indirect objects can)."""
    if not isinstance(obj, pikepdf.Dictionary):
        return False
    if not obj.is_indirect:
        return True
    if obj.objgen in seen:
        return False
    seen.add(obj.objgen)
    return True


def _form_fields(fields, seen: set) -> Iterator[pikepdf.Object]:
    for field in fields if isinstance(fields, pikepdf.Array) else []:
        if _first_visit(field, seen):
            yield field
            yield from _form_fields(field.get("/Kids"), seen)


def _outline_items(item, seen: set) -> Iterator[pikepdf.Object]:
    while _first_visit(item, seen):
        yield item
        yield from _outline_items(item.get("/First"), seen)
        item = item.get("/Next")


def strip_active_content(pdf: pikepdf.Pdf) -> bool:
    """Remove what a reader would run on its own or on a click: the document's open action and
    additional actions, document-level JavaScript, embedded files, XFA forms, the pages' and
    annotations' additional actions, risky link actions, file-attachment and media annotations.
    Pages, their content and their text stay as they are. True when anything was removed."""
    root = pdf.Root
    removed = _drop(root, ("/OpenAction", "/AA", "/AF"))
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        removed |= _drop(names, ("/JavaScript", "/EmbeddedFiles"))
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        removed |= _drop(form, ("/XFA",))
        for field in _form_fields(form.get("/Fields"), set()):
            removed |= _drop(field, ("/AA",))
            removed |= _drop_risky_action(field)
    outlines = root.get("/Outlines")
    if isinstance(outlines, pikepdf.Dictionary):
        for item in _outline_items(outlines.get("/First"), set()):
            removed |= _drop_risky_action(item)
    for page in pdf.pages:
        removed |= _drop(page.obj, ("/AA",))
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept = pikepdf.Array()
        for annotation in annotations:
            if isinstance(annotation, pikepdf.Dictionary):
                if str(annotation.get("/Subtype")) in RISKY_ANNOTATIONS:
                    removed = True
                    continue
                removed |= _drop(annotation, ("/AA",))
                removed |= _drop_risky_action(annotation)
            kept.append(annotation)
        if len(kept) != len(annotations):
            page.obj.Annots = kept
    return removed


def without_active_content(data: bytes) -> bytes:
    """A PDF as it may be stored: the same bytes when it has nothing to run, else a copy with
    that removed (strip_active_content)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not strip_active_content(pdf):
            return data
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()


def _object_bytes(obj, seen: set) -> int:
    """Bytes an object graph adds to a file (streams' stored size, plus a little per object)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        if obj.objgen in seen:
            return 0
        seen.add(obj.objgen)
    total = 60
    if isinstance(obj, pikepdf.Stream):
        total += len(obj.read_raw_bytes())
        total += _object_bytes(obj.stream_dict, seen)
    elif isinstance(obj, pikepdf.Dictionary):
        for key, value in obj.items():
            if key != "/Parent":
                total += _object_bytes(value, seen)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            total += _object_bytes(value, seen)
    return total


def shrink_pdf(data: bytes, quality: Quality, cache: DecodedCache | None = None) -> Rendered:
    pdf = pikepdf.open(io.BytesIO(data))
    strip_active_content(pdf)
    done: set = set()
    for page in pdf.pages:
        # Pixels for an A4 page at the quality's dpi, whatever size the page claims: scanners
        # that write no resolution make pages of 35 inches; smaller pages (an ID card) get less.
        inches = min(_page_long_side_inches(page), A4_INCHES[1])
        max_side, top_side = round(inches * quality.dpi), round(inches * LEVELS[0].dpi)
        for image in _xobject_images(page.obj.get("/Resources"), set()):
            if image.objgen not in done:
                done.add(image.objgen)
                recompress_image(image, max_side, quality, top_side=top_side, cache=cache)
    # Pages sharing one resource dictionary each get only what they draw, so a page copied into
    # a part does not drag every image of the document along.
    pdf.remove_unreferenced_resources()
    # Shared objects (fonts) count in every page: an over-estimate the packer corrects by measuring.
    costs = [_object_bytes(page.obj, set()) for page in pdf.pages]
    return Rendered(pdf=pdf, page_costs=costs)


def render(
    data: bytes, content_type: str, quality: Quality, cache: DecodedCache | None = None
) -> Rendered:
    if content_type == "application/pdf":
        return shrink_pdf(data, quality, cache)
    return pages_to_pdf(image_pages(data, quality, cache))
