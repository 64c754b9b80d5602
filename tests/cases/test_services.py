"""The write services (cases.services): deadlines, rounds, the case lifecycle, readiness kept on the
row, optimistic versions, who-did-it history, and the freeze after submission (送出)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cases import services
from cases.choices import (
    CaseStatus,
    DeadlineRule,
    ItemKind,
    ItemState,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementOutcome,
    SupplementState,
)
from cases.errors import (
    InvalidInput,
    InvalidTransition,
    NotReady,
    StaleVersion,
    SupplementClosed,
    SupplementLocked,
)
from cases.models import (
    Case,
    CaseStatusChange,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from tests.cases.files import pdf_bytes

NOTICE = dt.date(2026, 1, 20)
# 30 days from 2026-01-20 is Thursday 2026-02-19, inside the Chinese New Year break: it rolls to
# Monday 2026-02-23 (the `deadline` command's contract example).
PROPOSED = dt.date(2026, 2, 23)


def create(world, case=None, **overrides):
    arguments = {
        "case": case or world.acme_case,
        "actor": world.agency_staff,
        "requesting_body": RequestingBody.NIA_INITIAL,
        "notice_date": NOTICE,
        "rule": DeadlineRule.DAYS_30,
    }
    return services.supplement_create(**(arguments | overrides))


def fresh(supplement: SupplementRequest) -> SupplementRequest:
    return SupplementRequest.objects.get(pk=supplement.pk)


def stored_files() -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def snapshot(supplement_pk: int) -> dict:
    """Everything a content change could touch, to compare before and after a refused write."""
    return {
        "supplement": SupplementRequest.objects.filter(pk=supplement_pk).values().get(),
        "comments": list(ReviewerComment.objects.filter(supplement_id=supplement_pk).values()),
        "items": list(RequestedItem.objects.filter(supplement_id=supplement_pk).values()),
        "documents": list(Document.objects.filter(supplement_id=supplement_pk).values()),
        "history": [
            model.history.count()
            for model in (SupplementRequest, ReviewerComment, RequestedItem, Document)
        ],
        "cases": list(Case.objects.values()),
        "status_changes": CaseStatusChange.objects.count(),
        "files": stored_files(),
    }


# --- Creating a supplement ------------------------------------------------------------------------
def test_create_computes_the_deadline_and_moves_the_case(world):
    supplement = create(world)

    row = fresh(supplement)
    assert row.round == 1
    assert row.rule == "30d"
    assert row.proposed_deadline == PROPOSED
    assert row.deadline_override is None
    assert row.deadline == PROPOSED
    assert row.state == SupplementState.OPEN
    assert row.version == 1
    assert row.is_ready is False
    assert row.missing == [{"code": "reply_empty", "params": {}}]

    case = Case.objects.get(pk=world.acme_case.pk)
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED
    assert case.holding_body == "applicant_side"
    assert list(
        CaseStatusChange.objects.filter(case=case)
        .order_by("id")
        .values_list("from_status", "status", "holding_body", "happened_on", "note", "recorded_by")
    ) == [
        (
            "",
            "nia_initial_review",
            "nia",
            timezone.localdate(),
            "Case created",
            world.agency_staff.pk,
        ),
        (
            "nia_initial_review",
            "supplement_requested",
            "applicant_side",
            NOTICE,
            "Supplement requested",
            world.agency_staff.pk,
        ),
    ]


def test_rounds_count_per_case(world):
    first = create(world)
    second = create(world, notice_date=dt.date(2026, 3, 2))
    elsewhere = create(world, case=world.globex_case)

    assert (first.round, second.round, elsewhere.round) == (1, 2, 1)
    # The case was already waiting on a supplement: round 2 adds no status change.
    assert list(
        CaseStatusChange.objects.filter(case=world.acme_case)
        .order_by("id")
        .values_list("status", flat=True)
    ) == ["nia_initial_review", "supplement_requested"]


def test_override_at_creation_is_the_deadline_and_keeps_the_proposal(world):
    supplement = create(
        world, deadline_override=dt.date(2026, 2, 27), override_reason="  Notice prints 2/27  "
    )

    row = fresh(supplement)
    assert row.proposed_deadline == PROPOSED
    assert row.deadline_override == dt.date(2026, 2, 27)
    assert row.deadline == dt.date(2026, 2, 27)
    assert row.override_reason == "Notice prints 2/27"


def test_custom_rule_needs_the_notice_date(world):
    with pytest.raises(InvalidInput) as refused:
        create(world, rule=DeadlineRule.CUSTOM)

    assert refused.value.code == "invalid"
    assert refused.value.params == {"field": "deadline_override"}
    assert SupplementRequest.objects.count() == 0
    assert Case.objects.get(pk=world.acme_case.pk).status == "nia_initial_review"


def test_custom_rule_with_its_date(world):
    supplement = create(world, rule=DeadlineRule.CUSTOM, deadline_override=dt.date(2026, 3, 10))

    row = fresh(supplement)
    assert row.proposed_deadline is None
    assert row.deadline == dt.date(2026, 3, 10)
    assert row.override_reason == "Date printed in the notice"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline_override": dt.date(2026, 3, 1), "override_reason": "  "}, "override_reason"),
        ({"deadline_override": dt.date(2026, 1, 19), "override_reason": "typo"}, "deadline"),
        (
            {"rule": DeadlineRule.CUSTOM, "deadline_override": dt.date(2026, 1, 19)},
            "deadline",
        ),
        ({"rule": "45d"}, "rule"),
    ],
)
def test_create_refusals_create_nothing(world, overrides, field):
    before = snapshot_world()

    with pytest.raises(InvalidInput) as refused:
        create(world, **overrides)

    assert refused.value.params == {"field": field}
    assert snapshot_world() == before


def snapshot_world() -> dict:
    return {
        "supplements": SupplementRequest.objects.count(),
        "cases": list(Case.objects.values()),
        "status_changes": CaseStatusChange.objects.count(),
    }


def test_deadline_on_the_notice_day_is_accepted(world):
    supplement = create(
        world, deadline_override=NOTICE, override_reason="Notice asks for the same day"
    )

    assert fresh(supplement).deadline == NOTICE


# --- Overriding the deadline ----------------------------------------------------------------------
def test_override_moves_the_deadline_and_clearing_restores_the_proposal(world):
    supplement = create(world)

    services.supplement_override_deadline(
        supplement=supplement, actor=world.agency_admin, deadline=dt.date(2026, 3, 2), reason="x"
    )
    row = fresh(supplement)
    assert (row.deadline_override, row.override_reason, row.deadline, row.proposed_deadline) == (
        dt.date(2026, 3, 2),
        "x",
        dt.date(2026, 3, 2),
        PROPOSED,
    )
    assert row.version == 2

    services.supplement_override_deadline(
        supplement=supplement, actor=world.agency_admin, deadline=None
    )
    row = fresh(supplement)
    assert (row.deadline_override, row.override_reason, row.deadline) == (None, "", PROPOSED)
    assert row.version == 3


@pytest.mark.parametrize(
    ("deadline", "reason", "field"),
    [
        (dt.date(2026, 3, 2), "", "reason"),
        (dt.date(2026, 3, 2), "   ", "reason"),
        (dt.date(2026, 1, 19), "notice says so", "deadline"),
    ],
)
def test_override_refusals_change_nothing(world, deadline, reason, field):
    supplement = create(world)
    before = snapshot(supplement.pk)

    with pytest.raises(InvalidInput) as refused:
        services.supplement_override_deadline(
            supplement=supplement, actor=world.agency_staff, deadline=deadline, reason=reason
        )

    assert refused.value.params == {"field": field}
    assert snapshot(supplement.pk) == before


def test_a_custom_rule_cannot_lose_its_date(world):
    supplement = create(world, rule=DeadlineRule.CUSTOM, deadline_override=dt.date(2026, 3, 10))
    before = snapshot(supplement.pk)

    with pytest.raises(InvalidInput) as refused:
        services.supplement_override_deadline(
            supplement=supplement, actor=world.agency_staff, deadline=None
        )

    assert refused.value.params == {"field": "deadline"}
    assert snapshot(supplement.pk) == before


# --- Readiness kept on the row --------------------------------------------------------------------
def missing_codes(supplement) -> list[tuple[str, dict]]:
    row = fresh(supplement)
    assert row.is_ready is (row.missing == [])
    return [(entry["code"], entry["params"]) for entry in row.missing]


def test_readiness_on_the_row_follows_every_change(world):
    staff = world.agency_staff
    supplement = create(world)
    assert missing_codes(supplement) == [("reply_empty", {})]

    comment = services.comment_add(
        supplement=supplement, actor=staff, tab=PlatformTab.BASIC, text="英文姓名與護照不符"
    )
    assert missing_codes(supplement) == [
        ("comment_unresolved", {"tab": "basic"}),
        ("reply_empty", {}),
    ]

    passport = services.item_add(
        supplement=supplement,
        actor=staff,
        kind=ItemKind.DOCUMENT,
        description="Passport data page",
        waits_on=Party.APPLICANT,
    )
    correction = services.item_add(
        supplement=supplement,
        actor=staff,
        kind=ItemKind.CORRECTION,
        description="English given name",
        comment=comment,
    )
    assert missing_codes(supplement) == [
        ("comment_unresolved", {"tab": "basic"}),
        ("document_missing", {"item": "Passport data page"}),
        ("correction_pending", {"item": "English given name"}),
        ("reply_empty", {}),
    ]

    services.comment_resolve(comment=comment, actor=staff, corrected_value="PRIYA")
    services.item_set_state(item=correction, actor=staff, state=ItemState.DONE)
    assert missing_codes(supplement) == [
        ("document_missing", {"item": "Passport data page"}),
        ("reply_empty", {}),
    ]

    # A document item is only done by an approved document: marking it done by hand is refused.
    with pytest.raises(InvalidInput):
        services.item_set_state(item=passport, actor=staff, state=ItemState.DONE)
    assert missing_codes(supplement) == [
        ("document_missing", {"item": "Passport data page"}),
        ("reply_empty", {}),
    ]

    document = services.document_add(
        supplement=supplement,
        actor=staff,
        data=pdf_bytes("passport"),
        name="passport.pdf",
        item=passport,
    )
    assert missing_codes(supplement) == [
        ("document_unapproved", {"item": "Passport data page"}),
        ("reply_empty", {}),
    ]
    services.document_approve(document=document, actor=staff)
    assert missing_codes(supplement) == [("reply_empty", {})]

    services.supplement_set_reply(supplement=supplement, actor=staff, reply="  已更正，謝謝。 ")
    assert missing_codes(supplement) == []
    assert fresh(supplement).reply == "已更正，謝謝。"

    # Reopening the comment reopens the correction linked to it: one fact, once.
    services.comment_reopen(comment=comment, actor=staff)
    assert missing_codes(supplement) == [
        ("comment_unresolved", {"tab": "basic"}),
        ("correction_pending", {"item": "English given name"}),
    ]


def test_readiness_counts_the_upload_set(world):
    staff = world.agency_staff
    supplement = create(world)
    services.supplement_set_reply(supplement=supplement, actor=staff, reply="ok")
    documents = [
        services.document_add(
            supplement=supplement, actor=staff, data=pdf_bytes(f"file {n}"), name=f"f{n}.pdf"
        )
        for n in range(1, 6)
    ]
    assert missing_codes(supplement) == []

    services.document_add(supplement=supplement, actor=staff, data=pdf_bytes("six"), name="f6.pdf")
    assert missing_codes(supplement) == [("too_many_files", {"count": 6, "limit": 5})]

    services.document_remove(document=documents[0], actor=staff)
    assert missing_codes(supplement) == []


# --- Submitting -----------------------------------------------------------------------------------
def test_submit_refuses_when_not_ready_and_changes_nothing(world):
    supplement = create(world)
    services.comment_add(
        supplement=supplement, actor=world.agency_staff, tab=PlatformTab.PASSPORT, text="效期不足"
    )
    before = snapshot(supplement.pk)

    with pytest.raises(NotReady) as refused:
        services.supplement_submit(supplement=supplement, actor=world.agency_staff)

    assert refused.value.code == "supplement_not_ready"
    assert refused.value.status == 409
    assert refused.value.params == {
        "missing": [
            {"code": "comment_unresolved", "params": {"tab": "passport"}},
            {"code": "reply_empty", "params": {}},
        ]
    }
    assert snapshot(supplement.pk) == before


def test_submit_with_force_records_who_and_when(world):
    supplement = create(world)
    when = dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC)

    services.supplement_submit(
        supplement=supplement, actor=world.agency_admin, submitted_at=when, force=True
    )

    row = fresh(supplement)
    assert (row.state, row.submitted_at, row.submitted_by) == (
        "submitted",
        when,
        world.agency_admin,
    )
    assert row.is_ready is False


@pytest.fixture
def submitted(world):
    """A ready supplement with a comment, two items and a document, then submitted (送出)."""
    staff = world.agency_staff
    supplement = create(world)
    comment = services.comment_add(
        supplement=supplement, actor=staff, tab=PlatformTab.BASIC, text="請更正英文名字"
    )
    correction = services.item_add(
        supplement=supplement,
        actor=staff,
        kind=ItemKind.CORRECTION,
        description="English given name",
        comment=comment,
    )
    passport = services.item_add(
        supplement=supplement, actor=staff, kind=ItemKind.DOCUMENT, description="Passport page"
    )
    document = services.document_add(
        supplement=supplement, actor=staff, data=pdf_bytes("passport"), name="p.pdf", item=passport
    )
    document = services.document_approve(document=document, actor=staff)
    services.comment_resolve(comment=comment, actor=staff, corrected_value="PRIYA")
    services.item_set_state(item=correction, actor=staff, state=ItemState.DONE)
    services.supplement_set_reply(supplement=supplement, actor=staff, reply="已更正")
    supplement = services.supplement_submit(supplement=supplement, actor=staff)
    assert supplement.state == "submitted"
    return {
        "supplement": supplement,
        "comment": comment,
        "item": correction,
        "passport": passport,
        "document": document,
        "actor": staff,
    }


CONTENT_CHANGES = {
    "override_deadline": lambda s: services.supplement_override_deadline(
        supplement=s["supplement"], actor=s["actor"], deadline=dt.date(2026, 3, 2), reason="x"
    ),
    "clear_override": lambda s: services.supplement_override_deadline(
        supplement=s["supplement"], actor=s["actor"], deadline=None
    ),
    "set_reply": lambda s: services.supplement_set_reply(
        supplement=s["supplement"], actor=s["actor"], reply="changed"
    ),
    "set_reply_current_version": lambda s: services.supplement_set_reply(
        supplement=s["supplement"],
        actor=s["actor"],
        reply="changed",
        expected_version=fresh(s["supplement"]).reply_version,
    ),
    "comment_add": lambda s: services.comment_add(
        supplement=s["supplement"], actor=s["actor"], tab=PlatformTab.VISA, text="late"
    ),
    "comment_resolve": lambda s: services.comment_resolve(
        comment=s["comment"], actor=s["actor"], resolution="again"
    ),
    "comment_reopen": lambda s: services.comment_reopen(comment=s["comment"], actor=s["actor"]),
    "item_add": lambda s: services.item_add(
        supplement=s["supplement"], actor=s["actor"], kind=ItemKind.DOCUMENT, description="late"
    ),
    "item_set_state": lambda s: services.item_set_state(
        item=s["item"], actor=s["actor"], state=ItemState.PENDING
    ),
    "document_add": lambda s: services.document_add(
        supplement=s["supplement"], actor=s["actor"], data=pdf_bytes("late"), name="late.pdf"
    ),
    "document_remove": lambda s: services.document_remove(document=s["document"], actor=s["actor"]),
    "withdraw": lambda s: services.supplement_withdraw(
        supplement=s["supplement"], actor=s["actor"]
    ),
    "submit_again": lambda s: services.supplement_submit(
        supplement=s["supplement"], actor=s["actor"], force=True
    ),
}


@pytest.mark.parametrize("change", CONTENT_CHANGES)
def test_a_submitted_supplement_is_frozen(submitted, change):
    before = snapshot(submitted["supplement"].pk)
    assert len(before["files"]) == 1

    with pytest.raises(SupplementLocked) as refused:
        CONTENT_CHANGES[change](submitted)

    assert refused.value.code == "supplement_submitted"
    assert refused.value.status == 409
    assert snapshot(submitted["supplement"].pk) == before


def test_outcome_and_assignee_still_change_after_submission(world, submitted):
    supplement = submitted["supplement"]

    services.supplement_record_outcome(
        supplement=supplement, actor=world.agency_admin, outcome=SupplementOutcome.ACCEPTED
    )
    services.supplement_assign(
        supplement=supplement, actor=world.agency_admin, assignee=world.agency_admin
    )

    row = fresh(supplement)
    assert (row.outcome, row.assignee, row.state) == ("accepted", world.agency_admin, "submitted")
    assert row.outcome_recorded_at is not None
    assert row.reply == "已更正"
    history = row.history.order_by("-history_id")[:2]
    assert [(h.assignee_id, h.outcome, h.history_user) for h in history] == [
        (world.agency_admin.pk, "accepted", world.agency_admin),
        (None, "accepted", world.agency_admin),
    ]


def test_outcome_refused_before_submission_and_for_unknown_values(world, submitted):
    open_one = create(world, case=world.globex_case)
    with pytest.raises(InvalidInput) as early:
        services.supplement_record_outcome(
            supplement=open_one, actor=world.agency_staff, outcome="accepted"
        )
    with pytest.raises(InvalidInput) as unknown:
        services.supplement_record_outcome(
            supplement=submitted["supplement"], actor=world.agency_staff, outcome="maybe"
        )

    assert early.value.params == unknown.value.params == {"field": "outcome"}
    assert fresh(open_one).outcome == "pending"
    assert fresh(submitted["supplement"]).outcome == "pending"


def test_a_withdrawn_supplement_is_closed(world):
    supplement = create(world)
    services.supplement_withdraw(supplement=supplement, actor=world.agency_staff)
    before = snapshot(supplement.pk)

    with pytest.raises(SupplementClosed) as refused:
        services.supplement_set_reply(supplement=supplement, actor=world.agency_staff, reply="x")

    assert (refused.value.code, refused.value.status) == ("supplement_closed", 409)
    assert fresh(supplement).state == "withdrawn"
    assert snapshot(supplement.pk) == before


# --- Optimistic versions --------------------------------------------------------------------------
def test_expected_version(world):
    supplement = create(world)
    services.supplement_set_reply(
        supplement=supplement, actor=world.agency_staff, reply="first", expected_version=1
    )
    before = snapshot(supplement.pk)

    with pytest.raises(StaleVersion) as refused:
        services.supplement_set_reply(
            supplement=supplement, actor=world.agency_admin, reply="second", expected_version=1
        )

    assert (refused.value.code, refused.value.status) == ("stale_version", 409)
    assert refused.value.params["current_version"] == 2
    assert refused.value.params["current"] == "first"
    assert refused.value.params["changed_by"] == (
        world.agency_staff.get_full_name() or world.agency_staff.get_username()
    )
    assert snapshot(supplement.pk) == before
    assert (fresh(supplement).reply, fresh(supplement).reply_version) == ("first", 2)


def test_items_and_comments_carry_their_own_versions(world):
    supplement = create(world)
    comment = services.comment_add(
        supplement=supplement, actor=world.agency_staff, tab=PlatformTab.BASIC, text="意見"
    )
    # A correction answering no comment: its state is set by hand (linked items follow their
    # answer, cases.readiness_facts.linked_state).
    item = services.item_add(
        supplement=supplement, actor=world.agency_staff, kind="correction", description="Name"
    )
    services.item_set_state(item=item, actor=world.agency_admin, state="done", expected_version=1)

    with pytest.raises(StaleVersion):
        services.item_set_state(
            item=item, actor=world.agency_staff, state="not_needed", expected_version=1
        )
    # The item's change left the comment's version alone: resolving it on version 1 works.
    services.comment_resolve(
        comment=comment, actor=world.agency_staff, resolution="ok", expected_version=1
    )
    item.refresh_from_db()
    comment.refresh_from_db()
    assert (item.state, item.version, comment.version) == ("done", 2, 2)


def test_every_content_change_bumps_the_version(world):
    staff = world.agency_staff
    supplement = create(world)
    versions = [fresh(supplement).version]
    comment = services.comment_add(supplement=supplement, actor=staff, tab="basic", text="t")
    versions.append(fresh(supplement).version)
    item = services.item_add(supplement=supplement, actor=staff, kind="correction", description="d")
    versions.append(fresh(supplement).version)
    services.comment_resolve(comment=comment, actor=staff, resolution="r")
    versions.append(fresh(supplement).version)
    services.comment_reopen(comment=comment, actor=staff)
    versions.append(fresh(supplement).version)
    services.item_set_state(item=item, actor=staff, state="done")
    versions.append(fresh(supplement).version)
    services.supplement_set_reply(supplement=supplement, actor=staff, reply="r")
    versions.append(fresh(supplement).version)

    assert versions == [1, 2, 3, 4, 5, 6, 7]


# --- The case lifecycle ---------------------------------------------------------------------------
def test_transition_records_the_row_with_the_holding_body(world):
    case = world.acme_case

    change = services.case_transition(
        case=case, actor=world.agency_admin, status="qualification_review", happened_on=NOTICE
    )
    services.case_transition(
        case=case,
        actor=world.agency_admin,
        status="passport_inspection",
        happened_on=dt.date(2026, 2, 1),
        holding_body="mission",
        note="Overseas inspection",
    )

    assert (change.from_status, change.status, change.holding_body, change.happened_on) == (
        "nia_initial_review",
        "qualification_review",
        "wda",
        NOTICE,
    )
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.holding_body) == ("passport_inspection", "mission")
    assert list(
        CaseStatusChange.objects.filter(case=case)
        .order_by("id")
        .values_list("from_status", "status", "holding_body", "note", "recorded_by")
    )[1:] == [
        ("nia_initial_review", "qualification_review", "wda", "", world.agency_admin.pk),
        (
            "qualification_review",
            "passport_inspection",
            "mission",
            "Overseas inspection",
            world.agency_admin.pk,
        ),
    ]
    assert row.history.latest().history_user == world.agency_admin


def test_a_full_path_from_draft_to_collected(world):
    case = services.case_create(
        actor=world.agency_staff,
        applicant=world.priya,
        kind="extension",
        channel="agency",
        agency=world.agency,
        applied_on=dt.date(2026, 1, 5),
    )
    path = [
        "submitted",
        "payment_pending",
        "nia_initial_review",
        "qualification_review",
        "passport_inspection",
        "nia_final_review",
        "approved",
        "card_ready",
        "collected",
    ]
    for step in path:
        services.case_transition(case=case, actor=world.agency_staff, status=step)

    assert list(
        CaseStatusChange.objects.filter(case=case).values_list(
            "from_status", "status", "holding_body"
        )
    ) == [
        ("", "draft", "applicant_side"),
        ("draft", "submitted", "nia"),
        ("submitted", "payment_pending", "applicant_side"),
        ("payment_pending", "nia_initial_review", "nia"),
        ("nia_initial_review", "qualification_review", "wda"),
        ("qualification_review", "passport_inspection", "boca"),
        ("passport_inspection", "nia_final_review", "nia"),
        ("nia_final_review", "approved", "nia"),
        ("approved", "card_ready", "nia"),
        ("card_ready", "collected", "applicant_side"),
    ]


def test_invalid_transition_is_refused_with_the_allowed_list(world):
    before = (list(Case.objects.values()), CaseStatusChange.objects.count(), Case.history.count())

    with pytest.raises(InvalidTransition) as refused:
        services.case_transition(case=world.acme_case, actor=world.agency_staff, status="approved")

    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
    assert refused.value.params == {
        "current": "nia_initial_review",
        "target": "approved",
        "allowed": ["supplement_requested", "qualification_review", "refused", "withdrawn"],
    }
    assert refused.value.message == (
        "A case cannot go from “NIA information check (移民署初審)” to “Approved (核准)”."
    )
    assert (
        list(Case.objects.values()),
        CaseStatusChange.objects.count(),
        Case.history.count(),
    ) == before


def test_no_way_out_of_a_terminal_status(world):
    services.case_transition(case=world.acme_case, actor=world.agency_staff, status="withdrawn")

    with pytest.raises(InvalidTransition) as refused:
        services.case_transition(
            case=world.acme_case, actor=world.agency_staff, status="nia_initial_review"
        )

    assert refused.value.params["allowed"] == []


# --- Who did it: the change history ---------------------------------------------------------------
def test_history_records_the_actor_of_each_change(world):
    staff, admin = world.agency_staff, world.agency_admin
    supplement = create(world)
    comment = services.comment_add(supplement=supplement, actor=admin, tab="field", text="請補件")
    item = services.item_add(supplement=supplement, actor=staff, kind="correction", description="d")
    services.item_set_state(item=item, actor=admin, state="done")
    services.comment_resolve(comment=comment, actor=staff, resolution="done")
    services.supplement_set_reply(supplement=supplement, actor=admin, reply="r")
    services.supplement_override_deadline(
        supplement=supplement, actor=staff, deadline=dt.date(2026, 3, 2), reason="printed"
    )
    services.supplement_submit(supplement=supplement, actor=admin)

    rows = list(
        SupplementRequest.history.filter(id=supplement.pk)
        .order_by("history_id")
        .values_list("history_type", "history_user", "version", "reply", "state")
    )
    assert rows == [
        ("+", staff.pk, 1, "", "open"),
        ("~", admin.pk, 2, "", "open"),  # comment added
        ("~", staff.pk, 3, "", "open"),  # item added
        ("~", admin.pk, 4, "", "open"),  # item done
        ("~", staff.pk, 5, "", "open"),  # comment resolved
        ("~", admin.pk, 6, "r", "open"),
        ("~", staff.pk, 7, "r", "open"),
        ("~", admin.pk, 7, "r", "submitted"),
    ]
    assert list(
        ReviewerComment.history.filter(id=comment.pk)
        .order_by("history_id")
        .values_list("history_type", "history_user")
    ) == [("+", admin.pk), ("~", staff.pk)]
    assert list(
        RequestedItem.history.filter(id=item.pk)
        .order_by("history_id")
        .values_list("history_type", "history_user", "state")
    ) == [("+", staff.pk, "pending"), ("~", admin.pk, "done")]
    case_history = Case.history.filter(id=world.acme_case.pk).order_by("history_id")
    assert [(h.status, h.history_user) for h in case_history] == [
        ("nia_initial_review", staff),
        ("supplement_requested", staff),
        ("nia_initial_review", admin),  # the submission returns the case to its review stage
    ]


def test_document_history_records_the_uploader(world, django_capture_on_commit_callbacks):
    supplement = create(world)
    document = services.document_add(
        supplement=supplement, actor=world.hr_acme, data=pdf_bytes("cert"), name="cert.pdf"
    )
    document_pk = document.pk
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=document, actor=world.agency_admin)

    assert not Document.objects.filter(pk=document_pk).exists()
    assert list(
        Document.history.filter(id=document_pk)
        .order_by("history_id")
        .values_list("history_type", "history_user", "uploaded_by")
    ) == [("+", world.hr_acme.pk, world.hr_acme.pk), ("-", world.agency_admin.pk, world.hr_acme.pk)]
    assert stored_files() == []


def test_comment_and_item_refusals(world):
    supplement = create(world, case=world.globex_case)
    other = create(world)
    foreign_comment = services.comment_add(
        supplement=other, actor=world.agency_staff, tab="basic", text="x"
    )
    before = snapshot(supplement.pk)

    refusals = {}
    for name, call in {
        "unknown_tab": lambda: services.comment_add(
            supplement=supplement, actor=world.agency_staff, tab="photos", text="x"
        ),
        "empty_comment": lambda: services.comment_add(
            supplement=supplement, actor=world.agency_staff, tab="basic", text="  "
        ),
        "unknown_kind": lambda: services.item_add(
            supplement=supplement, actor=world.agency_staff, kind="photo", description="x"
        ),
        "empty_item": lambda: services.item_add(
            supplement=supplement, actor=world.agency_staff, kind="document", description=" "
        ),
        "foreign_comment": lambda: services.item_add(
            supplement=supplement,
            actor=world.agency_staff,
            kind="document",
            description="x",
            comment=foreign_comment,
        ),
        "empty_resolution": lambda: services.comment_resolve(
            comment=foreign_comment, actor=world.agency_staff
        ),
    }.items():
        with pytest.raises(InvalidInput) as refused:
            call()
        refusals[name] = refused.value.params["field"]

    assert refusals == {
        "unknown_tab": "tab",
        "empty_comment": "text",
        "unknown_kind": "kind",
        "empty_item": "description",
        "foreign_comment": "comment",
        "empty_resolution": "resolution",
    }
    assert snapshot(supplement.pk) == before
    assert ReviewerComment.objects.get(pk=foreign_comment.pk).resolved_at is None
