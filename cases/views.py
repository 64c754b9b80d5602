"""Pages. For now the home page: the open supplements this user may see, in triage order."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.readiness import Readiness
from cases.selectors import supplements_needing_attention, taipei_today


@login_required
def home(request):
    today = taipei_today()
    rows = [
        {
            "supplement": supplement,
            "days_left": (supplement.deadline - today).days,
            "readiness": Readiness.from_stored(supplement.missing),
        }
        for supplement in supplements_needing_attention(user=request.user, today=today)[:200]
    ]
    return render(request, "cases/home.html", {"rows": rows, "today": today})
