"""Read paths for decisions: the facts a decision form needs, a proposal's decisions, and the clocks people owe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.auth.roles import Role
from portal.auth.viewer import ANY_VIEWER, Viewer, viewer_parameters
from portal.conflicts.queries import not_conflicted, not_conflicted_clause, on_team
from portal.decisions.models import Decision, RegulatoryClock
from portal.decisions.rules import DUE_SOON_DAYS, SetFacts
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.proposals.queries import visible_proposals_clause
from portal.reports.permissions import is_cross_institution
from portal.screenings.queries import screenings_for_version
from portal.screenings.registry import all_sets


def set_facts(proposal: Proposal) -> list[SetFacts]:
    """Each set the latest version was screened under, with the provisional outcome it recorded and the
    determinations the set (as loaded now) offers."""
    if not proposal.versions:
        return []
    loaded = all_sets()
    facts = []
    for result in screenings_for_version(proposal.versions[-1].id):
        current = loaded.get(result["set_id"])
        facts.append(
            SetFacts(
                set_id=result["set_id"],
                set_title=result["set_title"],
                set_version=current.version if current else result["set_version"],
                set_digest=current.digest if current else result["set_digest"],
                provisional_id=result["outcome"]["id"],
                provisional_title=result["outcome"]["title"],
                judgments=tuple((j["criterion"], j["question"]) for j in result.get("required_judgments", ())),
                determinations=current.determinations if current else (),
            )
        )
    return facts


def decisions_for(proposal_id: int) -> list[Decision]:
    """Every decision on the proposal, newest first, with signatures and conditions (three statements)."""
    return list(
        db.session.scalars(
            select(Decision).where(Decision.proposal_id == proposal_id).order_by(Decision.id.desc())
        )
    )


def visible_decisions_clause(user: User) -> ColumnElement[bool]:
    """The SQL form of permissions.can_view_decision, over decisions joined to their proposal: whoever may see the
    proposal, and the institution's governance users (one institution only), never a conflicted person."""
    seen = visible_proposals_clause(user)
    if user.is_active and user.has_role(Role.GOVERNANCE) and not is_cross_institution(user):
        seen = or_(seen, and_(Proposal.institution_id == user.institution_id, not_conflicted_clause(user)))
    return seen


def superseded_ids(proposal_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Decision.supersedes_id).where(
                Decision.proposal_id == proposal_id, Decision.supersedes_id.isnot(None)
            )
        )
    )


def pending_decision(proposal_id: int) -> Decision | None:
    return db.session.scalar(
        select(Decision).where(Decision.proposal_id == proposal_id, Decision.state == "awaiting_signatures")
    )


@dataclass(frozen=True)
class OwedClock:
    clock_id: int
    proposal_id: int
    proposal_title: str
    title: str
    owner: str
    due_on: date
    status: str


def _owed(viewer: Viewer, *, coordinator: bool) -> ColumnElement[bool]:
    """Clocks the user owes: as the proposal's team (investigator clocks) or as a coordinator of its institution
    (every other owner: the review office keeps them); never on a proposal the user is conflicted with."""
    owed = and_(on_team(viewer), RegulatoryClock.owner == "investigator")
    if coordinator:
        office = and_(
            Proposal.institution_id == viewer.institution_id,
            RegulatoryClock.owner != "investigator",
            not_conflicted(viewer),
        )
        owed = or_(owed, office)
    return owed


@cache
def _clocks_owed_statement(coordinator: bool) -> Select:
    return (
        select(RegulatoryClock, Proposal.title)
        .join(Proposal, Proposal.id == RegulatoryClock.proposal_id)
        .where(
            _owed(ANY_VIEWER, coordinator=coordinator),
            RegulatoryClock.completed_at.is_(None),
            RegulatoryClock.superseded_at.is_(None),
        )
        .order_by(RegulatoryClock.due_on, RegulatoryClock.id)
        .limit(bindparam("limit"))
    )


def clocks_owed(user: User, today: date, limit: int = 50) -> list[OwedClock]:
    """Open clocks the user owes, soonest first (overdue ones on top). One statement."""
    parameters = {**viewer_parameters(user), "limit": limit}
    rows = db.session.execute(_clocks_owed_statement(user.has_role(Role.COORDINATOR)), parameters)
    return [
        OwedClock(c.id, c.proposal_id, title, c.title, c.owner, c.due_on, c.status_on(today)) for c, title in rows
    ]


def clocks_for(proposal_id: int) -> list[RegulatoryClock]:
    return list(
        db.session.scalars(
            select(RegulatoryClock)
            .where(RegulatoryClock.proposal_id == proposal_id)
            .order_by(RegulatoryClock.due_on, RegulatoryClock.id)
        )
    )


def clock_status_clause(status: str, today: date) -> ColumnElement[bool]:
    """The SQL form of RegulatoryClock.status_on(today) == status."""
    running = and_(RegulatoryClock.superseded_at.is_(None), RegulatoryClock.completed_at.is_(None))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return {
        "superseded": RegulatoryClock.superseded_at.isnot(None),
        "done": and_(RegulatoryClock.superseded_at.is_(None), RegulatoryClock.completed_at.isnot(None)),
        "overdue": and_(running, RegulatoryClock.due_on < today),
        "due_soon": and_(running, RegulatoryClock.due_on >= today, RegulatoryClock.due_on <= soon),
        "open": and_(running, RegulatoryClock.due_on > soon),
    }[status]


def decision_with_everything(decision_id: int) -> Decision | None:
    return db.session.get(
        Decision, decision_id, options=[selectinload(Decision.signatures), selectinload(Decision.conditions)]
    )
