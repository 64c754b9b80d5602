"""Taiwan deadline engine: count a supplement period and explain the count (pure, no Django)."""

from cases.deadlines.engine import (
    TAIPEI,
    DeadlineResult,
    Rule,
    Step,
    TaiwanCalendar,
    compute_deadline,
    parse_rule,
)

__all__ = [
    "TAIPEI",
    "DeadlineResult",
    "Rule",
    "Step",
    "TaiwanCalendar",
    "compute_deadline",
    "parse_rule",
]
