"""Who hears of an event: a proposal's team, an institution's staff in a role, a committee's members. Each list is
one statement; `notify` then drops whoever the access policy keeps from the proposal."""

from __future__ import annotations

from sqlalchemy import or_, select

from portal.auth.models import User, UserRole
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.committees.models import CommitteeMember
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalMember


def team(proposal: Proposal) -> list[User]:
    """The PI and the team members."""
    members = select(ProposalMember.user_id).where(ProposalMember.proposal_id == proposal.id)
    return list(db.session.scalars(
        select(User).where(or_(User.id == proposal.pi_id, User.id.in_(members))).order_by(User.id)
    ))


def institution_staff(institution_id: int, *roles: Role) -> list[User]:
    holders = select(UserRole.user_id).where(UserRole.role.in_([role.value for role in roles]))
    return list(db.session.scalars(
        select(User)
        .where(User.institution_id == institution_id, User.status == AccountStatus.ACTIVE.value, User.id.in_(holders))
        .order_by(User.id)
    ))


def committee_members(committee_id: int) -> list[User]:
    """Members whose access has not ended."""
    today = utcnow().date()
    seats = select(CommitteeMember.user_id).where(
        CommitteeMember.committee_id == committee_id,
        or_(CommitteeMember.access_until.is_(None), CommitteeMember.access_until >= today),
    )
    return list(db.session.scalars(select(User).where(User.id.in_(seats)).order_by(User.id)))
