"""Bounded resources (issue 12, item 6): large images decoded reduced, a packing job capped in
memory, an oversized body refused before it is read, and stored PDFs without scripts or
automatic actions."""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
import pikepdf
import pypdf
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat, PngImagePlugin

from cases import services
from cases.documents import normalise
from cases.documents.checks import check_file
from cases.documents.limits import Limits
from cases.documents.models import PackJob, PackState
from cases.errors import CorruptFile
from cases.models import Document
from tests.documents import files

pytestmark = pytest.mark.django_db


def stored_bytes(settings, document) -> bytes:
    return (
        Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / document.file.name
    ).read_bytes()


# --- Large images decoded reduced ------------------------------------------------------------------
def large_png(size=(4000, 5000), mode: str = "RGBA") -> bytes:
    """Bands of colour on (for RGBA) transparent paper, flattened onto white when packed."""
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for top in range(0, size[1], 400):
        draw.rectangle((200, top, size[0] - 200, top + 150), fill=(20, 40, 160, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


@pytest.fixture
def flattened(monkeypatch):
    """The sizes of every image the loader converts (flattens): a full-size copy shows here."""
    sizes: list[tuple[int, int]] = []
    original = normalise._flatten

    def recording(image):
        sizes.append(image.size)
        return original(image)

    monkeypatch.setattr(normalise, "_flatten", recording)
    return sizes


def test_a_large_png_is_never_converted_at_full_size(flattened):
    data = large_png()
    with Image.open(io.BytesIO(data)) as image:
        page = normalise.upright_image(image, 50)  # a 414 × 585 pixel A4 page
    assert page.mode == "RGB"
    assert page.width <= 414
    assert page.height <= 585
    # Only bands of the decoded image and the reduced result were converted, never all of it.
    assert flattened
    assert max(width * height for width, height in flattened) <= 4000 * 5000 / 4
    # The page looks as the whole-image recipe (flatten, then thumbnail) makes it.
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        reference = Image.alpha_composite(paper, image).convert("RGB")
    reference.thumbnail((414, 585), normalise.RESAMPLE, reducing_gap=normalise.REDUCING_GAP)
    assert page.size == reference.size
    difference = ImageStat.Stat(ImageChops.difference(page, reference)).mean
    assert max(difference) < 2


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    loaded: list[tuple[int, int]] = []
    original = normalise._reduced

    def recording(image, box):
        loaded.append(image.size)  # what the decoder produced, before any resampling
        return original(image, box)

    monkeypatch.setattr(normalise, "_reduced", recording)
    data = files.jpeg(files.photo(3, (6400, 4800)), quality=85)
    with Image.open(io.BytesIO(data)) as image:
        page = normalise.upright_image(image, normalise.LEVELS[0].dpi)
    # 200 dpi on A4 landscape is 2338 × 1654: the decoder's 1/2 scale, not 30 megapixels.
    assert loaded == [(3200, 2400)]
    assert page.size[0] <= 2338
    assert page.size[1] <= 1654


def test_a_large_pdf_image_is_never_converted_at_full_size(flattened):
    # A 20-megapixel photo on an A6 page (5.8 inches): 1166 pixels are all the best level keeps.
    a6 = img2pdf.get_layout_fun((img2pdf.mm_to_pt(105), img2pdf.mm_to_pt(148)))
    data = img2pdf.convert(large_png((4000, 5000), "RGB"), layout_fun=a6)
    rendered = normalise.shrink_pdf(data, normalise.Quality(50, 55))
    (image,) = files.embedded_images(_saved(rendered.pdf))
    assert max(image.size) <= round(5.83 * 50)
    assert max(width * height for width, height in flattened) <= 4000 * 5000 / 4


def _saved(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_large_png_is_checked_without_being_decoded(monkeypatch):
    data = large_png((5000, 4000), "RGB")  # 20 megapixels
    limits = Limits()

    def no_decoding(image):
        raise AssertionError("the whole image was decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", no_decoding)
    assert check_file(data=data, name="scan.png", limits=limits).pages == 1
    with pytest.raises(CorruptFile):
        check_file(data=files.truncated(data, keep=0.9), name="cut.png", limits=limits)
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF  # a flipped byte inside the image data: its checksum fails
    with pytest.raises(CorruptFile):
        check_file(data=bytes(damaged), name="flipped.png", limits=limits)


# --- The packing job's memory cap ---------------------------------------------------------------------
def test_a_job_over_the_memory_cap_fails_cleanly_and_the_worker_carries_on(
    world, open_supplement, settings
):
    # 48 megapixels of colour (144 MB decoded) against a 40 MB cap.
    big = large_png((8000, 6000), "RGB")
    services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=big, name="huge.png"
    )
    settings.PACK_MEMORY_LIMIT_MB = 40
    (job,) = PackJob.objects.filter(supplement=open_supplement, state=PackState.QUEUED)

    failed = services.pack_run(job_id=job.pk)

    assert (failed.state, failed.error_code) == (PackState.FAILED, "pack_memory_exceeded")
    assert "too large to pack" in failed.error
    assert "40 MB" in failed.error
    assert failed.files.count() == 0
    # The same documents are not packed again automatically: they would fail the same way.
    again = services.pack_request(
        supplement=open_supplement, actor=world.agency_staff, automatic=True
    )
    assert again is None
    # This process (the worker) is unharmed: a set within the cap packs.
    (document,) = Document.objects.filter(supplement=open_supplement)
    services.document_remove(document=document, actor=world.agency_staff)
    services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.small_pdf("fine"),
        name="fine.pdf",
    )
    settings.PACK_MEMORY_LIMIT_MB = 1024
    (job,) = PackJob.objects.filter(supplement=open_supplement, state=PackState.QUEUED)
    done = services.pack_run(job_id=job.pk)
    assert (done.state, done.files.count()) == (PackState.DONE, 1)


# --- An oversized body refused before it is read ---------------------------------------------------
class CountingStream:
    """A request body that counts what the server reads of it; only a few bytes were sent."""

    def __init__(self, data: bytes) -> None:
        self.stream = io.BytesIO(data)
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        chunk = self.stream.readline(size)
        self.read_bytes += len(chunk)
        return chunk


def post_declaring(client, path: str, declared: int) -> tuple[object, CountingStream]:
    body = CountingStream(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"')
    response = client.generic(
        "POST",
        path,
        data=b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": body},
    )
    return response, body


def test_the_page_upload_refuses_an_oversized_body_unread(client, world, open_supplement):
    client.force_login(world.agency_staff)

    response, body = post_declaring(
        client, f"/supplements/{open_supplement.pk}/documents/", 600 * 1024 * 1024
    )

    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "50 MB" in response.text
    assert "nothing was stored" in response.text
    assert "<html" in response.text  # the site's layout, not a bare error
    assert Document.objects.count() == 0


def test_the_api_refuses_an_oversized_body_unread_in_its_json_shape(client, open_supplement):
    response, body = post_declaring(
        client, f"/api/v1/supplements/{open_supplement.pk}/documents/", 600 * 1024 * 1024
    )

    assert response.status_code == 413
    assert body.read_bytes == 0
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert Document.objects.count() == 0


# --- Stored PDFs keep no scripts or automatic actions -----------------------------------------------
def text_pdf(text: str) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
    )
    page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    return pdf


def active_pdf() -> bytes:
    pdf = text_pdf("Quarterly statement")
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi');"))
    )
    pdf.Root.OpenAction = script
    pdf.Root.AA = pikepdf.Dictionary(WC=script)
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("run"), script]))
    )
    pdf.attachments["payload.txt"] = pikepdf.AttachedFileSpec(pdf, b"not for the platform")
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Start"), A=script))
    pdf.Root.Outlines = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=item, Last=item, Count=1)
    )
    item.Parent = pdf.Root.Outlines
    field = pdf.make_indirect(
        pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("name"), AA={"/K": script})
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field], XFA=pikepdf.Array([]))
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=script)
    rect = pikepdf.Array([50, 50, 200, 80])
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=rect, A=script
                    )
                ),
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=rect,
                        A=pikepdf.Dictionary(
                            S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")
                        ),
                    )
                ),
            ]
        )
    )
    return _saved(pdf)


