"""Answers that polling clients (calendar apps, feeds) can revalidate cheaply: an ETag and a
Last-Modified date on the answer, and 304 Not Modified when the client already has it. Django's
own conditional-request logic (django.utils.cache) decides; this only puts the pieces together
for a body that is built before the answer (its ETag is the hash of the bytes)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag


def conditional_response(
    request: HttpRequest,
    *,
    body: bytes,
    content_type: str,
    etag: str,
    last_modified: dt.datetime,
    language: str = "",
) -> HttpResponse:
    """200 with the body, or 304 when If-None-Match (or, without it, If-Modified-Since) matches.
    Private and revalidated on every poll: the URL itself is the reader's credential."""
    quoted = quote_etag(etag)
    seconds = int(last_modified.timestamp())
    response = get_conditional_response(request, etag=quoted, last_modified=seconds)
    if response is None:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = quoted
    response["Last-Modified"] = http_date(seconds)
    if language:
        response["Content-Language"] = language
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
