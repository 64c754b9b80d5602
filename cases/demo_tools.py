"""Building blocks of the demo data (cases/demo*.py): a legible PDF standing in for a scan, a
case walked along its lifecycle, a supplement due on an exact day. Built through the services."""

from __future__ import annotations

import datetime as dt
import io
from collections import deque

from PIL import Image, ImageDraw

from cases import lifecycle, services
from cases.choices import CaseStatus
from cases.models import Case


def pdf(title: str, pages: int = 1) -> bytes:
    """A small real PDF with legible text, standing in for a scan."""
    images = []
    for page in range(pages):
        image = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(image)
        draw.text((40, 40), f"{title} - page {page + 1}", fill="black")
        draw.rectangle((40, 80, 580, 820), outline="black")
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()


def path_to(status: str) -> list[str]:
    """The shortest lifecycle path from draft to a status."""
    queue = deque([[CaseStatus.DRAFT.value]])
    seen = {CaseStatus.DRAFT.value}
    while queue:
        path = queue.popleft()
        if path[-1] == status:
            return path[1:]
        for nxt in lifecycle.allowed_next(path[-1]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    raise ValueError(status)


def walk(case: Case, status: str, actor, start: dt.date) -> None:
    for offset, step in enumerate(path_to(status)):
        services.case_transition(
            case=case, actor=actor, status=step, happened_on=start + dt.timedelta(days=offset * 7)
        )


def supplement_due(case: Case, actor, *, due: dt.date, rule: str, **details):
    """A supplement whose deadline is exactly `due`: the rule's own count where a notice date gives
    it, otherwise the date printed in the notice (an override, as staff would record it)."""
    approx = {"30d": 30, "15d": 15, "6m": 183, "3m": 91}[rule]
    for back in range(approx - 10, approx + 10):
        notice = due - dt.timedelta(days=back)
        proposed = services.propose_deadline(notice_date=notice, rule=rule)
        if proposed is not None and proposed.last_day == due:
            return services.supplement_create(
                case=case, actor=actor, notice_date=notice, rule=rule, **details
            )
    return services.supplement_create(
        case=case,
        actor=actor,
        notice_date=due - dt.timedelta(days=approx),
        rule=rule,
        deadline_override=due,
        override_reason="Date printed in the notice",
        **details,
    )
