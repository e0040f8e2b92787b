"""Who may assign reviewers. A conflict beats every role; the deputy acts only for a conflicted chair.

Unlike the pure predicates of proposals.permissions, can_assign loads the proposal's routed committees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.proposals.permissions import is_conflicted
from portal.proposals.states import ProposalState

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee
    from portal.proposals.models import Proposal


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def acting_chair_id(committee: Committee, proposal: Proposal) -> int | None:
    """The committee's chair, or its deputy when the chair is conflicted (or there is no chair)."""
    chair = next((m for m in committee.members if m.role == MemberRole.CHAIR.value), None)
    if chair is not None and not is_conflicted(chair.user, proposal):
        return chair.user_id
    return committee.deputy_id


def assignable_committees(user: User | None, proposal: Proposal, routed: list[Committee]) -> list[Committee]:
    """Of the committees the proposal was routed to, those whose reviewers the user may assign."""
    if not _active(user) or proposal.state_enum is not ProposalState.IN_REVIEW or is_conflicted(user, proposal):
        return []
    if user.has_role(Role.COORDINATOR) and user.institution_id == proposal.institution_id:
        return list(routed)
    return [c for c in routed if acting_chair_id(c, proposal) == user.id]


def can_assign(user: User | None, proposal: Proposal) -> bool:
    from portal.reviews.queries import routed_committees

    if not _active(user) or proposal.state_enum is not ProposalState.IN_REVIEW:
        return False
    return bool(assignable_committees(user, proposal, routed_committees(proposal.id)))
