"""Errors of the integrations app, with a machine-readable code and an HTTP status like
`cases.errors.DomainError` (the API's exception handler maps both the same way)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class IntegrationError(Exception):
    code = "integration_error"
    status = 400
    default_message = _("The request cannot be carried out.")

    def __init__(self, message: str | None = None, **params) -> None:
        self.params = params
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class IdempotencyKeyReused(IntegrationError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _(
        "This Idempotency-Key was already used with a different request body; use a new key."
    )


class IdempotencyInProgress(IntegrationError):
    code = "idempotency_in_progress"
    status = 409
    default_message = _("A request with this Idempotency-Key is still being processed.")


class InvalidIdempotencyKey(IntegrationError):
    code = "invalid_idempotency_key"
    status = 400
    default_message = _("An Idempotency-Key is 1 to 255 visible ASCII characters.")


class TooManyTokens(IntegrationError):
    code = "too_many_tokens"
    status = 409
    default_message = _("You have too many active API tokens; revoke one you no longer use.")
