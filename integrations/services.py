"""Writes: create, use and revoke API tokens; begin and finish idempotent requests."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from integrations.errors import IdempotencyInProgress, IdempotencyKeyReused, TooManyTokens
from integrations.models import ApiToken, IdempotencyRecord
from integrations.selectors import hash_key, tokens_of

# Writing last_used_at on every request would add a write per call; once a minute is enough to
# tell which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _tokens_per_user() -> int:
    return getattr(settings, "API_TOKENS_PER_USER", 20)


def _idempotency_ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


# --- Tokens ---------------------------------------------------------------------------------------
@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; the key is not stored and cannot be shown again."""
    if tokens_of(user=user).count() >= _tokens_per_user():
        raise TooManyTokens(limit=_tokens_per_user())
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        prefix=key[:8],
        key_hash=hash_key(key),
        credential_stamp=user.get_session_auth_hash(),
    )
    return token, key


def token_still_valid(*, token: ApiToken) -> bool:
    """False once the user's password changed since the token was made (the token is revoked
    then). A token from before stamps existed gets the current stamp on first use."""
    current = token.user.get_session_auth_hash()
    if not token.credential_stamp:
        token.credential_stamp = current
        ApiToken.objects.filter(pk=token.pk).update(credential_stamp=current)
        return True
    if constant_time_compare(token.credential_stamp, current):
        return True
    token_revoke(token=token)
    return False


def tokens_revoke_all(*, user) -> int:
    """End every token of the user (two-factor login turned on: a token would bypass it)."""
    return tokens_of(user=user).update(revoked_at=timezone.now())


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token at once; the row stays (name, dates) as a record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    return token


def token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record that a token was used, at most once per LAST_USED_RESOLUTION."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# --- Idempotency ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replay:
    """The stored answer to the first request made with a key."""

    status_code: int
    body: Any


def idempotency_begin(*, user, key: str, path: str, fingerprint: str) -> IdempotencyRecord | Replay:
    """Claim a key for this request, or return the first request's answer.

    Call inside the transaction that does the work: a concurrent request with the same key then
    waits on the unique index (PostgreSQL) or the write lock (SQLite) until the first commits, and
    replays it; if the first fails, its claim rolls back with it and the retry runs afresh.
    """
    path = path[:500]
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user, key=key, path=path, fingerprint=fingerprint
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.get(user=user, key=key, path=path)
    if existing.created_at < timezone.now() - _idempotency_ttl():
        # An expired key is free again.
        existing.delete()
        return IdempotencyRecord.objects.create(
            user=user, key=key, path=path, fingerprint=fingerprint
        )
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status_code is None:
        raise IdempotencyInProgress()
    return Replay(status_code=existing.status_code, body=existing.response_body)


def idempotency_finish(*, record: IdempotencyRecord, status_code: int, body: Any) -> None:
    record.status_code = status_code
    record.response_body = body
    record.save(update_fields=["status_code", "response_body"])


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete records past their time to live; returns how many."""
    cutoff = (now or timezone.now()) - _idempotency_ttl()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
