"""One JSON shape for every API error (validation, auth, permission, not found, conflict,
throttling, server error):

    {"errors": [{"code": "...", "message": "...", "field": "...", "params": {...}}], "status": 409}

`code` is machine-readable and stable; `message` is in the request's language (Accept-Language:
English or zh-Hant, DRF's own messages included); `field` names the input at fault (dotted for
nested input); `params` carries the values a domain error knows (allowed transitions, what is
missing). Domain errors from services map generically: their status, code and message.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from accounts.services import AccountsError
from cases.errors import DomainError
from integrations.errors import IntegrationError

logger = logging.getLogger("api")

DOMAIN_ERRORS = (DomainError, IntegrationError, AccountsError)


NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


def error_body(errors: list[dict], status_code: int) -> dict:
    return {"errors": errors, "status": status_code}


def _flatten(detail, field: str | None = None) -> list[dict]:
    """DRF's nested error details as a flat list, each with a dotted `field` path."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            name = None if key in NON_FIELD_KEYS else (f"{field}.{key}" if field else str(key))
            items.extend(_flatten(value, name if name is not None else field))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(_flatten(value, f"{field}.{index}" if field else str(index)))
            else:
                items.extend(_flatten(value, field))
        return items
    item = {"code": getattr(detail, "code", None) or "invalid", "message": str(detail)}
    if field:
        item["field"] = field
    return [item]


def _domain_error(exc) -> tuple[list[dict], int]:
    params = {key: value for key, value in exc.params.items() if key != "field"}
    item = {"code": exc.code, "message": exc.message}
    if exc.params.get("field"):
        item["field"] = str(exc.params["field"])
    if params:
        item["params"] = params
    return [item], exc.status


def exception_handler(exc, context) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception an API view raises, including the
    unexpected ones (500, logged), answers in the one shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, DOMAIN_ERRORS):
        errors, status_code = _domain_error(exc)
    else:
        if isinstance(exc, Http404):
            exc = exceptions.NotFound(str(exc) or None)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        elif isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(get_error_detail(exc))
        elif database_unavailable(exc):
            return service_unavailable_response(exc)
        elif isinstance(exc, DataError):
            # A value the database refuses (out of range, a NUL character) that input checks let
            # through: the request's fault, not ours.
            logger.warning("Database refused a value: %s", exc)
            exc = exceptions.ValidationError(
                _("A value in the request cannot be stored."), code="invalid"
            )
        if isinstance(exc, exceptions.APIException):
            status_code = exc.status_code
            if isinstance(exc, exceptions.ValidationError):
                errors = _flatten(exc.detail)
            else:
                code = getattr(exc.detail, "code", None) or exc.default_code
                errors = [{"code": code, "message": _message(exc, context.get("request"))}]
            if getattr(exc, "auth_header", None):
                headers["WWW-Authenticate"] = exc.auth_header
            if getattr(exc, "wait", None):
                headers["Retry-After"] = str(int(exc.wait))
        else:
            request = context.get("request")
            logger.exception(
                "Unhandled error in API view %s %s",
                getattr(request, "method", "?"),
                getattr(request, "path", "?"),
            )
            status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
            errors = [server_error_item()]
    set_rollback()
    return Response(error_body(errors, status_code), status=status_code, headers=headers)


def _message(exc: exceptions.APIException, request) -> str:
    """DRF's message, or ours where DRF's catalogue has no zh-Hant for it (its zh_Hant lacks the
    authentication and throttling sentences); a message given by our code is kept."""
    detail = str(exc.detail)
    default = str(exc.default_detail)
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is None:
            return _("Too many requests: try again later.")
        return _("Too many requests: try again in %(wait)d seconds.") % {"wait": int(exc.wait)}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("Method %(method)s is not allowed here.") % {
            "method": getattr(request, "method", "?")
        }
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("This endpoint does not take %(type)s.") % {
            "type": getattr(request, "content_type", "") or _("this media type")
        }
    if detail != default:
        return detail
    ours = {
        exceptions.NotAuthenticated: _("Authentication credentials were not provided."),
        exceptions.AuthenticationFailed: _("Incorrect authentication credentials."),
        exceptions.PermissionDenied: _("You do not have permission to perform this action."),
        exceptions.NotFound: _("Not found."),
        exceptions.ParseError: _("Malformed request."),
        exceptions.NotAcceptable: _("Cannot answer in the format the Accept header asks for."),
    }
    return ours.get(type(exc), detail)


# Seconds a client is told to wait when the database does not answer.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """The database did not answer (down, unreachable, the connection lost): a 503, not a 500."""
    return isinstance(exc, OperationalError | InterfaceError)


def service_unavailable_item() -> dict:
    return {
        "code": "service_unavailable",
        "message": _(
            "The service is briefly unavailable (its database does not answer). Try again shortly."
        ),
    }


def service_unavailable_response(exc: BaseException | None = None) -> Response:
    logger.error("Database unavailable: %s", exc)
    set_rollback()
    return Response(
        error_body([service_unavailable_item()], 503),
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def server_error_item() -> dict:
    return {
        "code": "server_error",
        "message": _("Something went wrong on our side; the error was logged. Try again later."),
    }


@csrf_exempt  # it changes nothing; a CSRF page would break the JSON shape for unknown paths
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/ answer JSON in the same shape as a missing object."""
    body = error_body([{"code": "not_found", "message": _("Not found.")}], 404)
    return JsonResponse(body, status=404)


def server_error(request, *args, **kwargs):
    """handler500: JSON for the API, Django's page elsewhere (errors outside API views, such as
    in middleware, land here)."""
    if request.path.startswith("/api/"):
        if database_unavailable(sys.exc_info()[1]):
            response = JsonResponse(error_body([service_unavailable_item()], 503), status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return JsonResponse(error_body([server_error_item()], 500), status=500)
    from django.views.defaults import server_error as page

    return page(request)
