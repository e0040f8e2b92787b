"""Who decides, signs, reads records, and keeps the plan and clocks. A conflict beats every role; deny by default.

Predicates take loaded objects; those that need the committees a proposal was routed to load them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.proposals.permissions import can_view_proposal, is_conflicted, is_on_team
from portal.proposals.states import ProposalState
from portal.reports.permissions import is_cross_institution
from portal.reviews.permissions import acting_chair_id, managing_committees

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee
    from portal.decisions.models import Appeal, Condition, Decision, RegulatoryClock
    from portal.proposals.models import Proposal

CLOSED_STATES = (ProposalState.DECIDED, ProposalState.ACTIVE, ProposalState.CLOSED)


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _coordinator(user: User, proposal: Proposal) -> bool:
    return user.has_role(Role.COORDINATOR) and user.institution_id == proposal.institution_id


def deciding_committees(user: User | None, proposal: Proposal) -> list[Committee]:
    """The routed committees on whose behalf the user may record a decision (acting chair or coordinator)."""
    from portal.reviews.queries import routed_committees

    if not _active(user):
        return []
    return managing_committees(user, proposal, routed_committees(proposal.id))


def can_decide(user: User | None, proposal: Proposal) -> bool:
    return proposal.state_enum is ProposalState.AWAITING_DECISION and bool(deciding_committees(user, proposal))


def can_decide_administratively(user: User | None, proposal: Proposal) -> bool:
    """A proposal confirmed out of scope at triage (sent to no committee) is decided by a coordinator."""
    return (
        _active(user)
        and proposal.state_enum is ProposalState.AWAITING_DECISION
        and not getattr(proposal, "routes", ())
        and _coordinator(user, proposal)
        and not is_conflicted(user, proposal)
    )


def can_view_decision(user: User | None, decision: Decision) -> bool:
    """Whoever may see the proposal, and the institution's governance users; never a conflicted person."""
    if not _active(user):
        return False
    proposal = decision.proposal
    if can_view_proposal(user, proposal):
        return True
    governance = user.has_role(Role.GOVERNANCE) and user.institution_id == proposal.institution_id
    # A governance user scoped to several institutions reads aggregates only (portal.reports), never a decision.
    return governance and not is_cross_institution(user) and not is_conflicted(user, proposal)


def can_read_record(user: User | None, decision: Decision) -> bool:
    """The signed record (with the meeting, its vote and recusals) is for the committee, coordinators and
    governance; the investigators read the decision on its page."""
    return decision.final and can_view_decision(user, decision) and not is_on_team(user, decision.proposal)


def signer_role(user: User | None, decision: Decision) -> str | None:
    """What the user would sign as ("chair", "deputy chair", "member", "coordinator"), or None if they may not."""
    if not _active(user) or is_conflicted(user, decision.proposal):
        return None
    committee = decision.committee
    if committee is not None:
        today = utcnow().date()
        seat = next((m for m in committee.members if m.user_id == user.id and m.active_on(today)), None)
        if seat is not None and seat.votes:
            if acting_chair_id(committee, decision.proposal) == user.id:
                return "chair" if seat.role == MemberRole.CHAIR.value else "deputy chair"
            return "member"
    return "coordinator" if _coordinator(user, decision.proposal) else None


def can_sign(user: User | None, decision: Decision) -> bool:
    return (
        not decision.final
        and signer_role(user, decision) is not None
        and all(s.signer_id != user.id for s in decision.signatures)
    )


def can_correct(user: User | None, decision: Decision, superseded: bool) -> bool:
    """A correction is a new decision superseding a final one that nothing superseded yet."""
    if not decision.final or superseded or decision.proposal.state_enum not in CLOSED_STATES:
        return False
    if decision.committee is None:
        return _active(user) and _coordinator(user, decision.proposal) and not is_conflicted(user, decision.proposal)
    return any(c.id == decision.committee_id for c in deciding_committees(user, decision.proposal))


def can_submit_evidence(user: User | None, condition: Condition, proposal: Proposal) -> bool:
    if not _active(user) or condition.status == "verified":
        return False
    if condition.owner == "investigator":
        return is_on_team(user, proposal)
    return _coordinator(user, proposal) and not is_conflicted(user, proposal)


def can_review_evidence(user: User | None, proposal: Proposal) -> bool:
    return _active(user) and _coordinator(user, proposal) and not is_conflicted(user, proposal)


def can_complete_clock(user: User | None, clock: RegulatoryClock) -> bool:
    if not _active(user) or clock.completed_at is not None or clock.superseded_at is not None:
        return False
    if clock.owner == "investigator":
        return is_on_team(user, clock.proposal)
    return _coordinator(user, clock.proposal) and not is_conflicted(user, clock.proposal)


def can_appeal(user: User | None, decision: Decision, superseded: bool, pending: bool) -> bool:
    return _active(user) and decision.final and not superseded and not pending and decision.proposal.pi_id == user.id


def can_decide_appeal(user: User | None, appeal: Appeal) -> bool:
    proposal = appeal.decision.proposal
    return appeal.outcome == "pending" and can_review_evidence(user, proposal)
