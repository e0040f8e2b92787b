"""The triage queue and the committees a version's screenings propose."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.committees.models import Committee
from portal.conflicts.queries import not_conflicted_clause
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.states import ProposalState
from portal.routing.models import ProposalCommittee
from portal.routing.rules import proposed_kinds
from portal.screenings.queries import screenings_for_versions


def institution_committees(institution_id: int) -> list[Committee]:
    return list(
        db.session.scalars(select(Committee).where(Committee.institution_id == institution_id).order_by(Committee.name))
    )


def proposed_committees(results: list[dict], committees: list[Committee]) -> tuple[list[Committee], dict]:
    kinds = proposed_kinds(results)
    return [c for c in committees if c.kind in kinds], kinds


def triage_queue(user: User) -> list[tuple[Proposal, list[dict]]]:
    """Screened proposals of the user's institution that the user is not conflicted with, oldest first, each
    with the screenings of its latest version. Three statements whatever the length of the queue."""
    proposals = list(
        db.session.scalars(
            select(Proposal)
            # The queue shows the PI's name only: their roles (User.role_rows, selectin by default) would be a
            # fifth statement (bench.queue, B10), so they are not loaded here and touching them raises.
            .options(selectinload(Proposal.versions), selectinload(Proposal.pi).raiseload(User.role_rows))
            .where(
                Proposal.institution_id == user.institution_id,
                Proposal.state == ProposalState.SCREENED.value,
                not_conflicted_clause(user),
            )
            .order_by(Proposal.updated_at)
        )
    )
    latest: dict[int, ProposalVersion] = {p.id: p.versions[-1] for p in proposals if p.versions}
    results = screenings_for_versions([v.id for v in latest.values()])
    return [(p, results.get(latest[p.id].id, [])) for p in proposals if p.id in latest]


def routes_of(proposal_id: int) -> list[ProposalCommittee]:
    return list(
        db.session.scalars(
            select(ProposalCommittee).where(ProposalCommittee.proposal_id == proposal_id).order_by(ProposalCommittee.id)
        )
    )
