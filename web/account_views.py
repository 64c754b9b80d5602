"""Logging in and out, the second factor, password reset, preferences and invitation links.

Password checks, lockout (django-axes) and resets are Django's and axes' own; these views add the
second step for users with an authenticator app, the user's language, and the invitation page.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import invitations, preferences, two_factor
from accounts.models import profile_for
from integrations.services import tokens_revoke_all
from integrations.throttling import LoginThrottle
from web.account_forms import (
    InvitationAcceptForm,
    LanguageForm,
    LoginForm,
    PreferencesForm,
    TokenForm,
)


def _safe_next(request, candidate: str | None, default: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        two_factor.forget(self.request)
        if two_factor.otp_required(self.request):
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('otp_verify')}?{query}")
        return HttpResponseRedirect(self.get_success_url())

    def post(self, request, *args, **kwargs):
        # Per client address, on top of axes' per-login lock: one address cannot try password
        # after password across logins (nor lock them all). The API's token requests share it.
        throttle = LoginThrottle()
        if not throttle.allow_request(request, self):
            wait = max(1, int(throttle.wait() or 60))
            form = self.get_form_class()(request)  # unbound: checking it would count a failure
            context = self.get_context_data(form=form, throttled_seconds=wait)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        return context


@login_required
def otp_verify(request):
    """The second step of logging in, for users with an authenticator app."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_verified() or not two_factor.otp_required(request):
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, token=form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error("token", _("That code is not right, or it expired. Try the current one."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_settings(request):
    """Turn the authenticator app on (scan, confirm with a code) or off (with a current code)."""
    enabled = two_factor.has_confirmed_device(request.user)
    form = TokenForm(request.POST or None)
    device = None if enabled else two_factor.pending_device(request.user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enabled:
            if two_factor.remove_devices(request, token=token):
                messages.success(request, _("Two-factor login is off."))
                return redirect("two_factor")
        elif two_factor.confirm_device(request, device=device, token=token):
            # An API token would let a stolen password around the second factor: end them.
            ended = tokens_revoke_all(user=request.user)
            messages.success(request, _("Two-factor login is on. You will need a code each time."))
            if ended:
                messages.info(request, _("Your API tokens were revoked; create new ones."))
            return redirect("two_factor")
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    context = {"form": form, "enabled": enabled}
    if device is not None:
        context |= {
            "qr": two_factor.qr_data_uri(device),
            "secret": two_factor.secret_base32(device),
        }
    return render(request, "accounts/two_factor.html", context)


@require_POST
def set_user_language(request):
    """Switch the language: saved in the profile for users, in a cookie for visitors."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            preferences.profile_set_language(user=request.user, language=language)
            preferences.remember_language(request, language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


@login_required
def account_settings(request):
    profile = profile_for(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial={"language": profile.language, "time_zone": profile.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        preferences.profile_set_language(user=request.user, language=form.cleaned_data["language"])
        preferences.profile_set_time_zone(
            user=request.user, time_zone=form.cleaned_data["time_zone"]
        )
        preferences.remember_language(request, form.cleaned_data["language"])
        messages.success(request, _("Your settings are saved."))
        return redirect("account_settings")
    context = {
        "form": form,
        "two_factor_enabled": two_factor.has_confirmed_device(request.user),
    }
    return render(request, "accounts/settings.html", context)


def invitation_accept(request, token: str):
    """The page an invitation link opens: choose a username and password (or accept as yourself)."""
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationInvalid as exc:
        return render(request, "accounts/invitation_invalid.html", {"error": exc}, status=410)
    as_current = request.user.is_authenticated
    form = None if as_current else InvitationAcceptForm(request.POST or None)
    if request.method == "POST":
        try:
            if as_current:
                user = invitations.invitation_accept(invitation=invitation, user=request.user)
            elif form.is_valid():
                data = form.cleaned_data
                user = invitations.invitation_accept(
                    invitation=invitation,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    language=data["language"],
                )
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except invitations.InvitationInvalid as exc:
            return render(request, "accounts/invitation_invalid.html", {"error": exc}, status=410)
        except ValidationError as exc:
            user = None
            if form is None:
                messages.error(request, " ".join(exc.messages))
            elif hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        if user is not None:
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "as_current": as_current},
    )


class PasswordResetView(auth_views.PasswordResetView):
    """The emailed link points at SITE_URL, never at the request's Host header: a forged Host
    would otherwise send the reset token to a site of the forger's choosing."""

    @property
    def extra_email_context(self) -> dict[str, str]:  # read by form_valid, overrides Django's
        site = urlsplit(settings.SITE_URL)
        return {"protocol": site.scheme, "domain": site.netloc + site.path.rstrip("/")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password also lifts a lockout, as the NIA platform's "forgot password" does."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
