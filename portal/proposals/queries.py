"""Read paths for proposals. Lists are filtered in SQL by the same rule as permissions.py."""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Row, Select, and_, false, func, or_, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.auth.viewer import ANY_VIEWER, Viewer, viewer_of, viewer_parameters
from portal.committees.models import CommitteeMember
from portal.conflicts.queries import not_conflicted, on_team
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.proposals.permissions import INSTITUTION_READERS
from portal.proposals.states import ProposalState
from portal.reviews.models import ACTIVE, Assignment
from portal.routing.models import ProposalCommittee


def visible(viewer: Viewer, *, institution_reader: bool) -> ColumnElement[bool]:
    """The SQL form of permissions.can_view_proposal for an active viewer: their team's proposals; unless
    conflicted, the ones they are assigned to or whose committee they sit on, and as an institution reader every
    submitted one of their institution."""
    assigned = Proposal.id.in_(
        select(Assignment.proposal_id).where(Assignment.reviewer_id == viewer.id, Assignment.state == ACTIVE)
    )
    committee_member = Proposal.id.in_(
        select(ProposalCommittee.proposal_id)
        .join(CommitteeMember, CommitteeMember.committee_id == ProposalCommittee.committee_id)
        .where(
            CommitteeMember.user_id == viewer.id,
            or_(CommitteeMember.access_until.is_(None), CommitteeMember.access_until >= viewer.today),
        )
    )
    reachable = or_(assigned, committee_member)
    if institution_reader:
        institution = and_(
            Proposal.institution_id == viewer.institution_id, Proposal.state != ProposalState.DRAFT.value
        )
        reachable = or_(institution, reachable)
    return or_(on_team(viewer), and_(reachable, not_conflicted(viewer)))


def visible_proposals_clause(user: User) -> ColumnElement[bool]:
    if not user.is_active:
        return false()
    return visible(viewer_of(user), institution_reader=user.has_role(*INSTITUTION_READERS))


# The dashboard's lists are rows of the columns they show (loading Proposal and User entities was ~1 ms of the
# committee queue's ~3, bench.dashboard B1). The PI's name comes through an alias of its own: the conflict rule's
# subquery has its own alias of User, which an outer join to it would correlate away.
_LISTED_PI = aliased(User, name="listed_pi")
LISTED_COLUMNS = (
    Proposal.id, Proposal.title, Proposal.state, Proposal.version_count, Proposal.pi_id, Proposal.updated_at,
    _LISTED_PI.name.label("pi_name"),
)
QUEUE_LENGTH = 50


@cache
def _my_proposals_statement() -> Select:
    return (
        select(*LISTED_COLUMNS)
        .join(_LISTED_PI, _LISTED_PI.id == Proposal.pi_id)
        .where(on_team(ANY_VIEWER))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )


def my_proposals(user: User) -> list[Row]:
    """The investigator's own proposals (as PI or team member), newest activity first; one statement."""
    return list(db.session.execute(_my_proposals_statement(), viewer_parameters(user)))


@cache
def _queue_statement(institution_reader: bool) -> Select:
    return (
        select(*LISTED_COLUMNS)
        .join(_LISTED_PI, _LISTED_PI.id == Proposal.pi_id)
        .where(
            visible(ANY_VIEWER, institution_reader=institution_reader),
            Proposal.institution_id == ANY_VIEWER.institution_id,
            Proposal.state != ProposalState.DRAFT.value,
        )
        .order_by(Proposal.updated_at.desc())
        .limit(QUEUE_LENGTH)
    )


def institution_queue(user: User) -> list[Row]:
    """Submitted proposals of the user's institution that the user may see, latest activity first (at most
    QUEUE_LENGTH); one statement."""
    if not user.is_active:
        return []
    statement = _queue_statement(user.has_role(*INSTITUTION_READERS))
    return list(db.session.execute(statement, viewer_parameters(user)))


@cache
def _state_counts_statement() -> Select:
    return (
        select(Proposal.state, func.count())
        .where(
            Proposal.institution_id == ANY_VIEWER.institution_id,
            Proposal.state != ProposalState.DRAFT.value,
            or_(on_team(ANY_VIEWER), not_conflicted(ANY_VIEWER)),
        )
        .group_by(Proposal.state)
    )


def institution_state_counts(user: User) -> dict[str, int]:
    """Aggregate counts of the submitted proposals of the user's institution by state. Proposals the user is
    conflicted with are left out (their state is theirs to withhold), except the user's own."""
    return dict(db.session.execute(_state_counts_statement(), viewer_parameters(user)).all())
