"""Signed links that let a person acknowledge or snooze an alert from the email without logging in.

The token names the person and the subject, carries a random nonce and expires
(ALERT_LINK_MAX_AGE_DAYS, 30 by default); the page it opens asks for a click (POST), because mail
scanners follow links on their own. A link acts once (`consume` records its nonce) and only for the
person it was sent to (web.alerts refuses anyone else logged in). It cannot be forged without
SECRET_KEY, which is never a known default (tracker.embedded_key).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications.models import UsedAlertLink

SALT = "notifications.respond"


class LinkUsed(Exception):
    """The link already acknowledged or snoozed."""


@dataclass(frozen=True)
class ResponseLink:
    user_id: int
    subject_kind: str
    subject_id: int
    nonce: str


@lru_cache(maxsize=4)
def _signer(secret_key: str) -> signing.TimestampSigner:
    # One signer per key: a sweep signs thousands of links (keyed by SECRET_KEY so a changed
    # setting, as in tests, gets its own).
    return signing.TimestampSigner(key=secret_key, salt=SALT)


def make_token(*, user_id: int, subject_kind: str, subject_id: int) -> str:
    nonce = secrets.token_urlsafe(12)
    return _signer(settings.SECRET_KEY).sign_object([user_id, subject_kind, subject_id, nonce])


def read_token(token: str) -> ResponseLink:
    """Raise signing.BadSignature (or SignatureExpired) for a forged, altered or old token (links
    from before nonces count as old: they could not be made single-use)."""
    max_age = getattr(settings, "ALERT_LINK_MAX_AGE_DAYS", 30) * 86400
    value = signing.loads(token, salt=SALT, max_age=max_age)
    try:
        user_id, kind, subject_id, nonce = value
        return ResponseLink(int(user_id), str(kind), int(subject_id), str(nonce))
    except (TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed alert link") from exc


def is_used(link: ResponseLink) -> bool:
    return UsedAlertLink.objects.filter(nonce=link.nonce).exists()


def consume(link: ResponseLink) -> None:
    """Mark the link used, or raise LinkUsed. Call it inside the transaction that acts on the link:
    if the answer is then refused (a snooze too close to the deadline), the link still works."""
    try:
        with transaction.atomic():
            UsedAlertLink.objects.create(nonce=link.nonce, user_id=link.user_id)
    except IntegrityError as exc:
        raise LinkUsed from exc


@lru_cache(maxsize=1)
def _respond_path() -> tuple[str, str]:
    # Reversed once: an email lists hundreds of links and the URL conf does not change.
    before, _marker, after = reverse("notifications:respond", args=["TOKEN"]).partition("TOKEN")
    return before, after


def respond_url(*, user_id: int, subject_kind: str, subject_id: int) -> str:
    token = make_token(user_id=user_id, subject_kind=subject_kind, subject_id=subject_id)
    before, after = _respond_path()
    return f"{settings.SITE_URL}{before}{token}{after}"


UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_url(*, user_id: int) -> str:
    """The List-Unsubscribe link of a person's alert emails: signed for them, no login needed (a
    mail client posts to it, RFC 8058). It only turns early reminders off, so it never expires."""
    token = signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> int:
    """The user id, or signing.BadSignature for a forged or altered token."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(value, int):
        raise signing.BadSignature("malformed unsubscribe link")
    return value
