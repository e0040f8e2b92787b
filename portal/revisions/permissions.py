"""Who may ask for revisions and who answers them. A conflict beats every role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.proposals.permissions import is_on_team
from portal.proposals.states import ProposalState
from portal.reviews.permissions import can_manage_review

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.proposals.models import Proposal


def can_request_revisions(user: User | None, proposal: Proposal) -> bool:
    """The acting chair of a routed committee or a coordinator of the institution, not conflicted."""
    return can_manage_review(user, proposal)


def can_answer_revisions(user: User | None, proposal: Proposal) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and is_on_team(user, proposal)
        and proposal.state_enum is ProposalState.REVISIONS_REQUESTED
    )
