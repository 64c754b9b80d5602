"""Reads: a user's tokens, and the token a key belongs to."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from integrations.models import ApiToken


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tokens_of(*, user) -> QuerySet[ApiToken]:
    """The user's active tokens, newest first (revoked ones stay in the table for the record)."""
    return ApiToken.objects.active().filter(user=user)


def token_for_key(*, key: str) -> ApiToken | None:
    """The active token with this key, with its user, or None."""
    return ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()
