"""Domain errors with a machine-readable code; the API and pages turn them into answers (409/400)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request cannot be carried out.")

    def __init__(self, message: str | None = None, *, code: str | None = None, **params) -> None:
        if code:
            self.code = code
        self.params = params
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class SupplementLocked(DomainError):
    code = "supplement_submitted"
    status = 409
    default_message = _("This supplement was submitted (送出); its content can no longer change.")


class SupplementClosed(DomainError):
    code = "supplement_closed"
    status = 409
    default_message = _("This supplement is withdrawn; reopen it before changing it.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("The case cannot move to that status from its current one.")


class StaleVersion(DomainError):
    code = "stale_version"
    status = 409
    default_message = _("Someone else changed this supplement meanwhile; reload and try again.")


class NotReady(DomainError):
    code = "supplement_not_ready"
    status = 409
    default_message = _("The supplement is not ready to submit.")


class InvalidInput(DomainError):
    code = "invalid"
    status = 400
