"""The case lifecycle (domain.md "Lifecycle"): which status may follow which, and who holds the case.

Draft → submitted → payment → NIA information check → WDA / competent authority qualification review
→ passport inspection → NIA final review → approved → card ready → collected; or refused (appeal),
or withdrawn. A supplement request can interrupt any review stage and return the case to it.
"""

from __future__ import annotations

from cases.choices import CaseStatus as S
from cases.choices import HoldingBody as H

# The stages a supplement request can interrupt, and to which its submission returns the case.
REVIEW_STAGES = {
    S.NIA_INITIAL_REVIEW,
    S.QUALIFICATION_REVIEW,
    S.PASSPORT_INSPECTION,
    S.NIA_FINAL_REVIEW,
}

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.PAYMENT_PENDING, S.NIA_INITIAL_REVIEW, S.WITHDRAWN}),
    S.PAYMENT_PENDING: frozenset({S.NIA_INITIAL_REVIEW, S.WITHDRAWN}),
    S.NIA_INITIAL_REVIEW: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.QUALIFICATION_REVIEW, S.REFUSED, S.WITHDRAWN}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset(REVIEW_STAGES | {S.REFUSED, S.WITHDRAWN}),
    S.QUALIFICATION_REVIEW: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.PASSPORT_INSPECTION, S.NIA_FINAL_REVIEW, S.REFUSED, S.WITHDRAWN}
    ),
    S.PASSPORT_INSPECTION: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.NIA_FINAL_REVIEW, S.REFUSED, S.WITHDRAWN}
    ),
    S.NIA_FINAL_REVIEW: frozenset({S.SUPPLEMENT_REQUESTED, S.APPROVED, S.REFUSED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.CARD_READY}),
    S.CARD_READY: frozenset({S.COLLECTED}),
    S.COLLECTED: frozenset(),
    S.REFUSED: frozenset({S.APPEAL_FILED}),
    S.APPEAL_FILED: frozenset({S.APPROVED, S.REFUSED, S.NIA_FINAL_REVIEW}),
    S.WITHDRAWN: frozenset(),
}

# Who usually holds the case in each status; staff can say otherwise when recording a change.
DEFAULT_HOLDER: dict[str, str] = {
    S.DRAFT: H.APPLICANT_SIDE,
    S.SUBMITTED: H.NIA,
    S.PAYMENT_PENDING: H.APPLICANT_SIDE,
    S.NIA_INITIAL_REVIEW: H.NIA,
    S.SUPPLEMENT_REQUESTED: H.APPLICANT_SIDE,
    S.QUALIFICATION_REVIEW: H.WDA,
    S.PASSPORT_INSPECTION: H.BOCA,
    S.NIA_FINAL_REVIEW: H.NIA,
    S.APPROVED: H.NIA,
    S.CARD_READY: H.NIA,
    S.COLLECTED: H.APPLICANT_SIDE,
    S.REFUSED: H.NIA,
    S.APPEAL_FILED: H.APPEAL_BODY,
    S.WITHDRAWN: H.APPLICANT_SIDE,
}

TERMINAL = frozenset(status for status, nexts in TRANSITIONS.items() if not nexts)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_next(current: str) -> list[str]:
    """The statuses that may follow, in the lifecycle's own order."""
    nexts = TRANSITIONS.get(current, frozenset())
    return [status for status in S.values if status in nexts]
