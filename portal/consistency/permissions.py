"""Who sees possible inconsistencies: the people who read the reviews (coordinators of the institution and the
routed committees' members), never a conflicted person and never the investigators: a finding is a pointer for a
reviewer, not a verdict, and shown to the team it would read as one (or as a guide to rewording)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.proposals.permissions import is_conflicted, is_on_team
from portal.reviews.permissions import can_read_reviews

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee
    from portal.proposals.models import Proposal


def can_see_inconsistencies(user: User | None, proposal: Proposal, routed: list[Committee]) -> bool:
    return bool(proposal.version_count) and can_read_reviews(user, proposal, routed)


def can_request_check(user: User | None, proposal: Proposal) -> bool:
    """Run the check again (after the criteria's indicators changed, or with the semantic matcher installed): a
    coordinator of the proposal's institution who is neither conflicted nor on its team."""
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active
        and proposal.version_count
        and user.has_role(Role.COORDINATOR) and user.institution_id == proposal.institution_id
        and not is_conflicted(user, proposal) and not is_on_team(user, proposal)
    )
