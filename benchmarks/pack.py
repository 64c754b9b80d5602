"""Benchmark: pack a realistic bundle (about 40 MB of phone photos and scans, generated here with
Pillow) into an upload set, and the same bundle through Ghostscript's /ebook compression, in the
same run.

    .venv/bin/python benchmarks/pack.py [--keep DIR] [--photos 8] [--scan-pages 12] [--repeat 3]

Prints the bundle, our time and each output file (name, bytes, pages), Ghostscript's time and
output size, and the ratio of the two times (medians of --repeat runs, taken alternately, so a
busy machine weighs on both alike). Ghostscript cannot read JPEG or PNG files directly,
so the images are first wrapped losslessly into PDF with img2pdf; that wrapping is counted in its
time. Ghostscript's output is one file with no page splitting, EXIF rotation or transparency
handling: it does less than the packer, and the figures should be read that way.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import img2pdf  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from cases.documents.checks import check_file  # noqa: E402
from cases.documents.limits import Limits  # noqa: E402
from cases.documents.packer import PackInput, pack  # noqa: E402

# --- A realistic bundle -----------------------------------------------------------------------------
A4_LAYOUT = img2pdf.get_layout_fun(
    pagesize=(img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)), fit=img2pdf.FitMode.into,
    auto_orient=True,
)  # fmt: skip
_TILES: dict[tuple, Image.Image] = {}


def grain(size: tuple[int, int], sigma: float, seed: int) -> Image.Image:
    """Sensor noise, tiled from a random 1021 x 1019 patch (prime sizes: no visible period in
    8 x 8 JPEG blocks), so that a JPEG of it is as large as a real photo's."""
    key = (sigma, seed)
    if key not in _TILES:
        random.seed(seed)
        _TILES[key] = Image.merge(
            "RGB", [Image.effect_noise((1021, 1019), sigma) for _ in range(3)]
        )
    tile = _TILES[key]
    out = Image.new("RGB", size)
    for x in range(0, size[0], tile.width):
        for y in range(0, size[1], tile.height):
            out.paste(tile, (x, y))
    return out


