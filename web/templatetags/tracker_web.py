"""Template helpers for the pages: the navigation for the person looking, sizes, parties, days."""

from __future__ import annotations

import contextlib
import datetime as dt

from django import template
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.standing import scope_for
from cases.choices import Party
from web.queries import persona_for

register = template.Library()


@register.simple_tag(takes_context=True)
def tracker_nav(context) -> list[dict]:
    """The main links for this person: their dashboards first, then settings (and the admin)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    persona = persona_for(user)
    links = []
    if persona.is_agency or persona.is_superuser:
        links += [
            {"url": reverse("web:dashboard"), "label": _("Dashboard")},
            {"url": reverse("web:cases"), "label": _("Cases")},
            {"url": reverse("web:calendar"), "label": _("Deadline calendar")},
            {"url": reverse("web:case_requests"), "label": _("Case requests")},
            {"url": reverse("web:reports"), "label": _("Reports")},
        ]
    if persona.is_agency_admin:
        links.append({"url": reverse("web:invite"), "label": _("Invite people")})
        links.append({"url": reverse("web:applicant_import"), "label": _("Import applicants")})
    if scope_for(user).admin_org_ids:
        # Webhooks and the team calendar: the organization's admins (issue 14).
        links.append({"url": reverse("web:integrations"), "label": _("Integrations")})
    if persona.is_agency or persona.is_employer or persona.is_superuser:
        links.append({"url": reverse("web:notices"), "label": _("Notices (補正通知)")})
    if persona.is_agency or persona.is_superuser:
        links.append({"url": reverse("web:clients"), "label": _("Clients")})
        links.append({"url": reverse("web:item_templates"), "label": _("Templates")})
    if persona.is_agency or persona.is_employer or persona.is_superuser:
        # Employer members add their employees (accounts.standing.check_can_add_applicant).
        links.append({"url": reverse("web:applicant_list"), "label": _("Applicants")})
    if persona.is_employer:
        links.append({"url": reverse("web:hr"), "label": _("Our employees' cases")})
        links.append({"url": reverse("web:hr_reports"), "label": _("Employee reports")})
    if persona.is_applicant:
        links.append({"url": reverse("web:applicant"), "label": _("My cases")})
    # The alerts pages belong to the notifications app, mounted by tracker/urls.py.
    with contextlib.suppress(NoReverseMatch):
        links.append({"url": reverse("notifications:alerts"), "label": _("Alerts")})
    links.append({"url": reverse("account_settings"), "label": _("Settings")})
    if _uses_admin(request):
        links.append({"url": reverse("admin:index"), "label": _("Admin")})
    return links


def _uses_admin(request) -> bool:
    """Staff with something to do there (is_staff alone opens an empty index): superusers, and
    staff to whom the admin lists at least one model."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(
        user.get_all_permissions() and admin.site.get_app_list(request)
    )


@register.filter
def person(user) -> str:
    """Who did something: their name, else their login; "the system" for a command or task."""
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


@register.filter
def kb(size: int | None) -> str:
    """Bytes as the platform counts them (KB, rounded up), e.g. 812 KB."""
    if size is None:
        return ""
    return f"{-(-size // 1024):,} KB"


@register.filter
def minutes(delta: dt.timedelta | None) -> int:
    if not delta:
        return 0
    return max(1, round(delta.total_seconds() / 60))


@register.filter
def party_label(code: str) -> str:
    try:
        return str(Party(code).label)
    except ValueError:
        return code


@register.filter
def days_phrase(days: int) -> str:
    """'3 days left', 'due today', '2 days overdue'."""
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


@register.filter
def days_class(days: int) -> str:
    if days < 0:
        return "overdue"
    if days <= 3:
        return "due-soon"
    return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("cases/_section_messages.html", takes_context=True)
def feedback(context, *parts) -> dict:
    """The messages of one part of a page, shown beside the control that caused them (views tag
    them with web.feedback.at(...)); `{% feedback "" %}` shows the untagged ones. The part's id
    doubles as the anchor the page returns to."""
    section = "-".join(str(part) for part in parts if part != "")
    mine = [m for m in context.get("messages") or () if (m.extra_tags or "") == section]
    return {"section_messages": mine, "section": section}
