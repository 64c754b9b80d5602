"""Rate limits per user, per token and per address (anonymous calls, token requests).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time (DRF's own classes read
them once at import, which makes them impossible to change in tests or by settings overrides).
Counters live in the default cache: set CACHE_URL (Redis) when several processes serve the API,
or each process counts on its own. The client address is accounts.client_ip's (X-Forwarded-For
only through TRUSTED_PROXIES), never DRF's own reading of the header. With the cache unreachable
the limits fail open, logged: a rate limit is not worth an API that answers nothing but 500s.
"""

from __future__ import annotations

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.client_ip import client_ip
from integrations.models import ApiToken

logger = logging.getLogger(__name__)


class _Throttle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's own errors (redis.ConnectionError, timeouts...)
            logger.warning(
                "Rate limit %r not applied: the cache is unreachable", self.scope, exc_info=True
            )
            return True


class UserThrottle(_Throttle):
    """Every request of one signed-in user, whatever the credential."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(_Throttle):
    """Every request made with one API token (a user's integrations do not starve each other)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonThrottle(_Throttle):
    """Unauthenticated requests, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(_Throttle):
    """Token requests with a password, per client address (axes locks per user on top)."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
