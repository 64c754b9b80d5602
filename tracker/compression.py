"""Compression of the answers Django renders: HTML pages, JSON, CSV, calendars. Django's
GZipMiddleware does the work (with its BREACH mitigation, random bytes in the gzip header); this
only keeps it off what is compressed already (PDFs, zips, images), where it costs CPU for nothing."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
