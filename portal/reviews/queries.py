"""Read paths for reviewer assignments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.auth.models import User
from portal.auth.viewer import ANY_VIEWER, viewer_parameters
from portal.committees.models import Committee
from portal.conflicts.queries import not_conflicted
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion
from portal.reviews.models import ACTIVE, SUBMITTED, Assignment, Review, parse_assessments
from portal.routing.models import ProposalCommittee


def routed_committees(proposal_id: int) -> list[Committee]:
    """The committees the proposal was sent to at triage, with their members, by name."""
    return list(
        db.session.scalars(
            select(Committee)
            .join(ProposalCommittee, ProposalCommittee.committee_id == Committee.id)
            .options(selectinload(Committee.members))
            .where(ProposalCommittee.proposal_id == proposal_id)
            .order_by(Committee.name)
        )
    )


def assignments_for(proposal_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .options(joinedload(Assignment.reviewer), joinedload(Assignment.version))
            .where(Assignment.proposal_id == proposal_id)
            .order_by(Assignment.id)
        )
    )


def active_loads(user_ids: Iterable[int]) -> dict[int, int]:
    """How many active assignments each person has, on any proposal; one statement."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Assignment.reviewer_id, func.count())
        .where(Assignment.reviewer_id.in_(ids), Assignment.state == ACTIVE)
        .group_by(Assignment.reviewer_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class MyAssignment:
    assignment_id: int
    proposal_id: int
    title: str
    committee: str
    version: int
    due_on: date
    review_state: str | None  # "draft", "submitted", or None before the first save


@cache
def _my_assignments_statement() -> Select:
    return (
        select(
            Assignment.id, Proposal.id, Proposal.title, Committee.name, ProposalVersion.number, Assignment.due_on,
            Review.state,
        )
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .join(Committee, Committee.id == Assignment.committee_id)
        .join(ProposalVersion, ProposalVersion.id == Assignment.version_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.reviewer_id == ANY_VIEWER.id,
            Assignment.state == ACTIVE,
            ProposalVersion.number == Proposal.version_count,
            not_conflicted(ANY_VIEWER),
        )
        .order_by(Assignment.due_on, Assignment.id)
    )


def my_assignments(user: User) -> list[MyAssignment]:
    """The user's active assignments on the latest version of proposals they are not conflicted with, soonest
    due first. One statement, however many assignments."""
    rows = db.session.execute(_my_assignments_statement(), viewer_parameters(user))
    return [MyAssignment(*row) for row in rows]


def controverted_issues(proposal_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per proposal, the criteria on which a submitted review of its latest version disagreed with the
    screen (for meeting minutes). Three statements, however many proposals."""
    from portal.reviews.rules import criterion_items, disagreements
    from portal.screenings.queries import screenings_for_versions

    ids = sorted(set(proposal_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Review.proposal_id, Review.version_id, Review.assessments)
        .join(ProposalVersion, ProposalVersion.id == Review.version_id)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Review.proposal_id.in_(ids), Review.state == SUBMITTED, ProposalVersion.number == Proposal.version_count)
        .order_by(Review.id)
    ).all()
    screenings = screenings_for_versions(sorted({row.version_id for row in rows}))
    found: dict[int, list[str]] = {}
    for proposal_id in ids:
        mine = [row for row in rows if row.proposal_id == proposal_id]
        if mine:
            items = criterion_items(screenings.get(mine[0].version_id, []))
            maps = [parse_assessments(row.assessments) for row in mine]
            found[proposal_id] = disagreements(items, maps)
    return found


def assignments_with_reviews(proposal_id: int) -> list[Assignment]:
    """Every assignment of the proposal with its reviewer, version and review: one statement."""
    return list(
        db.session.scalars(
            select(Assignment)
            .options(joinedload(Assignment.reviewer), joinedload(Assignment.version), joinedload(Assignment.review))
            .where(Assignment.proposal_id == proposal_id)
            .order_by(Assignment.version_id.desc(), Assignment.committee_id, Assignment.id)
        ).unique()
    )


def previous_review(assignment: Assignment) -> Review | None:
    """The reviewer's latest review of an earlier version for the same committee: the starting point of a
    review of a resubmitted version."""
    return db.session.scalar(
        select(Review)
        .join(ProposalVersion, ProposalVersion.id == Review.version_id)
        .where(
            Review.proposal_id == assignment.proposal_id,
            Review.committee_id == assignment.committee_id,
            Review.reviewer_id == assignment.reviewer_id,
            Review.version_id != assignment.version_id,
        )
        .order_by(ProposalVersion.number.desc())
        .limit(1)
    )
