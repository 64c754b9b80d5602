"""The error pages (handler403, handler404, handler500): the site's layout in the reader's language,
with a way back; the 403 page says why, in the refusing check's own words. Under /api/ the answers
keep the API's JSON shape (api.errors)."""

from __future__ import annotations

import sys

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from api.errors import RETRY_AFTER_SECONDS, database_unavailable, error_body
from api.errors import not_found as api_not_found
from api.errors import server_error as api_server_error
from web.queries import persona_for


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _back(request) -> str:
    """The page the reader came from, if it is ours (never an outside address)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _home(request) -> str:
    """The reader's own page (dashboard, /hr/, /me/); the site's root for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "/"
    return reverse(persona_for(user).home)


def _page(request, template: str, status: int, *, message: str, **context):
    context |= {"home_url": _home(request), "back_url": _back(request), "message": message}
    if getattr(request, "htmx", False):
        # htmx swaps a 4xx answer into the box that asked (base.html): the sentence, not a page.
        template = "_error_fragment.html"
    return render(request, template, context, status=status)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _is_api(request):
        return api_not_found(request)
    # Http404's message is for developers ("No Case matches the given query."): not shown.
    return _page(request, "404.html", 404, message=_("Not found."))


@requires_csrf_token
def permission_denied(request, exception=None):
    reason = str(exception or "") or _("You do not have permission to do this.")
    if _is_api(request):
        return JsonResponse(
            error_body([{"code": "permission_denied", "message": reason}], 403), status=403
        )
    return _page(request, "403.html", 403, message=reason)


def server_error(request):
    if _is_api(request):
        return api_server_error(request)
    if database_unavailable(sys.exc_info()[1]):
        # Called inside Django's `except`, so the exception is at hand: a database that does not
        # answer is an outage to wait out (503), not a bug (500).
        return service_unavailable(request)
    # Rendered without the request, so no context processor runs: the database or the session
    # store may be what failed. The language is the one the middleware already activated.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"home_url": "/", "back_url": _back(request)}))


def service_unavailable(request):
    """The database does not answer: the 503 page, rendered without the request like the 500 one
    (the session and the user need the database)."""
    template = loader.get_template("503.html")
    response = HttpResponse(
        template.render({"home_url": "/", "back_url": _back(request)}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_large_page(request, message: str):
    """413, for a request body over the upload limit (tracker.body_limit): the site's layout."""
    return _page(request, "413.html", 413, message=message)
