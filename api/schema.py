"""OpenAPI for the API (drf-spectacular): the error responses every operation can give, the
Idempotency-Key header on creates, the token security scheme and the introduction."""

from __future__ import annotations

import inspect
import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import AllowAny

from api.serializers.common import ErrorSerializer

INTRODUCTION = """
Cases, supplement requests (補正/補件), readiness and deadlines for the Taiwan Employment Gold Card.

**Authentication.** `POST /api/v1/auth/token/` with JSON `{"username", "password"}` returns
`{"token": ...}`. Send it as `Authorization: Token <key>` (or `Bearer <key>`). Five wrong passwords
lock the login for an hour, as on the platform. Tokens are listed and revoked at
`/api/v1/auth/tokens/`. A signed-in browser session works too (send the CSRF token on writes).

**Scope.** You see what the tracker shows you: agency members their agency's cases, employer HR
their employees' cases, applicants their own. Anything else answers 404, exactly like a missing
object; 403 means you can see it but your role cannot change it.

**Bodies** are JSON (`application/json`); only the uploads take `multipart/form-data`. A field
the endpoint does not take answers 400 `unknown_field` naming it; a PATCH naming no field
answers 400 `no_fields`.

**Errors** share one shape: `{"errors": [{"code", "message", "field"?, "params"?}], "status"}`;
`code` is stable, `message` follows `Accept-Language` (`en` or `zh-Hant`).

**Supplements.** `deadline` is a Taipei date (`YYYY-MM-DD`), `days_left` counts Taipei days (0 on
the day, negative when overdue), `readiness` is `{"ready", "missing": [...]}`. After
`POST /supplements/{id}/submit/` every write to it answers 409 `supplement_submitted`.

**Lists** paginate as `{"count", "next", "previous", "results"}` (`page`, `page_size` ≤ 200).

**Idempotency.** Send `Idempotency-Key: <unique string>` with a create: a retry with the same key
and body returns the first answer (header `Idempotent-Replayed: true`) instead of a duplicate; the
same key with another body answers 422 `idempotency_key_reused`. Keys are kept 24 hours.

**Rate limits** per user and per token; over the limit: 429 `throttled` with `Retry-After`.
""".strip()

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, `required`, `does_not_exist`, ...), one item per problem.",
    "401": "Not authenticated (`not_authenticated`, `authentication_failed`).",
    "403": "You can see this but your role cannot do this (`permission_denied`).",
    "404": "No such object, or not yours (`not_found`): the two are not told apart.",
    "409": "Conflict with the object's state (`supplement_submitted`, `invalid_transition`, "
    "`stale_version`, `supplement_not_ready`, ...).",
    "413": "The file is over the upload limit (`file_too_large`).",
    "415": "Unsupported media type (`unsupported_media_type`).",
    "422": "The Idempotency-Key was used with another body (`idempotency_key_reused`).",
    "429": "Rate limit or login lockout (`throttled`, `account_locked`); see Retry-After.",
    "500": "Server error (`server_error`), logged on our side.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self):
        """Every operation has its own summary (generated clients name and document their
        functions by it): the one given, else the first sentence of the handler's own
        docstring (or of its view's, when the view has that one operation), else words made of
        the operation id ("Memberships partial update"); never a docstring shared by several
        operations."""
        given = super().get_summary()
        if given:
            return given
        handler = self._handler()
        doc = inspect.getdoc(handler) if handler is not None else None
        if not (doc and getattr(handler, "__module__", "").startswith("api.")):
            methods = [
                m for m in ("get", "post", "put", "patch", "delete") if hasattr(self.view, m)
            ]
            single = getattr(self.view, "action", None) is None and len(methods) == 1
            view = type(self.view)
            own = "__doc__" in vars(view) and view.__module__.startswith("api.")
            doc = view.__doc__ if single and own else None
        if doc:
            sentence = re.split(r"(?<=[.;])\s", " ".join(doc.split()), maxsplit=1)[0]
            sentence = sentence.rstrip(".;")
            if len(sentence) > 100:
                sentence = sentence[:97].rsplit(" ", 1)[0] + "…"
            return sentence
        return self.get_operation_id().replace("_", " ").capitalize()

    def _handler(self):
        action = getattr(self.view, "action", None)
        return getattr(self.view, action or self.method.lower(), None)

    def _error_codes(self) -> list[str]:
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = (
            ["400", "401", "404", "429", "500"]
            if public
            else ["400", "401", "403", "404", "429", "500"]
        )
        if self.method != "GET":
            codes += ["409", "415"]
        if getattr(self._handler(), "accepts_upload", False):
            codes.append("413")
        if getattr(self._handler(), "idempotent", False):
            codes.append("422")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code in responses:
                continue
            response = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
            responses[code] = self._get_response_for_code(response, code, direction=direction)
            if code == "429":
                responses[code]["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before trying again.",
                    }
                }
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if getattr(self._handler(), "idempotent", False):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Makes a retry of this create return the first answer.",
                    pattern=r"^[\x21-\x7e]{1,255}$",
                )
            )
        return parameters


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `Authorization: Token <key>` or `Bearer <key>`.",
        }


