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

    def __reduce__(self):
        # Pickled whole (the packing child sends its errors back): code and params included.
        return (_rebuild, (type(self), self.message, self.code, self.params))


def _rebuild(cls: type[DomainError], message: str, code: str, params: dict) -> DomainError:
    return cls(message, code=code, **params)


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


# --- Documents: why an upload was refused (cases.documents.checks) --------------------------------
# One class per reason, so the API and the pages can map them generically by `code` and `status`.
# Each carries `name` (the file as the person called it) in its params.
class UploadRefused(DomainError):
    code = "upload_refused"
    status = 400
    default_message = _("The file cannot be used.")


class EmptyFile(UploadRefused):
    code = "empty_file"
    default_message = _("The file is empty.")


class FileTooLarge(UploadRefused):
    code = "file_too_large"
    status = 413
    default_message = _("The file is larger than uploads may be.")


class UnsupportedType(UploadRefused):
    code = "unsupported_type"
    status = 415
    default_message = _("Only PDF, JPEG, PNG, HEIC/HEIF and TIFF files can be used.")


class DisguisedExecutable(UploadRefused):
    code = "disguised_executable"
    status = 415
    default_message = _("The file is a program, not a document.")


class EncryptedPdf(UploadRefused):
    code = "encrypted_pdf"
    default_message = _(
        "The PDF is encrypted. The platform refuses encrypted files: remove the password."
    )


class CorruptFile(UploadRefused):
    code = "corrupt_file"
    default_message = _("The file is damaged or incomplete.")


class DecompressionBomb(UploadRefused):
    code = "decompression_bomb"
    default_message = _("The file expands to far more data than any document needs.")


class TooManyPages(UploadRefused):
    code = "too_many_pages"
    default_message = _("The file has too many pages.")


class VirusFound(UploadRefused):
    code = "virus_found"
    default_message = _("The virus scanner found malware in the file.")


class ScanFailed(UploadRefused):
    """The scanner did not answer: refuse rather than store an unscanned file (fail closed)."""

    code = "scan_failed"
    status = 503
    default_message = _("The virus scanner is unavailable; try again later.")


# --- Documents: review and the upload set ---------------------------------------------------------
class ReviewNotAllowed(DomainError):
    code = "review_not_allowed"
    status = 403
    default_message = _("Only the agency working the case can approve or reject documents.")


class InvalidReview(DomainError):
    code = "invalid_review"
    status = 409
    default_message = _("The document cannot move to that review state from its current one.")


class UploadSetTooLarge(DomainError):
    """The material cannot fit the platform's limits even at the lowest legible quality.
    params: documents [{name, bytes, pages}], reason ("page_too_large" | "set_too_large"),
    files_needed, max_files, max_file_bytes."""

    code = "upload_set_too_large"
    status = 422
    default_message = _("The documents cannot fit the platform's upload limits.")


# --- Case requests (employer HR asks an agency for a case) -----------------------------------------
class CaseRequestDecided(DomainError):
    code = "case_request_decided"
    status = 409
    default_message = _("This case request was already decided; nothing was changed.")