def test_a_stored_pdf_keeps_no_scripts_or_automatic_actions(world, open_supplement, settings):
    data = active_pdf()
    assert b"JavaScript" in data

    document = services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=data, name="statement.pdf"
    )

    stored = stored_bytes(settings, document)
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/AA" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.Names
        assert "/EmbeddedFiles" not in pdf.Root.Names
        assert len(pdf.attachments) == 0
        (page,) = pdf.pages
        assert "/AA" not in page.obj
        actions = [annotation.get("/A") for annotation in page.obj.Annots]
        assert [str(action.S) for action in actions if action is not None] == ["/URI"]
        assert "/XFA" not in pdf.Root.AcroForm
        assert str(pdf.Root.Outlines.First.Title) == "Start"  # the bookmark stays, inert
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/S") != pikepdf.Name.JavaScript
                assert "/AA" not in obj
    # Nothing else changed: pages and text; the record describes the stored file.
    before, after = pypdf.PdfReader(io.BytesIO(data)), pypdf.PdfReader(io.BytesIO(stored))
    assert len(after.pages) == len(before.pages) == document.pages
    assert after.pages[0].extract_text() == before.pages[0].extract_text()
    assert "Quarterly statement" in after.pages[0].extract_text()
    assert document.size == len(stored)


def test_a_pdf_with_nothing_to_run_is_stored_as_uploaded(world, open_supplement, settings):
    data = files.small_pdf("plain")
    document = services.document_add(
        supplement=open_supplement, actor=world.agency_staff, data=data, name="plain.pdf"
    )
    assert stored_bytes(settings, document) == data
