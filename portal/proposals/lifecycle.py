"""The one writer of Proposal.state: it checks the transition table, stamps the times and says what moved.

It writes no audit event of its own. An operation that moves a proposal (submitting, triaging, deciding …)
records one event for everything it did, and puts the facts returned here into that event's data.
"""

from __future__ import annotations

from portal.clock import utcnow
from portal.errors import InvalidTransitionError
from portal.proposals.models import Proposal
from portal.proposals.states import ProposalState, Step, TransitionRefused, next_state


def require_step(proposal: Proposal, step: Step) -> ProposalState:
    """The state the step leads to; refused with the lifecycle's message when the step is not allowed now. An
    operation calls this before it writes anything, so a refusal leaves nothing behind."""
    try:
        return next_state(proposal.state_enum, step)
    except TransitionRefused as refusal:
        raise InvalidTransitionError(refusal.message, **refusal.params) from None


def change_state(proposal: Proposal, step: Step) -> dict[str, str]:
    """Take one step of the lifecycle; returns {"from": …, "to": …} for the caller's audit event."""
    before = proposal.state_enum
    after = require_step(proposal, step)
    proposal.state = after.value
    now = utcnow()
    proposal.updated_at = now
    if after is ProposalState.WITHDRAWN:
        proposal.withdrawn_at = now
    return {"from": before.value, "to": after.value}


def joined(moves: list[dict[str, str]]) -> dict[str, object]:
    """Several steps taken by one operation, as one fact: where it started, where it ended, through what."""
    return {"from": moves[0]["from"], "to": moves[-1]["to"], "through": [move["to"] for move in moves[:-1]]}
