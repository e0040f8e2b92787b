"""The live state of a loaded meeting: the room, who is recused from each item, its quorum and its tally.

Nothing here is stored: conflicts are derived afresh from the loaded proposal (a declaration made a minute ago
counts), and a recusal declared at the meeting adds to them. No queries of its own: queries.load_meeting loads
everything this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.clock import utcnow
from portal.committees.models import CommitteeMember
from portal.committees.quorum import QuorumRule, QuorumState, Seat
from portal.conflicts.rules import conflicted
from portal.meetings.models import AgendaItem, Meeting
from portal.meetings.rules import Room, Tally, item_quorum, tally
from portal.proposals.permissions import conflict_facts


def meeting_day(meeting: Meeting) -> date:
    """The day whose seats count: the day the meeting ended, or today while it runs."""
    return (meeting.ended_at or utcnow()).date()


def seated(meeting: Meeting) -> list[CommitteeMember]:
    """The committee's members whose access had not ended on the meeting's day, in the committee's order."""
    day = meeting_day(meeting)
    return [m for m in meeting.committee.members if m.active_on(day)]


def room(meeting: Meeting) -> Room:
    committee = meeting.committee
    return Room(
        rule=QuorumRule(committee.quorum_count, committee.quorum_percent, committee.require_non_scientist),
        seats=tuple(Seat(m.user_id, m.votes, m.non_scientist) for m in seated(meeting)),
        present=meeting.present_ids,
    )


def conflicted_members(meeting: Meeting, item: AgendaItem) -> frozenset[int]:
    """Members with a conflict of interest in the item's proposal: recused without having to say so."""
    if not item.is_proposal:
        return frozenset()
    people = [(m.user_id, m.user.department_id) for m in meeting.committee.members]
    return frozenset(conflicted(people, conflict_facts(item.proposal)))


def recused_ids(meeting: Meeting, item: AgendaItem) -> frozenset[int]:
    return conflicted_members(meeting, item) | {r.user_id for r in item.recusals}


@dataclass(frozen=True)
class ItemState:
    recused: frozenset[int]
    quorum: QuorumState
    votes: dict[int, str]  # user id -> choice
    tally: Tally
    quorum_at_vote: tuple[int, int] | None  # (counted, needed) when the last vote was recorded


def item_state(meeting: Meeting, item: AgendaItem, the_room: Room | None = None) -> ItemState:
    the_room = the_room or room(meeting)
    recused = recused_ids(meeting, item)
    votes = {v.user_id: v.choice for v in item.votes}
    last = max(item.votes, key=lambda v: (v.recorded_at, v.id), default=None)
    return ItemState(
        recused=recused,
        quorum=item_quorum(the_room, recused),
        votes=votes,
        tally=tally(the_room, votes, recused),
        quorum_at_vote=(last.quorum_counted, last.quorum_needed) if last else None,
    )
