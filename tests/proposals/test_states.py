"""The lifecycle table, walked pair by pair. Pure: no app."""

from __future__ import annotations

import itertools

import pytest

from portal.proposals.states import (
    EDIT_STEPS,
    OPEN_STATES,
    TRANSITIONS,
    ProposalState,
    Step,
    TransitionRefused,
    allowed_steps,
    next_state,
)

ALL_PAIRS = list(itertools.product(ProposalState, Step))


@pytest.mark.parametrize(("state", "step"), ALL_PAIRS, ids=[f"{s.value}-{t.value}" for s, t in ALL_PAIRS])
def test_every_pair_is_either_allowed_or_refused_with_a_message(state: ProposalState, step: Step) -> None:
    if (state, step) in TRANSITIONS:
        assert next_state(state, step) is TRANSITIONS[(state, step)]
    else:
        with pytest.raises(TransitionRefused) as refusal:
            next_state(state, step)
        message = str(refusal.value)
        assert state.label.lower() in message
        assert "cannot" in message


def test_every_state_is_reachable_from_draft() -> None:
    reached, frontier = {ProposalState.DRAFT}, [ProposalState.DRAFT]
    while frontier:
        current = frontier.pop()
        for step in allowed_steps(current):
            target = next_state(current, step)
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(ProposalState)


def test_final_states_allow_nothing() -> None:
    assert not allowed_steps(ProposalState.WITHDRAWN)
    assert not allowed_steps(ProposalState.CLOSED)


def test_withdraw_is_possible_from_every_open_state_and_only_there() -> None:
    assert OPEN_STATES == {
        ProposalState.DRAFT,
        ProposalState.SUBMITTED,
        ProposalState.SCREENED,
        ProposalState.IN_REVIEW,
        ProposalState.REVISIONS_REQUESTED,
        ProposalState.AWAITING_DECISION,
    }


def test_every_editable_state_has_a_versioning_step_in_the_table() -> None:
    for state, step in EDIT_STEPS.items():
        assert (state, step) in TRANSITIONS


def test_refusal_names_what_is_possible() -> None:
    with pytest.raises(TransitionRefused, match="From here you can: submit, withdraw"):
        next_state(ProposalState.DRAFT, Step.DECIDE)
