"""The case lifecycle (cases.lifecycle) as a pure graph: reachability, terminal statuses, supplement
interruptions and who holds the case in each status."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from cases.choices import CaseStatus, HoldingBody
from cases.lifecycle import DEFAULT_HOLDER, TERMINAL, TRANSITIONS, allowed_next, can_transition

REVIEW_STAGES = [
    "nia_initial_review",
    "qualification_review",
    "passport_inspection",
    "nia_final_review",
]


def reachable_from(start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in TRANSITIONS[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_the_graph_covers_exactly_the_statuses():
    assert set(TRANSITIONS) == set(CaseStatus.values)
    assert set().union(*TRANSITIONS.values()) <= set(CaseStatus.values)


def test_every_status_is_reachable_from_draft():
    assert reachable_from("draft") == set(CaseStatus.values)


def test_terminal_statuses():
    assert {"collected", "withdrawn"} == TERMINAL
    # A refusal is not the end: it may be appealed, and an appeal may succeed or send the case back.
    assert allowed_next("refused") == ["appeal_filed"]
    assert allowed_next("appeal_filed") == ["nia_final_review", "approved", "refused"]


def test_every_status_can_reach_an_end():
    for status in CaseStatus.values:
        assert reachable_from(status) & TERMINAL, status


@pytest.mark.parametrize("stage", REVIEW_STAGES)
def test_a_supplement_interrupts_every_review_stage_and_returns(stage):
    assert can_transition(stage, "supplement_requested") is True
    assert can_transition("supplement_requested", stage) is True


def test_supplements_interrupt_only_review_stages():
    interrupted = {s for s, nexts in TRANSITIONS.items() if "supplement_requested" in nexts}
    assert interrupted == set(REVIEW_STAGES)
    assert allowed_next("supplement_requested") == [*REVIEW_STAGES, "refused", "withdrawn"]


def test_withdrawal_is_possible_until_a_decision():
    may_withdraw = {s for s, nexts in TRANSITIONS.items() if "withdrawn" in nexts}
    assert may_withdraw == {
        "draft",
        "submitted",
        "payment_pending",
        "nia_initial_review",
        "supplement_requested",
        "qualification_review",
        "passport_inspection",
        "nia_final_review",
    }


def test_the_happy_path_is_a_chain_of_allowed_steps():
    path = [
        "draft",
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
    assert all(can_transition(a, b) for a, b in itertools.pairwise(path))
    # No skipping straight to approval from the information check.
    assert can_transition("nia_initial_review", "approved") is False
    assert can_transition("draft", "draft") is False


def test_default_holder_covers_every_status_with_a_real_body():
    assert set(DEFAULT_HOLDER) == set(CaseStatus.values)
    assert set(DEFAULT_HOLDER.values()) <= set(HoldingBody.values)
    assert DEFAULT_HOLDER["supplement_requested"] == "applicant_side"
    assert DEFAULT_HOLDER["qualification_review"] == "wda"
    assert DEFAULT_HOLDER["appeal_filed"] == "appeal_body"


def test_allowed_next_is_in_lifecycle_order_and_unknown_is_empty():
    assert allowed_next("nia_initial_review") == [
        "supplement_requested",
        "qualification_review",
        "refused",
        "withdrawn",
    ]
    assert allowed_next("collected") == []
    assert allowed_next("no-such-status") == []
    assert can_transition("no-such-status", "draft") is False
