"""Who may assign reviewers. A conflict beats every role; the deputy acts only for a conflicted chair.

Unlike the pure predicates of proposals.permissions, can_assign loads the proposal's routed committees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.proposals.permissions import is_conflicted, is_on_team
from portal.proposals.states import ProposalState
from portal.reviews.models import ACTIVE

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee
    from portal.proposals.models import Proposal
    from portal.reviews.models import Assignment, Review


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def acting_chair_id(committee: Committee, proposal: Proposal) -> int | None:
    """The committee's chair, or its deputy when the chair is conflicted (or there is no chair)."""
    chair = next((m for m in committee.members if m.role == MemberRole.CHAIR.value), None)
    if chair is not None and not is_conflicted(chair.user, proposal):
        return chair.user_id
    return committee.deputy_id


def managing_committees(user: User | None, proposal: Proposal, routed: list[Committee]) -> list[Committee]:
    """Of the committees the proposal was routed to, those the user acts for on this proposal: every one for a
    coordinator of its institution, else those whose acting chair the user is. None when conflicted."""
    if not _active(user) or is_conflicted(user, proposal):
        return []
    if user.has_role(Role.COORDINATOR) and user.institution_id == proposal.institution_id:
        return list(routed)
    return [c for c in routed if acting_chair_id(c, proposal) == user.id]


def assignable_committees(user: User | None, proposal: Proposal, routed: list[Committee]) -> list[Committee]:
    """Of the committees the proposal was routed to, those whose reviewers the user may assign."""
    if proposal.state_enum is not ProposalState.IN_REVIEW:
        return []
    return managing_committees(user, proposal, routed)


def can_assign(user: User | None, proposal: Proposal) -> bool:
    from portal.reviews.queries import routed_committees

    if not _active(user) or proposal.state_enum is not ProposalState.IN_REVIEW:
        return False
    return bool(assignable_committees(user, proposal, routed_committees(proposal.id)))


def can_manage_review(user: User | None, proposal: Proposal) -> bool:
    """Complete the review, request revisions: a coordinator or an acting chair, not conflicted."""
    from portal.reviews.queries import routed_committees

    if not _active(user) or proposal.state_enum not in (ProposalState.IN_REVIEW, ProposalState.AWAITING_DECISION):
        return False
    return bool(managing_committees(user, proposal, routed_committees(proposal.id)))


def can_write_review(user: User | None, assignment: Assignment) -> bool:
    """Only the assigned reviewer, while the assignment is active, and never when conflicted (checked on every
    request, so a conflict declared while the form is open takes effect on the next one)."""
    return (
        _active(user)
        and assignment.reviewer_id == user.id
        and assignment.state == ACTIVE
        and not is_conflicted(user, assignment.proposal)
    )


def can_read_reviews(user: User | None, proposal: Proposal, routed: list[Committee]) -> bool:
    """Coordinators of the institution and current members of a routed committee; never a conflicted person,
    never the investigators (they see only what a revision request releases)."""
    if not _active(user) or is_conflicted(user, proposal) or is_on_team(user, proposal):
        return False
    if user.has_role(Role.COORDINATOR) and user.institution_id == proposal.institution_id:
        return True
    today = utcnow().date()
    return any(m.user_id == user.id and m.active_on(today) for c in routed for m in c.members)


def visible_reviews(
    user: User | None, proposal: Proposal, routed: list[Committee], reviews: list[Review]
) -> list[Review]:
    """The reviews the user may read. Drafts only to their author; a reviewer who has not yet submitted their
    own review of a version sees no other review of it, so that nobody anchors on another's advice."""
    if not can_read_reviews(user, proposal, routed):
        return []
    unfinished = {
        a.version_id
        for a in getattr(proposal, "review_assignments", ())
        if a.reviewer_id == user.id and a.state == ACTIVE and (a.review is None or not a.review.submitted)
    }
    return [
        r for r in reviews if r.reviewer_id == user.id or (r.submitted and r.version_id not in unfinished)
    ]
