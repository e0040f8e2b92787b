"""Gathering the recorded facts of an ended meeting into minutes.py's plain dataclasses: attendance, recusals,
votes with the quorum at the vote, the basis for required changes and the controverted issues."""

from __future__ import annotations

from portal.committees.kinds import MemberRole
from portal.meetings.live import item_state, room, seated
from portal.meetings.minutes import (
    Attendee,
    MeetingFacts,
    MinutesItemFacts,
    ProposalItemFacts,
    general_text,
    minutes_item_text,
    proposal_item_text,
)
from portal.meetings.models import AgendaItem, Meeting
from portal.meetings.states import MinutesState
from portal.reviews.queries import controverted_issues
from portal.revisions.queries import requested_changes


def meeting_facts(meeting: Meeting) -> MeetingFacts:
    committee = meeting.committee
    present = meeting.present_ids
    attendees = tuple(
        Attendee(m.user.name, MemberRole(m.role).label, m.non_scientist, m.user_id in present) for m in seated(meeting)
    )
    return MeetingFacts(
        committee=committee.name,
        title=meeting.title,
        starts_at=meeting.starts_at,
        location=meeting.location,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        attendees=attendees,
        non_scientist_required=committee.require_non_scientist,
    )


def _proposal_item(
    meeting: Meeting, item: AgendaItem, changes: dict[int, list[str]], issues: dict[int, list[str]]
) -> ProposalItemFacts:
    state = item_state(meeting, item, room(meeting))
    names = {m.user_id: m.user.name for m in meeting.committee.members}
    recused_present = sorted(names[u] for u in state.recused & meeting.present_ids if u in names)
    proposal = item.proposal
    return ProposalItemFacts(
        position=item.position,
        title=proposal.title,
        version=proposal.version_count,
        quorum_at_vote=state.quorum_at_vote,
        non_scientist_required=meeting.committee.require_non_scientist,
        recused=tuple(recused_present),
        tally=state.tally if state.votes else None,
        requested_changes=tuple(changes.get(proposal.id, ())),
        controverted=tuple(issues.get(proposal.id, ())),
        notes=item.notes,
    )


def _minutes_item(meeting: Meeting, item: AgendaItem) -> MinutesItemFacts:
    earlier = item.minutes_of
    approved_here = earlier.minutes_state == MinutesState.APPROVED and earlier.minutes_approved_in_id == meeting.id
    return MinutesItemFacts(item.position, earlier.title, earlier.starts_at, approved_here)


def section_texts(meeting: Meeting) -> tuple[str, dict[int, str]]:
    """The general section and each item's section (by item id), generated from the facts. Two statements for
    the reviews and revision requests, however many items."""
    proposal_ids = [i.proposal_id for i in meeting.items if i.is_proposal]
    changes, issues = requested_changes(proposal_ids), controverted_issues(proposal_ids)
    sections = {
        item.id: proposal_item_text(_proposal_item(meeting, item, changes, issues))
        if item.is_proposal
        else minutes_item_text(_minutes_item(meeting, item))
        for item in meeting.items
    }
    return general_text(meeting_facts(meeting)), sections
