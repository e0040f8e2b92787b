"""Read paths for proposals. Lists are filtered in SQL by the same rule as permissions.py."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import CommitteeMember
from portal.conflicts.queries import not_conflicted_clause
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalMember
from portal.proposals.permissions import INSTITUTION_READERS
from portal.proposals.states import ProposalState
from portal.reviews.models import ACTIVE, Assignment
from portal.routing.models import ProposalCommittee


def _on_team_clause(user: User) -> ColumnElement[bool]:
    return or_(
        Proposal.pi_id == user.id,
        Proposal.id.in_(select(ProposalMember.proposal_id).where(ProposalMember.user_id == user.id)),
    )


def visible_proposals_clause(user: User) -> ColumnElement[bool]:
    if not user.is_active:
        return false()
    on_team = _on_team_clause(user)
    assigned = Proposal.id.in_(
        select(Assignment.proposal_id).where(Assignment.reviewer_id == user.id, Assignment.state == ACTIVE)
    )
    today = utcnow().date()
    committee_member = Proposal.id.in_(
        select(ProposalCommittee.proposal_id)
        .join(CommitteeMember, CommitteeMember.committee_id == ProposalCommittee.committee_id)
        .where(
            CommitteeMember.user_id == user.id,
            or_(CommitteeMember.access_until.is_(None), CommitteeMember.access_until >= today),
        )
    )
    assigned = or_(assigned, committee_member)
    if not user.has_role(*INSTITUTION_READERS):
        return or_(on_team, and_(assigned, not_conflicted_clause(user)))
    institution_reader = and_(
        Proposal.institution_id == user.institution_id,
        Proposal.state != ProposalState.DRAFT.value,
    )
    return or_(on_team, and_(or_(institution_reader, assigned), not_conflicted_clause(user)))


def _listed() -> tuple:
    """Loader options of the dashboard's lists: the columns a row shows and the PI's name, nothing else (the
    proposal's texts, the PI's institution and roles were ~40% of the investigator's dashboard in bench.proposal_list,
    B2). Anything else raises rather than loading one row at a time."""
    return (
        load_only(Proposal.id, Proposal.title, Proposal.state, Proposal.version_count, Proposal.pi_id,
                  Proposal.updated_at, raiseload=True),
        joinedload(Proposal.pi).load_only(User.id, User.name, raiseload=True),
        joinedload(Proposal.pi).raiseload("*"),
    )


def my_proposals(user: User) -> list[Proposal]:
    """The investigator's own proposals (as PI or team member), newest activity first; one query."""
    stmt: Select = (
        select(Proposal)
        .options(*_listed())
        .where(_on_team_clause(user))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )
    return list(db.session.scalars(stmt))


def institution_queue(user: User, limit: int = 50) -> list[Proposal]:
    """Submitted proposals of the user's institution that the user may see."""
    stmt = (
        select(Proposal)
        .options(*_listed())
        .where(
            visible_proposals_clause(user),
            Proposal.institution_id == user.institution_id,
            Proposal.state != ProposalState.DRAFT.value,
        )
        .order_by(Proposal.updated_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def institution_state_counts(user: User) -> dict[str, int]:
    """Aggregate counts of the submitted proposals of the user's institution by state. Proposals the user is
    conflicted with are left out (their state is theirs to withhold), except the user's own."""
    stmt = (
        select(Proposal.state, func.count())
        .where(
            Proposal.institution_id == user.institution_id,
            Proposal.state != ProposalState.DRAFT.value,
            or_(_on_team_clause(user), not_conflicted_clause(user)),
        )
        .group_by(Proposal.state)
    )
    return dict(db.session.execute(stmt).all())
