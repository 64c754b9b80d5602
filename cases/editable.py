"""Which fields of each entity may change after creation, declared once: the services refuse
anything else, and the API serializers, the page forms and the admin offer exactly these
(tests/cases/test_editable.py holds the explicitly declared serializers and forms to them)."""

from __future__ import annotations

# A case's details. The status moves only through case_transition; the parties (applicant,
# agency, employer, channel) never change after creation, since they decide who sees the case.
# Ordered as the API lists them.
CASE_EDITABLE_FIELDS: tuple[str, ...] = (
    "kind",
    "field",
    "application_number",
    "applied_on",
    "applying_from",
    "collection_station",
    "validity_years",
    "card_valid_from",
    "card_valid_to",
    "previous_case",
    "internal_notes",
)

# A supplement through supplement_update: the reply (content, frozen once submitted) and the
# assignee (not content).
SUPPLEMENT_EDITABLE_FIELDS: tuple[str, ...] = ("reply", "assignee")

# What an operator changes on a supplement in the admin (everything else is the workspace's,
# through the services): while open, the assignee and the deadline printed in the notice
# (supplement_override_deadline); once submitted (送出), who follows it up and the outcome.
SUPPLEMENT_ADMIN_EDITABLE_OPEN: frozenset[str] = frozenset(
    {"assignee", "deadline_override", "override_reason"}
)
SUPPLEMENT_EDITABLE_AFTER_SUBMISSION: frozenset[str] = frozenset({"assignee", "outcome"})

# A reviewer comment is resolved with a corrected value and/or a resolution (comment_resolve).
COMMENT_RESOLUTION_FIELDS: tuple[str, ...] = ("corrected_value", "resolution")

# A requested item changes only its state (item_set_state).
ITEM_EDITABLE_FIELDS: tuple[str, ...] = ("state",)
