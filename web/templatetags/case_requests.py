"""Case request panels for pages other views render: the agency dashboard's "waiting" panel and
the HR portal's form and list. As tags, so those views need not know of case requests."""

from __future__ import annotations

from django import template

from cases.models import CaseRequestState
from web.case_request_forms import CaseRequestForm
from web.case_requests import requests_for
from web.queries import persona_for

register = template.Library()

PANEL_SIZE = 5


@register.inclusion_tag("cases/_case_requests_panel.html", takes_context=True)
def case_requests_panel(context) -> dict:
    """The agency's waiting requests: a count and the first few."""
    user = context["request"].user
    persona = persona_for(user)
    if not (persona.is_agency or persona.is_superuser):
        return {"show": False}
    waiting = requests_for(user).filter(state=CaseRequestState.WAITING)
    return {"show": True, "count": waiting.count(), "rows": list(waiting[:PANEL_SIZE])}


@register.inclusion_tag("cases/_hr_case_requests.html", takes_context=True)
def hr_case_requests(context) -> dict:
    """The HR portal's "Ask an agency for a case" form and "Your case requests" list."""
    request = context["request"]
    return {
        "form": CaseRequestForm(user=request.user),
        "rows": list(requests_for(request.user)),
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
    }
