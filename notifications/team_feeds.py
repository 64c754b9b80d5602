"""The organization's shared calendar feed (the team calendar): one revocable private URL per
organization, beside each person's own feed (notifications.models.CalendarFeed)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


def new_team_token() -> str:
    return secrets.token_urlsafe(32)


class TeamCalendarFeed(models.Model):
    """The token is the only credential a shared calendar can carry: long and random; revoking
    deletes the row, rotating issues a new token."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="team_calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_team_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    # What the feed last served, as on a person's feed (CalendarFeed): 304s for polling clients,
    # each event's SEQUENCE and LAST-MODIFIED.
    etag = models.CharField(max_length=64, blank=True, default="", editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revisions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("team calendar feed")
        verbose_name_plural = _("team calendar feeds")

    def __str__(self) -> str:
        return f"{self.organization} ({self.token[:6]}…)"
