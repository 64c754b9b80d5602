"""The team calendar: an organization's open deadlines as one iCalendar feed for a shared Outlook
or Google calendar, beside each person's own (notifications.calendar, reused as it is). Titles
carry case references only (no names); the URL's token is revocable by the organization's admins.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from accounts.standing import scope_for
from cases.clock import taipei_today
from cases.errors import DomainError
from cases.tenancy import organization_cases
from notifications.calendar import FeedBody, feed_body
from notifications.selectors import deadlines_in
from notifications.team_feeds import TeamCalendarFeed, new_team_token


class NotTeamAdmin(DomainError):
    code = "permission_denied"
    status = 403
    default_message = gettext_lazy("Only the organization's admins manage its team calendar.")


def check_can_manage(*, user, organization: Organization) -> None:
    if organization.pk not in scope_for(user).admin_org_ids:
        raise NotTeamAdmin()


def team_feed_of(*, organization: Organization) -> TeamCalendarFeed | None:
    return TeamCalendarFeed.objects.filter(organization=organization).first()


@transaction.atomic
def team_feed_rotate(*, actor, organization: Organization) -> TeamCalendarFeed:
    """Create the organization's feed URL, or replace it (the old URL stops working)."""
    check_can_manage(user=actor, organization=organization)
    feed, created = TeamCalendarFeed.objects.select_for_update().get_or_create(
        organization=organization, defaults={"created_by": actor}
    )
    if not created:
        feed.token = new_team_token()
        feed.created_by = actor
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save()
    return feed


def team_feed_revoke(*, actor, organization: Organization) -> None:
    check_can_manage(user=actor, organization=organization)
    TeamCalendarFeed.objects.filter(organization=organization).delete()


def team_feed_for_token(token: str) -> TeamCalendarFeed | None:
    if not token:
        return None
    return TeamCalendarFeed.objects.select_related("organization").filter(token=token).first()


def team_feed_body(
    *, feed: TeamCalendarFeed, language: str, today: dt.date | None = None
) -> FeedBody:
    """The organization's open deadlines, named for the organization, with the ETag and the
    revisions a person's feed has (304s for polling clients; SEQUENCE when an event changes)."""
    today = today or taipei_today()
    organization = feed.organization
    with translation.override(language):
        name = _("%(organization)s: Gold Card deadlines (就業金卡)") % {
            "organization": organization.name
        }
    return feed_body(
        feed=feed,
        items=deadlines_in(cases=organization_cases(organization), today=today),
        language=language,
        time_zone="",
        today=today,
        name=name,
    )
