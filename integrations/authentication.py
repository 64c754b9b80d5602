"""DRF authentication with our API tokens: `Authorization: Token <key>` or `Bearer <key>`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from integrations.selectors import token_for_key
from integrations.services import token_still_valid, token_touch

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    """Like DRF's TokenAuthentication, but keys are stored hashed, a user has several named
    tokens, and both the `Token` and the `Bearer` keyword are accepted."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: let session authentication try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give the keyword and the key, separated by one space.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: the key has characters a key never has.")
            ) from None
        token = token_for_key(key=key)
        if token is None or not token.user.is_active or not token_still_valid(token=token):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes unauthenticated requests answer 401 (with this challenge) rather than 403.
        return 'Token realm="api"'
