"""Who may do what with a proposal. Pure predicates over loaded objects; deny by default.

queries.visible_proposals_clause() states the same visibility rule as SQL, for lists and counts;
a test checks the two agree for every seeded user and proposal.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.conflicts.rules import ProposalFacts, conflict_reasons
from portal.proposals.states import EDIT_STEPS, OPEN_STATES, ProposalState

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.proposals.models import Proposal

# Roles that see every submitted (non-draft) proposal of their own institution.
INSTITUTION_READERS = (Role.COORDINATOR, Role.CHAIR)


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_on_team(user: User, proposal: Proposal) -> bool:
    return proposal.pi_id == user.id or any(m.user_id == user.id for m in proposal.members)


def conflict_facts(proposal: Proposal) -> ProposalFacts:
    declared: dict[int, tuple[str, ...]] = {}
    for declaration in proposal.conflict_declarations:
        declared[declaration.user_id] = (*declared.get(declaration.user_id, ()), declaration.reason)
    return ProposalFacts(pi_id=proposal.pi_id, pi_department_id=proposal.pi.department_id,
                         team_ids=frozenset(m.user_id for m in proposal.members), declared=declared)


def is_conflicted(user: User, proposal: Proposal) -> bool:
    """A conflict beats every role: chair, coordinator and admin included."""
    return bool(conflict_reasons(user.id, user.department_id, conflict_facts(proposal)))


def is_assigned_reviewer(user: User, proposal: Proposal) -> bool:
    """An active review assignment (reviews.models adds `review_assignments` to Proposal)."""
    return any(a.reviewer_id == user.id and a.state == "active" for a in getattr(proposal, "review_assignments", ()))


def is_routed_committee_member(user: User, proposal: Proposal, today: date | None = None) -> bool:
    """A current member of a committee the proposal was routed to at triage (routing.models adds `routes`):
    the committee reads what it will decide on."""
    day = today or utcnow().date()
    return any(
        m.user_id == user.id and m.active_on(day)
        for route in getattr(proposal, "routes", ())
        for m in route.committee.members
    )


def can_create_proposal(user: User | None) -> bool:
    return _active(user) and user.has_role(Role.INVESTIGATOR)


def can_view_proposal(user: User | None, proposal: Proposal) -> bool:
    if not _active(user):
        return False
    if is_on_team(user, proposal):
        return True
    institution_reader = (
        user.institution_id == proposal.institution_id
        and user.has_role(*INSTITUTION_READERS)
        and proposal.state_enum is not ProposalState.DRAFT
    )
    reader = institution_reader or is_assigned_reviewer(user, proposal) or is_routed_committee_member(user, proposal)
    return reader and not is_conflicted(user, proposal)


def can_edit_proposal(user: User | None, proposal: Proposal) -> bool:
    return _active(user) and is_on_team(user, proposal) and proposal.state_enum in EDIT_STEPS


def can_manage_team(user: User | None, proposal: Proposal) -> bool:
    if not can_edit_proposal(user, proposal):
        return False
    return proposal.pi_id == user.id or any(m.user_id == user.id and m.role == "preparer" for m in proposal.members)


def can_submit_proposal(user: User | None, proposal: Proposal) -> bool:
    return _active(user) and proposal.pi_id == user.id and proposal.state_enum in EDIT_STEPS


def can_withdraw_proposal(user: User | None, proposal: Proposal) -> bool:
    return _active(user) and proposal.pi_id == user.id and proposal.state_enum in OPEN_STATES
