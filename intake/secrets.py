"""Mailbox passwords, stored encrypted with Fernet (the `cryptography` library): the key is
INTAKE_ENCRYPTION_KEY when set (a Fernet key), else derived from SECRET_KEY, so changing the
SECRET_KEY without setting the old one here means re-entering the mailbox passwords."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "INTAKE_ENCRYPTION_KEY", "")
    if not key:
        digest = hashlib.sha256(b"tracker-intake-mailbox:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def decrypt(token: str) -> str:
    """The password; ValueError when the key changed since it was stored."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the mailbox password cannot be decrypted: enter it again") from exc
