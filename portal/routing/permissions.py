"""Who may triage. Pure predicates; a conflict beats the coordinator role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.proposals.permissions import is_conflicted
from portal.proposals.states import ProposalState

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.proposals.models import Proposal


def can_see_triage_queue(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(Role.COORDINATOR))


def can_triage(user: User | None, proposal: Proposal) -> bool:
    return (
        can_see_triage_queue(user)
        and user.institution_id == proposal.institution_id
        and proposal.state_enum is ProposalState.SCREENED
        and not is_conflicted(user, proposal)
    )
