"""The employer HR portal (/hr/) and the applicant's view (/me/).

HR sees its employees' cases across every agency working them and what waits on HR, and uploads
employer documents; the applicant sees their own cases, what is asked of them in plain language,
and deadlines in Taipei time beside their own time zone. Neither sees agency-internal notes or
agency-only documents (the templates never show `internal_notes`; documents come through
cases.tenancy.visible_documents).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.models import Applicant
from cases.choices import Visibility
from cases.clock import days_left, taipei_today
from web import queries


@login_required
def hr_portal(request):
    persona = queries.persona_for(request.user)
    if not persona.is_employer:
        return redirect(persona.home)
    cases = list(queries.employer_cases(request.user))
    items = list(queries.employer_items(request.user))
    today = taipei_today()
    for case in cases:
        for supplement in case.open_supplements:
            supplement.days_left = days_left(supplement.deadline, today)
    for item in items:
        item.days_left = days_left(item.supplement.deadline, today)
    open_count = sum(len(case.open_supplements) for case in cases)
    context = {
        "cases": cases,
        "items": items,
        "open_count": open_count,
        "visibility_choices": [
            (Visibility.NO_APPLICANT, Visibility.NO_APPLICANT.label),
            (Visibility.ALL, Visibility.ALL.label),
        ],
        "agencies": sorted({case.agency.name for case in cases if case.agency}),
    }
    return render(request, "cases/hr.html", context)


@login_required
def applicant_view(request):
    persona = queries.persona_for(request.user)
    if not persona.is_applicant:
        return redirect(persona.home)
    applicant = Applicant.objects.get(user=request.user)
    zone = queries.zone_for(request.user, applicant)
    cases = list(queries.applicant_cases(request.user))
    for case in cases:
        for supplement in case.open_supplements:
            supplement.times = queries.deadline_times(supplement.deadline, zone)
    items = list(queries.applicant_items(request.user))
    today = taipei_today()
    for case in cases:
        for supplement in case.open_supplements:
            supplement.days_left = days_left(supplement.deadline, today)
    for item in items:
        item.days_left = days_left(item.supplement.deadline, today)
        item.times = queries.deadline_times(item.supplement.deadline, zone)
    context = {
        "applicant": applicant,
        "zone": zone,
        "cases": cases,
        "items": items,
        "email_warning": applicant.email_may_be_blocked,
    }
    return render(request, "cases/applicant.html", context)
