"""The numbers the checks and the packer work to, gathered in one value.

The packer and the checks take a `Limits` instead of reading settings, so the benchmark and the
unit tests can run them without Django; `Limits.from_settings()` is what the app uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # The platform (NIA tutorial): at most 5 files, each at most 1024 KB; 1,000,000 keeps a margin.
    max_files: int = 5
    max_file_bytes: int = 1_000_000
    # What one upload may be before packing shrinks it: far above the platform's limit.
    max_upload_bytes: int = 50 * 1024 * 1024
    # A 108-megapixel phone photo is 12032 x 9024; a decompression bomb is billions of pixels.
    max_pixels: int = 150_000_000
    # Total bytes a PDF's compressed streams may expand to (a 30-page colour scan stored losslessly
    # is about 800 MB; a zip bomb is tens of GB).
    max_expanded_bytes: int = 2 * 1024 * 1024 * 1024
    max_pages: int = 500

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        defaults = cls()
        return cls(
            max_files=settings.UPLOAD_SET_MAX_FILES,
            max_file_bytes=settings.UPLOAD_SET_MAX_FILE_BYTES,
            max_upload_bytes=settings.UPLOAD_MAX_BYTES,
            max_pixels=getattr(settings, "UPLOAD_MAX_PIXELS", defaults.max_pixels),
            max_expanded_bytes=getattr(
                settings, "UPLOAD_MAX_EXPANDED_BYTES", defaults.max_expanded_bytes
            ),
            max_pages=getattr(settings, "UPLOAD_MAX_PAGES", defaults.max_pages),
        )