def describe_api(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the introduction above as the API's description, and what
    OpenAPI linters and client generators need beyond drf-spectacular's output."""
    result["info"]["description"] = INTRODUCTION
    for operations in result["paths"].values():
        for operation in operations.values():
            # An operation without authentication (the token endpoint) says so explicitly.
            operation.setdefault("security", [])
            for response in operation.get("responses", {}).values():
                _binary_also_as_octet_stream(response)
    for name, component in result["components"]["schemas"].items():
        _enum_varnames(component)
        # Request bodies take only their own fields (api.serializers.common.StrictInputMixin):
        # say so, and generated clients model them without a bag of extra properties.
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    # Schemas given by hand (DRF's paginator) still say `nullable`, which OpenAPI 3.1 dropped.
    _nullable_as_31(result["components"])
    return result


def _binary_also_as_octet_stream(response: dict) -> None:
    """A download answers with its own type (application/pdf, application/zip); generators read
    bytes only from application/octet-stream, so the same binary is listed under it too."""
    content = response.get("content", {})
    binary = [
        media for media in content.values() if media.get("schema", {}).get("format") == "binary"
    ]
    if binary and "application/octet-stream" not in content:
        content["application/octet-stream"] = {"schema": dict(binary[0]["schema"])}


def _nullable_as_31(node) -> None:
    """{type: string, nullable: true} → {type: [string, "null"]} (and a nullable reference →
    {oneOf: [$ref, {type: null}]}), anywhere below `node`."""
    if isinstance(node, dict):
        if node.pop("nullable", False):
            if isinstance(node.get("type"), str):
                node["type"] = [node["type"], "null"]
            elif len(node.get("allOf", [])) == 1:  # a nullable reference
                node["oneOf"] = [node.pop("allOf")[0], {"type": "null"}]
            elif "oneOf" in node or "anyOf" in node:
                node["oneOf" if "oneOf" in node else "anyOf"].append({"type": "null"})
        for value in node.values():
            _nullable_as_31(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_as_31(value)


def _enum_varnames(component: dict) -> None:
    """Names for enum values that are not identifiers (`30d`, `6m`): `RULE_30D` rather than the
    `VALUE_0` a generator would make up (x-enum-varnames, read by openapi-python-client and
    openapi-generator)."""
    values = component.get("enum") or []
    if not values or all(isinstance(v, str) and v.isidentifier() for v in values):
        return
    if not all(isinstance(v, str) and v for v in values):  # BlankEnum keeps the generator's
        return
    names = [re.sub(r"\W", "_", value).upper() for value in values]
    names = [name if name[:1].isalpha() else f"V_{name}" for name in names]
    if len(set(names)) == len(names):
        component["x-enum-varnames"] = names
