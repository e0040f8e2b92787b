"""Loading the facts conflicts are derived from, and the SQL form of "not conflicted"."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, not_, or_, select

from portal.auth.models import User
from portal.auth.viewer import Viewer, viewer_of
from portal.conflicts.models import ConflictDeclaration
from portal.conflicts.rules import ProposalFacts, conflict_reasons
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalMember

# Built once: an alias is a mapped entity whose column expressions SQLAlchemy derives on first use, and deriving
# them on every request cost ~0.7 ms per list page (bench.dashboard, B1); one alias serves every statement.
_PI = db.aliased(User)


def proposal_facts(proposal: Proposal) -> ProposalFacts:
    declared: dict[int, tuple[str, ...]] = {}
    for row in db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.proposal_id == proposal.id)):
        declared[row.user_id] = (*declared.get(row.user_id, ()), row.reason)
    return ProposalFacts(
        pi_id=proposal.pi_id,
        pi_department_id=proposal.pi.department_id,
        team_ids=frozenset(m.user_id for m in proposal.members),
        declared=declared,
    )


def reasons_for(user: User, proposal: Proposal) -> list[str]:
    return conflict_reasons(user.id, user.department_id, proposal_facts(proposal))


def is_conflicted(user: User, proposal: Proposal) -> bool:
    return bool(reasons_for(user, proposal))


def on_team(viewer: Viewer) -> ColumnElement[bool]:
    """The viewer is the proposal's PI or on its team."""
    return or_(
        Proposal.pi_id == viewer.id,
        Proposal.id.in_(select(ProposalMember.proposal_id).where(ProposalMember.user_id == viewer.id)),
    )


def not_conflicted(viewer: Viewer) -> ColumnElement[bool]:
    """The same rule as rules.conflict_reasons, for filtering proposals in SQL. A viewer without a department
    clashes with none: their NULL department equals no PI's."""
    pi = _PI
    same_department = exists(select(pi.id).where(pi.id == Proposal.pi_id, pi.department_id == viewer.department_id))
    declared = exists(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.proposal_id == Proposal.id, ConflictDeclaration.user_id == viewer.id
        )
    )
    return not_(or_(on_team(viewer), same_department, declared))


def not_conflicted_clause(user: User) -> ColumnElement[bool]:
    return not_conflicted(viewer_of(user))
