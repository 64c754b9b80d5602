"""Per-user preferences: the language (English / 繁體中文) and time zone every page honours."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Profile, history_user, profile_for

SESSION_KEY = "_user_language"


def profile_set_language(*, user, language: str) -> Profile:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    profile = profile_for(user)
    if profile.language != language:
        profile.language = language
        history_user(user, profile)
        profile.save(update_fields=["language"])
    return profile


def profile_set_time_zone(*, user, time_zone: str) -> Profile:
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    profile = profile_for(user)
    if profile.time_zone != time_zone:
        profile.time_zone = time_zone
        history_user(user, profile)
        profile.save(update_fields=["time_zone"])
    return profile


def applicant_zone(own: str | None, recorded: str) -> str:
    """An applicant's time zone: the one they set themselves, unless it is still the default
    (Taipei), else the one the agency recorded for them."""
    if own and own != "Asia/Taipei":
        return own
    return recorded or own or "Asia/Taipei"


def language_for(request) -> str:
    """The user's saved language, remembered in the session so pages do not ask every time. A
    login without a saved profile yet (its first visit) keeps the browser's language
    (Accept-Language, or the language the visitor chose before logging in), not the default."""
    user = request.user
    cached = request.session.get(SESSION_KEY)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        browser = translation.get_language_from_request(request)
        profile, _created = Profile.objects.get_or_create(
            user=user,
            defaults={
                "language": browser
                if browser in dict(settings.LANGUAGES)
                else settings.LANGUAGE_CODE
            },
        )
    language = profile.language
    request.session[SESSION_KEY] = [user.pk, language]
    return language


def remember_language(request, language: str) -> None:
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = [request.user.pk, language]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]
