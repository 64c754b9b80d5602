"""Alert pages: my deadlines and alert log (acknowledge / snooze), the signed-link page from the
email, preferences, an organization's alert offsets, dated obligations, the calendar feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import profile_for
from cases.clock import days_left, taipei_today
from cases.errors import DomainError
from cases.tenancy import visible_cases
from notifications import links, services
from notifications.calendar import CONTENT_TYPE, feed_body
from notifications.emails import status_text
from notifications.links import read_token
from notifications.models import AlertPolicy, AlertPreference, CalendarFeed, SubjectKind
from notifications.selectors import (
    access_subject,
    administered_organizations,
    deadlines_for,
    obligations_for,
    recent_alerts,
    responses_of,
)
from notifications.subjects import default_policy
from web.alert_forms import ObligationForm, PolicyForm, PreferenceForm, SnoozeForm
from web.http_cache import conditional_response


def _subject_kind(kind: str) -> str:
    if kind not in SubjectKind.values:
        raise Http404(_("No such alert subject."))
    return kind


@login_required
@require_safe
def alerts_page(request):
    today = taipei_today()
    items = deadlines_for(user=request.user, today=today)
    answers = responses_of(user=request.user, items=items)
    rows = [
        {
            "item": item,
            "days_left": days_left(item.due_on, today),
            "response": answers.get(item.key),
            "anchor": f"{item.kind}-{item.subject_id}",
        }
        for item in items
    ]
    return render(
        request,
        "notifications/alerts.html",
        {
            "rows": rows,
            "log": recent_alerts(user=request.user),
            "snooze_form": SnoozeForm(),
            "today": today,
        },
    )


def _answer(request, user, kind: str, subject_id: int, action: str) -> bool:
    try:
        if action == "acknowledge":
            services.alert_acknowledge(user=user, subject_kind=kind, subject_id=subject_id)
            messages.success(request, _("Acknowledged: no escalation to the agency admin."))
        else:
            form = SnoozeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose how long to snooze."))
                return False
            response = services.alert_snooze(
                user=user, subject_kind=kind, subject_id=subject_id, days=form.cleaned_data["days"]
            )
            messages.success(
                request,
                _("Snoozed until %(date)s. Due tomorrow, due today and overdue alerts still come.")
                % {"date": response.snoozed_until.isoformat()},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


@login_required
@require_POST
def alert_answer(request, kind: str, subject_id: int, action: str):
    _answer(request, request.user, _subject_kind(kind), subject_id, action)
    return redirect("notifications:alerts")


def _link_refused(request, message: str, status: int):
    return render(
        request, "notifications/respond_refused.html", {"message": message}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token: str):
    """The page a signed link in the email opens: the link names the person and the subject;
    nothing changes until the button is pressed (mail scanners follow links on their own). It
    acts only for that person and only once (notifications.links)."""
    try:
        link = read_token(token)
    except signing.BadSignature as exc:
        raise Http404(_("This link is invalid or has expired.")) from exc
    if request.user.is_authenticated and request.user.pk != link.user_id:
        # Someone else's link (forwarded, or a shared computer): it must not act for them.
        return _link_refused(
            request,
            _(
                "This link was sent to someone else, and you are logged in as %(name)s. "
                "Answer your own alerts from your alerts page, or log out to use the link."
            )
            % {"name": request.user.get_username()},
            status=403,
        )
    user = get_object_or_404(get_user_model(), pk=link.user_id, is_active=True)
    kind = _subject_kind(link.subject_kind)
    item = access_subject(user=user, subject_kind=kind, subject_id=link.subject_id)
    used = _(
        "This link was already used to answer the alert. To change the answer, log in and "
        "open your alerts page."
    )
    if links.is_used(link):
        return _link_refused(request, used, status=410)
    done = False
    if request.method == "POST":
        action = "snooze" if request.POST.get("action") == "snooze" else "acknowledge"
        with transaction.atomic():
            try:
                links.consume(link)
            except links.LinkUsed:  # two clicks at once: the other one answered
                return _link_refused(request, used, status=410)
            done = _answer(request, user, kind, link.subject_id, action)
            if not done:
                # Refused (a snooze too close to the deadline): the link still works.
                transaction.set_rollback(True)
    return render(
        request,
        "notifications/respond.html",
        {
            "item": item,
            # The email's own words ("Overdue by 2 days"), never "-2 days left".
            "status": status_text(days_left(item.due_on)),
            "snooze_form": SnoozeForm(),
            "done": done,
            "for_user": user,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = AlertPreference.objects.filter(user=request.user).first()
    initial = {
        "digest_hour": current.digest_hour if current else 8,
        "quiet_start": current.quiet_start if current else None,
        "quiet_end": current.quiet_end if current else None,
        "early_alerts": current.early_alerts if current else True,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Alert preferences saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "profile": profile_for(request.user)},
    )


@csrf_exempt  # the signed token is the credential; a mail client's one-click POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Where an alert email's List-Unsubscribe leads. GET shows what it does with a button (mail
    scanners follow links on their own); POST, the button or the mail client's one-click
    unsubscribe (RFC 8058), turns the early reminders off. The urgent alerts keep coming, and the
    alert preferences turn the early ones back on."""
    try:
        user_id = links.read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        raise Http404(_("This link is invalid or has expired.")) from exc
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    done = False
    if request.method == "POST":
        services.preferences_set_early_alerts(user=user, on=False)
        done = True
    preference = AlertPreference.objects.filter(user=user).first()
    # In the language of the emails it came from, whoever opens it.
    with translation.override(profile_for(user).language):
        response = render(
            request,
            "notifications/unsubscribe.html",
            {"done": done, "early_alerts": preference.early_alerts if preference else True},
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    organizations = administered_organizations(user=request.user)
    if not organizations.exists():
        raise Http404(_("You administer no organization."))
    chosen = organizations.filter(pk=request.GET.get("organization") or 0).first()
    chosen = chosen or organizations.first()
    existing = AlertPolicy.objects.filter(organization=chosen).first()
    rules = default_policy() if existing is None else existing
    initial = {
        "organization": chosen,
        "offsets": ", ".join(str(offset) for offset in rules.offsets),
        "escalate_days": rules.escalate_days,
    }
    form = PolicyForm(request.POST or None, initial=initial, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("offsets", exc.message)
        else:
            messages.success(request, _("Alert offsets saved."))
            return redirect(f"{request.path}?organization={form.cleaned_data['organization'].pk}")
    return render(request, "notifications/policy.html", {"form": form, "organization": chosen})


@login_required
@require_http_methods(["GET", "POST"])
def obligations(request):
    cases = visible_cases(request.user).order_by("-created_at")
    form = ObligationForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        obligation = services.obligation_create(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Recorded: due on %(date)s.") % {"date": obligation.due_on.isoformat()},
        )
        return redirect("notifications:obligations")
    return render(
        request,
        "notifications/obligations.html",
        {"form": form, "obligations": obligations_for(user=request.user)},
    )


@login_required
@require_POST
def obligation_done(request, pk: int):
    obligation = get_object_or_404(obligations_for(user=request.user), pk=pk)
    services.obligation_fulfil(actor=request.user, obligation=obligation)
    messages.success(request, _("Marked as done."))
    return redirect("notifications:obligations")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(user=request.user)
            messages.success(request, _("Calendar link revoked: it no longer works."))
        else:
            services.feed_rotate(user=request.user)
            messages.success(request, _("New calendar link created; any old link stopped working."))
        return redirect("notifications:calendar")
    feed = services.feed_for(user=request.user)
    feed_url = (
        settings.SITE_URL + reverse("notifications:calendar_feed", args=[feed.token])
        if feed
        else ""
    )
    return render(request, "notifications/calendar.html", {"feed": feed, "feed_url": feed_url})


@require_safe
def calendar_feed(request, token: str):
    """The private iCal feed. The token in the URL is the credential (calendar clients cannot
    log in); a revoked or rotated token answers 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404(_("No such calendar."))
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    today = taipei_today()
    profile = profile_for(feed.user)
    served = feed_body(
        feed=feed,
        items=deadlines_for(user=feed.user, today=today),
        language=profile.language,
        time_zone=profile.time_zone,
        today=today,
    )
    response = conditional_response(
        request,
        body=served.body,
        content_type=CONTENT_TYPE,
        etag=served.etag,
        last_modified=served.last_modified,
        language=served.language,
    )
    response["Content-Disposition"] = 'inline; filename="gold-card-deadlines.ics"'
    return response
