"""Document review states: uploaded → checked → approved, or rejected with a reason (pure rules).

- uploaded: stored after passing the content checks and the virus scan;
- checked: someone on the filing side looked at it and it is the right document;
- approved: the agency working the case approved it for filing;
- rejected: not usable (wrong document, unreadable, expired): it leaves the upload set and its
  requested item counts as missing again until a replacement arrives.

Who: whoever may manage the supplement can mark a document checked; approving and rejecting is the
agency's (or, on a case without an agency, the filing party's). `may_review` is the rule;
cases.tenancy.checks applies it to a user.
"""

from __future__ import annotations

from cases.choices import DocumentReview, Party

TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentReview.UPLOADED: frozenset(
        {DocumentReview.CHECKED, DocumentReview.APPROVED, DocumentReview.REJECTED}
    ),
    DocumentReview.CHECKED: frozenset({DocumentReview.APPROVED, DocumentReview.REJECTED}),
    DocumentReview.APPROVED: frozenset({DocumentReview.REJECTED}),
    # A rejection can be overturned after a second look.
    DocumentReview.REJECTED: frozenset({DocumentReview.CHECKED, DocumentReview.APPROVED}),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def may_review(*, party: str | None, manages: bool, case_has_agency: bool, target: str) -> bool:
    """`party` is the actor's side on the case (tenancy.party_for); `manages` whether they may
    manage the supplement (tenancy.can_manage_supplement)."""
    if party is None:
        return False
    if target == DocumentReview.CHECKED:
        return manages or party == Party.AGENCY
    if case_has_agency:
        return party == Party.AGENCY
    return manages
