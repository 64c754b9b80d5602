"""The admin's "Supplements needing attention" page: open supplements in triage order, scoped (the
same query, cases.selectors, feeds the "Needs attention" panel of the staff dashboard)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cases import clock
from cases.clock import taipei_today
from cases.readiness import Readiness
from cases.selectors import supplements_needing_attention


def attention_view(site):
    def view(request):
        today = taipei_today()
        page = Paginator(
            supplements_needing_attention(user=request.user, today=today), 100
        ).get_page(request.GET.get("page"))
        rows = [
            {
                "supplement": supplement,
                "days_left": clock.days_left(supplement.deadline, today),
                "overdue": (today - supplement.deadline).days,
                "readiness": Readiness.from_stored(supplement.missing),
            }
            for supplement in page
        ]
        context = {
            **site.each_context(request),
            "title": _("Supplements needing attention"),
            "rows": rows,
            "page_obj": page,
            "today": today,
        }
        return TemplateResponse(request, "admin/supplements_attention.html", context)

    return view
