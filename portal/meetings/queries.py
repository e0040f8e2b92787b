"""Read paths for meetings. Lists are filtered in SQL by the same rule as permissions.can_view_meetings; a test
checks the two agree. Lists name meetings only, never an item's proposal, so nothing in them needs withholding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.auth.roles import Role
from portal.auth.viewer import ANY_VIEWER, Viewer, viewer_of, viewer_parameters
from portal.committees.models import Committee, CommitteeMember
from portal.conflicts.queries import not_conflicted_clause
from portal.extensions import db
from portal.meetings.models import AgendaItem, Meeting
from portal.meetings.permissions import can_manage_proposal
from portal.meetings.states import MeetingState, MinutesState
from portal.proposals.models import Proposal
from portal.proposals.states import ProposalState
from portal.routing.models import ProposalCommittee


def _visible_committees(viewer: Viewer, *, coordinator: bool) -> ColumnElement[bool]:
    seat = Committee.id.in_(
        select(CommitteeMember.committee_id).where(
            CommitteeMember.user_id == viewer.id,
            or_(CommitteeMember.access_until.is_(None), CommitteeMember.access_until >= viewer.today),
        )
    )
    if coordinator:
        return or_(seat, Committee.institution_id == viewer.institution_id)
    return seat


def visible_committees_clause(user: User) -> ColumnElement[bool]:
    """Committees whose meetings the user sees: where they hold a seat whose access has not ended, and every
    committee of their institution for a coordinator."""
    if not user.is_active:
        return false()
    return _visible_committees(viewer_of(user), coordinator=user.has_role(Role.COORDINATOR))


def visible_committees(user: User) -> list[Committee]:
    return list(
        db.session.scalars(
            select(Committee)
            .options(selectinload(Committee.members))
            .where(visible_committees_clause(user))
            .order_by(Committee.name)
        )
    )


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    committee_id: int
    committee: str
    starts_at: datetime
    location: str
    state: MeetingState
    minutes: MinutesState
    items: int  # agenda items, withheld ones included: their number reveals nothing about them


def _with_row_columns(query: Select) -> Select:
    item_count = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery()
    )
    return query.add_columns(
        Meeting.id, Meeting.title, Committee.id, Committee.name, Meeting.starts_at, Meeting.location,
        Meeting.state, Meeting.minutes_state, item_count,
    ).join(Committee, Committee.id == Meeting.committee_id)


def _rows(statement: Select, parameters: dict[str, object] | None = None) -> list[MeetingRow]:
    rows = db.session.execute(statement, parameters)
    return [
        MeetingRow(r[0], r[1], r[2], r[3], r[4], r[5], MeetingState(r[6]), MinutesState(r[7]), r[8]) for r in rows
    ]


@cache
def _meetings_statement(coordinator: bool, upcoming: bool, limit: int | None) -> Select:
    query = select().select_from(Meeting).where(_visible_committees(ANY_VIEWER, coordinator=coordinator))
    if upcoming:
        query = query.where(Meeting.state != MeetingState.ENDED.value).order_by(Meeting.starts_at, Meeting.id)
    else:
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return _with_row_columns(query.limit(limit) if limit else query)


def meetings_for(user: User, *, upcoming: bool = False, limit: int | None = None) -> list[MeetingRow]:
    """The meetings of every committee the user sees, newest first; with upcoming=True only those not ended,
    soonest first (for a dashboard). One statement, however many meetings."""
    if not user.is_active:
        return []
    statement = _meetings_statement(user.has_role(Role.COORDINATOR), upcoming, limit)
    return _rows(statement, viewer_parameters(user))


def committee_meetings(committee_id: int) -> list[MeetingRow]:
    """One committee's meetings, newest first (the caller checked who may see them). One statement."""
    query = select().select_from(Meeting).where(Meeting.committee_id == committee_id)
    return _rows(_with_row_columns(query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())))


def load_meeting(meeting_id: int) -> Meeting | None:
    """The meeting with everything live.py and the pages read, in a fixed number of statements."""
    proposal = selectinload(AgendaItem.proposal)
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.committee).selectinload(Committee.members),
            selectinload(Meeting.attendance),
            selectinload(Meeting.minutes_approved_in),
            selectinload(Meeting.items).options(
                selectinload(AgendaItem.recusals),
                selectinload(AgendaItem.votes),
                selectinload(AgendaItem.minutes_of),
                proposal.selectinload(Proposal.members),
                proposal.selectinload(Proposal.conflict_declarations),
                proposal.selectinload(Proposal.pi),
            ),
        )
        .execution_options(populate_existing=True)
    )


def proposal_candidates(meeting: Meeting, user: User) -> list[Proposal]:
    """Proposals the user may put on this agenda: routed to the committee, awaiting its decision, not on the
    agenda yet, and not conflicted for the user (in SQL, so that a conflicted title is never even loaded)."""
    on_agenda = select(AgendaItem.proposal_id).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.proposal_id.is_not(None)
    )
    found = db.session.scalars(
        select(Proposal)
        .join(ProposalCommittee, ProposalCommittee.proposal_id == Proposal.id)
        .where(
            ProposalCommittee.committee_id == meeting.committee_id,
            Proposal.state == ProposalState.AWAITING_DECISION.value,
            Proposal.id.not_in(on_agenda),
            not_conflicted_clause(user),
        )
        .options(
            selectinload(Proposal.members), selectinload(Proposal.conflict_declarations), selectinload(Proposal.pi)
        )
        .order_by(Proposal.title, Proposal.id)
    )
    return [p for p in found if can_manage_proposal(user, meeting.committee, p)]


def minutes_candidates(meeting: Meeting) -> list[Meeting]:
    """Earlier meetings of the same committee whose minutes await approval and are not on this agenda yet."""
    on_agenda = select(AgendaItem.minutes_of_id).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.minutes_of_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.committee_id == meeting.committee_id,
                Meeting.id != meeting.id,
                Meeting.starts_at < meeting.starts_at,
                Meeting.minutes_state == MinutesState.DRAFT.value,
                Meeting.id.not_in(on_agenda),
            )
            .order_by(Meeting.starts_at)
        )
    )
