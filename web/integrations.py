"""The Integrations page of an organization's admins (/integrations/): webhook endpoints (register,
change, disable or enable, rotate the secret, delete, the delivery log with replay) and the team
calendar link. Each action answers beside the control that was clicked (web.feedback). A signing
secret is shown once: kept in the session for the next page only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import profile_for
from cases.errors import DomainError
from notifications import team_calendar
from notifications.calendar import CONTENT_TYPE
from notifications.team_feeds import TeamCalendarFeed
from notifications.webhooks import services as webhooks
from notifications.webhooks.models import EventType
from web import feedback
from web.http_cache import conditional_response

SECRET_KEY = "webhook_secret_once"
LOG_LENGTH = 50


def _organizations(request):
    organizations = webhooks.administered_organizations(user=request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Only an organization's admins manage its integrations."))
    return organizations


def _show_secret_once(request, endpoint_id: int, secret: str) -> None:
    request.session[SECRET_KEY] = {"endpoint": endpoint_id, "secret": secret}


def _team_feed_url(feed: TeamCalendarFeed | None) -> str:
    if feed is None:
        return ""
    return settings.SITE_URL + reverse("web:team_calendar_feed", args=[feed.token])


def _events_from(request) -> list[str]:
    return request.POST.getlist("events")


@login_required
def integrations(request):
    organizations = list(_organizations(request))
    form = {"url": "", "description": "", "events": [], "organization": ""}
    status = 200
    if request.method == "POST":
        form = {
            "url": request.POST.get("url", "").strip(),
            "description": request.POST.get("description", "").strip(),
            "events": _events_from(request),
            "organization": request.POST.get("organization", ""),
        }
        chosen = next(
            (o for o in organizations if str(o.pk) == form["organization"]),
            organizations[0] if len(organizations) == 1 else None,
        )
        try:
            if chosen is None:
                raise DomainError(_("Choose the organization."), field="organization")
            endpoint = webhooks.endpoint_create(
                actor=request.user,
                organization=chosen,
                url=form["url"],
                events=form["events"],
                description=form["description"],
            )
        except DomainError as exc:
            feedback.error(request, exc.message, "new-endpoint")
            status = 400
        else:
            _show_secret_once(request, endpoint.pk, endpoint.secret)
            feedback.success(
                request, _("Endpoint registered. Copy its signing secret now."), "endpoint"
            )
            return redirect(reverse("web:webhook", args=[endpoint.pk]) + "#endpoint")
    endpoints = webhooks.endpoints_for_user(user=request.user).order_by(
        "organization__name", "-created_at"
    )
    teams = [
        {
            "organization": organization,
            "feed_url": _team_feed_url(team_calendar.team_feed_of(organization=organization)),
        }
        for organization in organizations
    ]
    context = {
        "organizations": organizations,
        "endpoints": endpoints,
        "event_choices": EventType.choices,
        "form": form,
        "teams": teams,
    }
    return render(request, "notifications/integrations.html", context, status=status)


@login_required
def webhook(request, pk: int):
    _organizations(request)
    endpoint = webhooks.access_endpoint(user=request.user, endpoint_id=pk)
    once = request.session.pop(SECRET_KEY, None)
    secret = once["secret"] if once and once.get("endpoint") == endpoint.pk else ""
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "event_choices": EventType.choices,
        "deliveries": list(webhooks.deliveries_of(endpoint=endpoint)[:LOG_LENGTH]),
    }
    return render(request, "notifications/webhook.html", context)


def _act(request, pk: int, part: str, action) -> HttpResponse:
    _organizations(request)
    endpoint = webhooks.access_endpoint(user=request.user, endpoint_id=pk)
    try:
        message = action(endpoint)
    except DomainError as exc:
        feedback.error(request, exc.message, part)
    else:
        feedback.success(request, message, part)
    return redirect(reverse("web:webhook", args=[pk]) + f"#{part}")


@login_required
@require_POST
def webhook_update(request, pk: int):
    def change(endpoint):
        webhooks.endpoint_update(
            actor=request.user,
            endpoint=endpoint,
            url=request.POST.get("url", ""),
            events=_events_from(request),
            description=request.POST.get("description", ""),
        )
        return _("Saved.")

    return _act(request, pk, "settings", change)


@login_required
@require_POST
def webhook_state(request, pk: int):
    def switch(endpoint):
        if request.POST.get("action") == "enable":
            webhooks.endpoint_enable(actor=request.user, endpoint=endpoint)
            return _("Enabled: new events will be delivered.")
        webhooks.endpoint_disable(actor=request.user, endpoint=endpoint)
        return _("Disabled: no events will be delivered until it is enabled again.")

    return _act(request, pk, "endpoint", switch)


@login_required
@require_POST
def webhook_rotate(request, pk: int):
    def rotate(endpoint):
        endpoint = webhooks.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        _show_secret_once(request, endpoint.pk, endpoint.secret)
        return _("New signing secret made; the old one no longer signs. Copy it now.")

    return _act(request, pk, "endpoint", rotate)


@login_required
@require_POST
def webhook_delete(request, pk: int):
    _organizations(request)
    endpoint = webhooks.access_endpoint(user=request.user, endpoint_id=pk)
    url = endpoint.url
    webhooks.endpoint_delete(actor=request.user, endpoint=endpoint)
    feedback.success(request, _("Endpoint %(url)s deleted.") % {"url": url}, "endpoints")
    return redirect(reverse("web:integrations") + "#endpoints")


@login_required
@require_POST
def webhook_replay(request, pk: int, delivery_id: int):
    part = f"delivery-{delivery_id}"

    def replay(endpoint):
        delivery = webhooks.access_delivery(endpoint=endpoint, delivery_id=delivery_id)
        webhooks.delivery_replay(actor=request.user, delivery=delivery)
        return _("Queued to be sent again, with the same webhook-id.")

    return _act(request, pk, part, replay)


@login_required
@require_POST
def team_calendar_link(request, organization_id: int):
    organization = _organizations(request).filter(pk=organization_id).first()
    if organization is None:
        raise Http404(_("No such organization."))
    part = f"team-{organization.pk}"
    try:
        if request.POST.get("action") == "revoke":
            team_calendar.team_feed_revoke(actor=request.user, organization=organization)
            feedback.success(request, _("Team calendar link revoked: it no longer works."), part)
        else:
            team_calendar.team_feed_rotate(actor=request.user, organization=organization)
            feedback.success(
                request, _("New team calendar link created; any old link stopped working."), part
            )
    except DomainError as exc:
        feedback.error(request, exc.message, part)
    return redirect(reverse("web:integrations") + f"#{part}")


@require_safe
def team_calendar_feed(request, token: str):
    """The organization's iCal feed; the token is the credential (a revoked one answers 404)."""
    feed = team_calendar.team_feed_for_token(token)
    if feed is None:
        raise Http404(_("No such calendar."))
    TeamCalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    language = profile_for(feed.created_by).language if feed.created_by else ""
    served = team_calendar.team_feed_body(feed=feed, language=language or "en")
    response = conditional_response(
        request,
        body=served.body,
        content_type=CONTENT_TYPE,
        etag=served.etag,
        last_modified=served.last_modified,
        language=served.language,
    )
    response["Content-Disposition"] = 'inline; filename="team-deadlines.ics"'
    return response
