"""Everything an incoming file passes before it may be stored: the content checks, then the
virus scan. The API, the pages (through services.document_add) and the command all call `intake`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

from django.utils.translation import gettext as _

from cases.documents.checks import CheckedFile, check_file
from cases.documents.limits import Limits
from cases.documents.normalise import without_active_content
from cases.documents.scanner import ScannerUnavailable, scanner_from_settings
from cases.errors import ScanFailed, VirusFound

logger = logging.getLogger(__name__)


def intake(*, data: bytes, name: str, limits: Limits | None = None) -> CheckedFile:
    """Checked and scanned as received; `CheckedFile.data` (with its size and checksum) is what
    to store: a PDF without its JavaScript, automatic actions and embedded files."""
    checked = check_file(data=data, name=name, limits=limits or Limits.from_settings())
    scan(data=data, name=name)
    return stored_form(checked)


def stored_form(checked: CheckedFile) -> CheckedFile:
    if checked.content_type != "application/pdf":
        return checked
    data = without_active_content(checked.data)
    if data is checked.data:
        return checked
    logger.info("scripts or automatic actions removed from %s", checked.name)
    return dataclasses.replace(
        checked, data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def scan(*, data: bytes, name: str) -> None:
    """The virus scan alone (the notice and proof checks call it too); fails closed."""
    try:
        result = scanner_from_settings().scan(data)
    except ScannerUnavailable as exc:
        logger.error("virus scan failed for %s: %s", name, exc)
        raise ScanFailed(
            _("The virus scanner could not check “%(name)s”; nothing was stored. Try again later.")
            % {"name": name},
            name=name,
        ) from exc
    if not result.clean:
        logger.warning("virus scan refused %s: %s", name, result.signature)
        raise VirusFound(
            _("“%(name)s” contains malware (%(signature)s); it was refused.")
            % {"name": name, "signature": result.signature},
            name=name,
            signature=result.signature,
        )
