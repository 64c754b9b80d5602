"""Packing real files into an upload set: normalised images, order and names, splitting to the
platform's limits, and the refusal when nothing legible can fit. Every output is opened with
pikepdf and with pypdf."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest

from cases.documents.limits import Limits
from cases.documents.packer import PackInput, pack
from cases.errors import UploadSetTooLarge
from tests.documents import files

A4_PORTRAIT = (595.3, 841.9)
A4_LANDSCAPE = (841.9, 595.3)


def item(key: str, data: bytes, content_type: str, *, label: str = "", group: str = ""):
    return PackInput(
        key=key,
        name=f"{key}.bin",
        label=label or key,
        group=group or key,
        data=data,
        content_type=content_type,
    )


def assert_valid_set(result, limits: Limits) -> None:
    assert 1 <= len(result.files) <= limits.max_files
    for output in result.files:
        assert output.size <= limits.max_file_bytes
        assert output.name.isascii()
        with pikepdf.open(io.BytesIO(output.data)) as document:
            assert document.is_encrypted is False
            assert len(document.pages) == output.pages
        reader = pypdf.PdfReader(io.BytesIO(output.data))
        assert reader.is_encrypted is False
        assert len(reader.pages) == output.pages


def test_exif_rotation_is_applied():
    stored = files.text_page(1, (1200, 800)).convert("RGB")
    stored.paste((0, 0, 0), (0, 0, 200, 200))  # a mark in the stored top-left corner
    data = files.jpeg(stored, orientation=6)  # "rotate 90° clockwise to display"
    result = pack([item("id", data, "image/jpeg")], limits=Limits())
    (output,) = result.files
    assert files.page_sizes(output.data) == [A4_PORTRAIT]
    (image,) = files.embedded_images(output.data)
    assert image.size == (800, 1200)
    grey = image.convert("L")
    assert grey.getpixel((image.width - 50, 50)) < 60  # the mark is now top-right
    assert grey.getpixel((50, 50)) > 150


def test_transparency_is_flattened_on_white():
    result = pack([item("logo", files.alpha_png(), "image/png")], limits=Limits())
    (image,) = files.embedded_images(result.files[0].data)
    grey = image.convert("L")
    assert grey.getpixel((10, 10)) == 0  # the opaque black bar
    assert grey.getpixel((image.width - 10, image.height - 10)) == 255  # transparent: paper


def test_phone_photo_is_downscaled_and_loses_its_metadata():
    photo = files.photo(2, (4000, 3000))
    exif = photo.getexif()
    exif[0x010F] = "PhoneMaker"  # Make; real photos also carry GPS
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif)
    result = pack([item("photo", buffer.getvalue(), "image/jpeg")], limits=Limits())
    assert files.page_sizes(result.files[0].data) == [A4_LANDSCAPE]
    (image,) = files.embedded_images(result.files[0].data)
    # Decoded at half size by the JPEG decoder's own scaling (2000 x 1500), within A4
    # landscape at 200 dpi (2338 x 1654).
    assert image.size == (2000, 1500)
    assert b"PhoneMaker" not in result.files[0].data


def test_a_large_scan_image_is_resampled_to_the_page():
    scan = files.png(files.text_page(3, (4000, 3000), grain=0.0))
    result = pack([item("scan", scan, "image/png")], limits=Limits())
    (image,) = files.embedded_images(result.files[0].data)
    assert (image.size, image.mode) == ((2205, 1654), "L")  # 4:3 in 2338 x 1654, no colour


def test_heic_and_multi_page_tiff_become_pdf_pages():
    pages = [files.text_page(seed, (600, 800)) for seed in range(3)]
    result = pack(
        [
            item("heic", files.heic_sample(), "image/heic"),
            item("tiff", files.tiff(pages), "image/tiff"),
        ],
        limits=Limits(),
    )
    assert [(output.name, output.pages) for output in result.files] == [
        ("01-heic.pdf", 1),
        ("02-tiff.pdf", 3),
    ]
    assert_valid_set(result, Limits())


def test_thirty_page_scan_is_split_into_parts_within_the_limit():
    limits = Limits()
    scan = files.scan_30_pages()
    assert len(scan) > limits.max_files * limits.max_file_bytes  # does not fit as it is
    result = pack(
        [item("scan", scan, "application/pdf", label="Degree certificate (學位證書)")],
        limits=limits,
    )
    assert_valid_set(result, limits)
    assert sum(output.pages for output in result.files) == 30
    names = [output.name for output in result.files]
    assert names == [
        f"{number:02d}-degree-certificate-part-{number}.pdf" for number in range(1, len(names) + 1)
    ]
    assert result.plan == "per_group"


def test_groups_keep_their_order_and_names():
    inputs = [
        item(
            "p1",
            files.small_pdf("passport"),
            "application/pdf",
            label="Passport data page",
            group="a",
        ),
        item(
            "p2",
            files.jpeg(files.photo(5, (800, 600))),
            "image/jpeg",
            label="Passport data page",
            group="a",
        ),
        item(
            "d1", files.small_pdf("degree"), "application/pdf", label="學位證書 Degree", group="b"
        ),
        item("s1", files.small_pdf("salary"), "application/pdf", label="薪資證明", group="c"),
    ]
    result = pack(inputs, limits=Limits())
    assert [(o.name, o.pages, o.sources) for o in result.files] == [
        ("01-passport-data-page.pdf", 2, ("p1", "p2")),
        ("02-degree.pdf", 1, ("d1",)),
        ("03-s1.pdf", 1, ("s1",)),  # a Chinese-only label falls back to the file's name
    ]


def test_more_groups_than_files_are_combined_in_order():
    inputs = [
        item(f"doc{n}", files.small_pdf(f"doc{n}"), "application/pdf", label=f"Item {n}")
        for n in range(1, 8)
    ]
    result = pack(inputs, limits=Limits())
    assert result.plan == "grouped"
    # Every slot is used: only two merges, each named for both of the items it holds.
    assert len(result.files) == 5
    assert sorted(o.pages for o in result.files) == [1, 1, 1, 2, 2]
    assert [source for o in result.files for source in o.sources] == [
        f"doc{n}" for n in range(1, 8)
    ]
    for position, output in enumerate(result.files, start=1):
        numbers = [key.removeprefix("doc") for key in output.sources]
        assert (
            output.name == f"{position:02d}-" + "-and-".join(f"item-{n}" for n in numbers) + ".pdf"
        )
        assert [part.as_dict() for part in output.contents] == [
            {
                "document": f"doc{n}",
                "label": f"Item {n}",
                "source_pages": [1, 1],
                "file_pages": [page, page],
            }
            for page, n in enumerate(numbers, start=1)
        ]
    assert_valid_set(result, Limits())


def test_five_items_make_five_files_without_merging():
    inputs = [
        item(f"doc{n}", files.small_pdf(f"doc{n}"), "application/pdf", label=f"Item {n}")
        for n in range(1, 6)
    ]
    result = pack(inputs, limits=Limits())
    assert result.plan == "per_group"
    assert [o.name for o in result.files] == [f"0{n}-item-{n}.pdf" for n in range(1, 6)]
    assert all(len(o.sources) == 1 for o in result.files)


def test_every_slot_is_used_before_two_items_share_a_file():
    """Issue 11: the employment certificate and the salary proof were merged into
    `04-recommendation-letter-part-3-and-2-more.pdf` while the fifth slot was free."""
    limits = Limits()
    inputs = [
        item("p", files.small_pdf("passport"), "application/pdf", label="Passport data page"),
        item("r", files.scan_pages(7), "application/pdf", label="Recommendation letter"),
        item("e", files.small_pdf("employment"), "application/pdf", label="Employment certificate"),
        item("s", files.small_pdf("salary"), "application/pdf", label="Salary proof"),
    ]
    result = pack(inputs, limits=limits)
    assert_valid_set(result, limits)
    assert len(result.files) == limits.max_files
    names = [o.name for o in result.files]
    assert not any("more" in name for name in names)
    assert names[0] == "01-passport-data-page.pdf"
    assert names[1].startswith("02-recommendation-letter-part-1")
    # Each file's name says everything it holds.
    for output in result.files:
        for part in output.contents:
            stem = part.label.lower().replace(" ", "-")
            assert stem in output.name
    pages = {}
    for output in result.files:
        for part in output.contents:
            pages.setdefault(part.key, []).extend(range(part.source_first, part.source_last + 1))
    assert pages == {"p": [1], "r": list(range(1, 8)), "e": [1], "s": [1]}


def test_a_pinned_document_keeps_a_file_of_its_own():
    inputs = [
        item(f"doc{n}", files.small_pdf(f"doc{n}"), "application/pdf", label=f"Item {n}")
        for n in range(1, 7)
    ]
    inputs[0] = PackInput(**{**inputs[0].__dict__, "pinned": True})
    result = pack(inputs, limits=Limits())
    assert len(result.files) == 5
    assert result.files[0].sources == ("doc1",)
    assert result.files[0].name == "01-item-1.pdf"


def test_active_content_is_dropped():
    document = pikepdf.open(io.BytesIO(files.small_pdf("form")))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    document.Root.OpenAction = document.make_indirect(script)
    document.pages[0].obj.AA = pikepdf.Dictionary(O=document.make_indirect(script))
    buffer = io.BytesIO()
    document.save(buffer)
    result = pack([item("form", buffer.getvalue(), "application/pdf")], limits=Limits())
    assert b"JavaScript" not in result.files[0].data
    assert b"app.alert" not in result.files[0].data


def test_a_page_too_large_even_at_the_lowest_quality_is_named():
    noisy = files.jpeg(files.noise((2400, 1800), 7, "RGB"), quality=95)
    inputs = [
        item("fine", files.small_pdf("fine"), "application/pdf"),
        PackInput(
            key="7",
            name="IMG_2041.jpg",
            label="Bank statement",
            group="g",
            data=noisy,
            content_type="image/jpeg",
        ),
    ]
    with pytest.raises(UploadSetTooLarge) as caught:
        pack(inputs, limits=Limits(max_file_bytes=60_000))
    error = caught.value
    assert (error.code, error.status) == ("upload_set_too_large", 422)
    assert error.params["reason"] == "page_too_large"
    assert [
        (entry["key"], entry["name"], entry["pages"]) for entry in error.params["documents"]
    ] == [("7", "IMG_2041.jpg", 1)]
    assert error.params["documents"][0]["bytes"] > 60_000
    assert "“IMG_2041.jpg”" in error.message
    assert "100 dpi" in error.message


def test_a_set_too_large_names_the_documents_to_leave_out():
    scans = [
        item(
            f"s{n}",
            files.pdf([files.jpeg(files.text_page(n, (827, 1169)), 90)] * pages),
            "application/pdf",
        )
        for n, pages in enumerate([2, 6, 1])
    ]
    # At the lowest quality each page is about 83 KB: two pages a file, nine pages in all.
    limits = Limits(max_files=2, max_file_bytes=200_000)
    with pytest.raises(UploadSetTooLarge) as caught:
        pack(scans, limits=limits)
    error = caught.value
    assert error.params["reason"] == "set_too_large"
    assert error.params["files_needed"] == 5
    assert [entry["key"] for entry in error.params["documents"]] == ["s1"]  # the six pages


def test_progress_is_reported_up_to_100():
    seen: list[int] = []
    pack(
        [item("a", files.small_pdf("a"), "application/pdf")], limits=Limits(), progress=seen.append
    )
    assert seen[-1] == 100
    assert seen == sorted(seen)


def test_progress_moves_with_each_document():
    """Real progress: a step per document rendered, not one jump per quality level."""
    seen: list[int] = []
    inputs = [item(name, files.small_pdf(name), "application/pdf") for name in "abcd"]
    pack(inputs, limits=Limits(), progress=seen.append)
    before_the_end = sorted(set(seen) - {100})
    assert len(before_the_end) >= len(inputs)  # at least one report per document
    assert seen == sorted(seen)
    assert seen[-1] == 100


def test_nothing_to_pack():
    result = pack([], limits=Limits())
    assert (result.files, result.plan) == ((), "empty")
