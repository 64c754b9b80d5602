"""Small real files for the tests: PDFs drawn with Pillow, so the documents code reads true content."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def pdf_bytes(title: str = "document", *, pages: int = 1) -> bytes:
    """A small, valid, unencrypted PDF whose bytes differ with `title` (distinct sha256 per title)."""
    images = []
    for page in range(pages):
        image = Image.new("RGB", (200, 280), "white")
        ImageDraw.Draw(image).text((10, 10), f"{title} p{page + 1}", fill="black")
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()
