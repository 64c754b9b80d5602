"""The reports page's charts as geometry for server-side SVG (templates cases/_report_charts.html).

Hand-written rather than a charting library: the charts are four simple shapes (stacked bars
across and up, a ring, paired bars), a JavaScript library would need a script and inline styles
the CSP forbids, and Python SVG libraries (pygal, matplotlib) bring far more than this needs
and their own fonts and styles. Colours come from classes in reports.css, so print and the
high-contrast settings style them too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from web.report_export import count_labels

# The parts a group's supplements split into, in the order they are stacked.
PARTS = ("submitted_on_time", "submitted_late", "open", "withdrawn")


def part_labels() -> dict[str, str]:
    labels = count_labels()  # the export's column names: one wording for both
    return {part: labels[part] for part in PARTS}


@dataclass
class Segment:
    part: str
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment] = field(default_factory=list)
    # Where the bar's label and total are written.
    label_x: float = 0
    label_y: float = 0
    total_x: float = 0
    total_y: float = 0


def _scale(rows: list[dict[str, Any]]) -> int:
    return max((sum(row[part] for part in PARTS) for row in rows), default=0) or 1


def columns(rows: list[dict[str, Any]], *, width: int = 640, height: int = 220) -> dict:
    """Stacked columns, one per row (the months), bottom up in PARTS order."""
    labels = part_labels()
    top, bottom = 18, 28
    plot = height - top - bottom
    peak = _scale(rows)
    slot = width / max(len(rows), 1)
    bar_width = min(48.0, slot * 0.7)
    bars = []
    for index, row in enumerate(rows):
        x = index * slot + (slot - bar_width) / 2
        y = float(top + plot)
        bar = Bar(label=row["label"], total=sum(row[part] for part in PARTS))
        for part in PARTS:
            size = plot * row[part] / peak
            if row[part]:
                y -= size
                bar.segments.append(Segment(part, labels[part], row[part], x, y, bar_width, size))
        bar.label_x = bar.total_x = x + bar_width / 2
        bar.label_y = height - 10
        bar.total_y = y - 4
        bars.append(bar)
    return {"width": width, "height": height, "bars": bars, "baseline": top + plot}


def rows_across(
    rows: list[dict[str, Any]], *, width: int = 640, label_width: int = 230, row_height: int = 26
) -> dict:
    """Stacked bars across, one per row (bodies, fields), left to right in PARTS order."""
    labels = part_labels()
    plot = width - label_width - 40
    peak = _scale(rows)
    bars = []
    for index, row in enumerate(rows):
        y = index * row_height + 4
        x = float(label_width)
        bar = Bar(label=row["label"], total=sum(row[part] for part in PARTS))
        for part in PARTS:
            if row[part]:
                size = plot * row[part] / peak
                bar.segments.append(
                    Segment(part, labels[part], row[part], x, y, size, row_height - 8)
                )
                x += size
        bar.label_x, bar.label_y = label_width - 6, y + row_height / 2
        bar.total_x, bar.total_y = x + 4, y + row_height / 2
        bars.append(bar)
    return {"width": width, "height": max(len(rows), 1) * row_height + 8, "bars": bars}


def ring(rate: float | None, *, radius: int = 52) -> dict:
    """The on-time rate as a ring: the on-time arc drawn with stroke-dasharray (an attribute, not
    a style, so the CSP allows it)."""
    circumference = 2 * math.pi * radius
    share = rate or 0.0
    return {
        "radius": radius,
        "size": 2 * radius + 24,
        "centre": radius + 12,
        "on_time": round(circumference * share, 2),
        "rest": round(circumference * (1 - share), 2),
        "circumference": round(circumference, 2),
        "percent": None if rate is None else round(rate * 100),
    }


def spreads(figures: dict[str, Any], *, width: int = 640, label_width: int = 230) -> dict:
    """Median and 90th percentile of the days to file and to the outcome, as paired bars."""
    measures = [
        (_("Notice to submission"), figures["days_to_file"]),
        (_("Submission to outcome"), figures["days_to_outcome"]),
    ]
    peak = max((v or 0 for _label, s in measures for v in s.values()), default=0) or 1
    plot = width - label_width - 60
    rows = []
    for index, (label, spread) in enumerate(measures):
        y = index * 58 + 6
        bars = []
        for offset, (key, name) in enumerate((("median", _("median")), ("p90", _("90th pct.")))):
            value = spread[key]
            size = plot * (value or 0) / peak
            bars.append(
                {
                    "key": key,
                    "name": name,
                    "value": value,
                    "x": label_width,
                    "y": y + offset * 24,
                    "width": size,
                    "height": 18,
                    "text_x": label_width + size + 4,
                    "text_y": y + offset * 24 + 13,
                }
            )
        rows.append({"label": label, "label_y": y + 22, "bars": bars})
    return {"width": width, "height": 2 * 58 + 8, "label_x": label_width - 6, "rows": rows}
