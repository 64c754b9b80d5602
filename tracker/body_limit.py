"""Refuse a request body larger than any upload may be before anything reads it: the pages'
forms (CSRF reads request.POST, which parses the whole multipart body to temporary files) and the
API alike. One place for the whole site; the views keep their own, smaller limits (attachments).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from api.errors import error_body
from api.views.parts import MULTIPART_SLACK
from tracker.errors import too_large_page


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body then


class RequestBodyLimitMiddleware:
    """413 for a declared Content-Length over UPLOAD_MAX_BYTES (plus the multipart envelope), in
    the page layout for people and the API's JSON shape under /api/."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.UPLOAD_MAX_BYTES
        if _declared_length(request) <= limit + MULTIPART_SLACK:
            return self.get_response(request)
        message = _(
            "The upload is larger than %(limit_mb)d MB, the most one file may be; nothing was "
            "stored. Scan it at a lower resolution or split it."
        ) % {"limit_mb": limit // (1024 * 1024)}
        if request.path.startswith("/api/"):
            item = {"code": "file_too_large", "message": message, "field": "file"}
            return JsonResponse(error_body([item], 413), status=413)
        return too_large_page(request, message)
