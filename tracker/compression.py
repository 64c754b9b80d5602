"""Compression of the text Django renders: HTML pages, CSV exports, calendar feeds. Django's
GZipMiddleware does the work (with its BREACH mitigation, random bytes in the gzip header); this
keeps it to text: PDFs, zips and images are compressed already, and the API's JSON stays plain
(small answers, and the schema tests call the app in-process, where nothing would decode it)."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/",)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
