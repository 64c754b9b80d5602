"""Two small middlewares that run after authentication: the user's own language, and the second
factor for users who turned it on. Both go after AuthenticationMiddleware and OTPMiddleware."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import preferences, two_factor


class UserLanguageMiddleware:
    """Activate the language saved in the user's profile (LocaleMiddleware handles visitors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        language = preferences.language_for(request)
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            # The thread goes back to what it spoke before: a person's language must not leak
            # into whatever this thread runs next (a test's service call, an in-process task).
            translation.activate(previous) if previous else translation.deactivate()


class RequireOTPMiddleware:
    """A user with a confirmed TOTP device sees nothing until the code is entered: whatever door they
    came in by (our login page, the admin's), they are sent to the code page."""

    # Paths an unverified user still needs: the code page itself, logging out, assets, language.
    open_prefixes = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.open_prefixes)
            and request.path
            not in (reverse("otp_verify"), reverse("logout"), reverse("set_user_language"))
            and two_factor.otp_required(request)
        ):
            if request.path.startswith("/api/"):
                # The API's one error shape (api.errors), without importing cases here.
                message = gettext("Enter your two-factor code first (log in again with it).")
                return JsonResponse(
                    {"errors": [{"code": "otp_required", "message": message}], "status": 403},
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('otp_verify')}?{query}")
        return self.get_response(request)