def phone_photo(seed: int) -> bytes:
    """A 12-megapixel photo of a document on a desk: coloured background, the sheet with lines of
    text, a red seal, sensor grain; JPEG quality 92 like a phone's camera app."""
    rnd = random.Random(seed)
    width, height = 4032, 3024
    image = Image.new(
        "RGB", (width, height), (rnd.randint(90, 170), rnd.randint(70, 130), rnd.randint(40, 100))
    )
    draw = ImageDraw.Draw(image)
    left, top = rnd.randint(250, 450), rnd.randint(180, 320)
    draw.rectangle((left, top, width - left, height - top), fill=(238, 236, 230))
    for y in range(top + 160, height - top - 160, 64):
        x = left + 160
        while x < width - left - 300:
            word = rnd.randint(60, 260)
            draw.rectangle((x, y, x + word, y + 24), fill=(35, 35, 45))
            x += word + 28
    draw.ellipse((width - left - 700, height - top - 600, width - left - 300, height - top - 200),
                 outline=(200, 30, 30), width=24)  # fmt: skip
    image = Image.blend(image, grain(image.size, 40, seed % 3), 0.22)
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 2 else 1  # half of them taken in portrait
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def screenshot_with_alpha() -> bytes:
    """A phone screenshot of a bank app, PNG with a transparent border."""
    width, height = 1170, 2532
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, width - 40, height - 40), 60, fill=(250, 250, 252, 255))
    rnd = random.Random(7)
    for y in range(200, height - 200, 90):
        draw.rectangle((120, y, 120 + rnd.randint(300, 900), y + 36), fill=(30, 60, 120, 255))
    # A photo of the applicant inside the app: colourful, so the PNG is not tiny.
    photo = grain((600, 600), 60, 5).convert("RGBA")
    image.paste(photo, (285, 1200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def scan_pdf(pages: int) -> bytes:
    """A 300 dpi greyscale scan (A4, 2480 x 3508) of a multi-page document, JPEG in PDF."""
    rnd = random.Random(11)
    encoded = []
    for page in range(pages):
        image = Image.new("L", (2480, 3508), 246)
        draw = ImageDraw.Draw(image)
        for y in range(300, 3200, 58):
            x = 240
            while x < 2200:
                word = rnd.randint(40, 200)
                draw.rectangle((x, y, x + word, y + 26), fill=rnd.randint(20, 60))
                x += word + 26
        image = Image.blend(image, grain(image.size, 30, page % 3).convert("L"), 0.10)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        encoded.append(buffer.getvalue())
    # A scanner's PDF: A4 pages, the images at 300 dpi.
    return img2pdf.convert(encoded, layout_fun=A4_LAYOUT)


def make_bundle(folder: Path, photos: int, scan_pages: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(photos):
        path = folder / f"IMG_{4100 + number}.JPG"
        path.write_bytes(phone_photo(number))
        paths.append(path)
    path = folder / "bank-app-screenshot.png"
    path.write_bytes(screenshot_with_alpha())
    paths.append(path)
    path = folder / "degree-and-transcript-scan.pdf"
    path.write_bytes(scan_pdf(scan_pages))
    paths.append(path)
    return paths


# --- The measurements -------------------------------------------------------------------------------
def run_packer(paths: list[Path], limits: Limits):
    inputs = []
    for path in paths:
        data = path.read_bytes()
        checked = check_file(data=data, name=path.name, limits=limits)
        inputs.append(
            PackInput(
                key=path.name,
                name=path.name,
                label=path.stem,
                group=path.name,
                data=data,
                content_type=checked.content_type,
            )
        )
    started = time.perf_counter()
    result = pack(inputs, limits=limits)
    return result, time.perf_counter() - started


def run_ghostscript(paths: list[Path], work: Path) -> tuple[int, float]:
    gs = shutil.which("gs")
    if gs is None:
        raise SystemExit("Ghostscript (gs) is not installed: apt-get install ghostscript")
    started = time.perf_counter()
    pdfs = []
    for path in paths:
        if path.suffix.lower() == ".pdf":
            pdfs.append(path)
            continue
        wrapped = work / f"{path.stem}.pdf"
        data = path.read_bytes()
        if path.suffix.lower() == ".png":  # img2pdf refuses alpha; gs needs a PDF anyway
            image = Image.open(io.BytesIO(data)).convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            data = buffer.getvalue()
        # On A4 pages, as the packer places them, so /ebook sees their real resolution.
        wrapped.write_bytes(img2pdf.convert(data, layout_fun=A4_LAYOUT))
        pdfs.append(wrapped)
    output = work / "ghostscript-ebook.pdf"
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
         "-dPDFSETTINGS=/ebook", f"-sOutputFile={output}", *map(str, pdfs)],
        check=True,
    )  # fmt: skip
    return output.stat().st_size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the bundle and outputs in this folder")
    parser.add_argument("--photos", type=int, default=7)
    parser.add_argument("--scan-pages", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, medians reported")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="pack-benchmark-"))
    try:
        paths = make_bundle(work / "bundle", options.photos, options.scan_pages)
        total = sum(path.stat().st_size for path in paths)
        print(f"bundle: {len(paths)} files, {total / 1e6:.1f} MB")
        for path in paths:
            print(f"  {path.name}\t{path.stat().st_size}")

        limits = Limits.from_settings()
        ours_times, gs_times = [], []
        for _ in range(options.repeat):
            result, seconds = run_packer(paths, limits)
            ours_times.append(seconds)
            gs_size, seconds = run_ghostscript(paths, work)
            gs_times.append(seconds)
        ours, gs_time = statistics.median(ours_times), statistics.median(gs_times)
        out = work / "upload-set"
        out.mkdir(exist_ok=True)
        print(
            f"packer: {ours:.2f} s (median of {options.repeat}), {len(result.files)} files, "
            f"{result.quality.dpi} dpi, plan {result.plan}"
        )
        for output in result.files:
            (out / output.name).write_bytes(output.data)
            print(f"  {output.name}\t{output.size}\t{output.pages}")
        assert len(result.files) <= limits.max_files
        assert all(output.size <= limits.max_file_bytes for output in result.files)

        print(
            f"ghostscript /ebook: {gs_time:.2f} s (median of {options.repeat}), one file of {gs_size} bytes"
        )
        print(f"ratio (packer time / ghostscript time): {ours / gs_time:.2f}")
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
