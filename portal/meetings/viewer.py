"""A meeting and its minutes as one viewer may see them. The one place that decides what a page shows of an item:
to a person conflicted with its proposal, an item is only "Item N: withheld — you are recused (conflict of
interest)": no title, votes, counts, quorum, notes or minutes section. Every page renders from these views."""

from __future__ import annotations

from dataclasses import dataclass

from portal.auth.models import User
from portal.committees.kinds import MemberRole
from portal.committees.models import CommitteeMember
from portal.committees.quorum import QuorumState
from portal.meetings.live import item_state, room, seated
from portal.meetings.minutes import withheld_text
from portal.meetings.models import AgendaItem, Meeting
from portal.meetings.permissions import can_edit_minutes, can_manage_item, can_manage_meeting, can_see_item
from portal.meetings.rules import Choice, Tally, meeting_quorum
from portal.meetings.states import MeetingState, MinutesState
from portal.proposals.states import ProposalState


@dataclass(frozen=True)
class Seat:
    user_id: int
    name: str
    role: str
    votes: bool
    non_scientist: bool
    present: bool | None  # None: not recorded yet


@dataclass(frozen=True)
class VoteLine:
    user_id: int
    name: str
    choice: Choice


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    withheld: bool
    heading: str
    is_proposal: bool
    manage: bool = False
    proposal_id: int | None = None
    quorum: QuorumState | None = None
    recused: tuple[Seat, ...] = ()
    votes: tuple[VoteLine, ...] = ()
    tally: Tally | None = None
    notes: str = ""
    voters: tuple[Seat, ...] = ()  # present voting members, for the manager's vote form
    my_vote: str | None = None
    votable: bool = False  # the proposal still awaits the committee's decision
    i_may_vote: bool = False  # the viewer is a present voting member who is not recused
    i_am_recused: bool = False
    approvable: bool = False  # a minutes item the viewer may approve now
    minutes_of_id: int | None = None
    minutes_state: MinutesState | None = None  # of the earlier meeting, for a minutes item
    # The facts of the heading, for pages that word it in the reader's language: the proposal's title and version
    # count, or the earlier meeting's title and day (YYYY-MM-DD).
    subject: str = ""
    subject_detail: str = ""


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    seats: tuple[Seat, ...]
    quorum: QuorumState
    items: tuple[ItemView, ...]
    manage: bool
    edit_minutes: bool
    mine: Seat | None  # the viewer's own seat, if they sit on the committee

    @property
    def in_session(self) -> bool:
        return self.meeting.state_enum is MeetingState.IN_SESSION

    @property
    def ended(self) -> bool:
        return self.meeting.state_enum is MeetingState.ENDED


def _seat(member: CommitteeMember, recorded: dict[int, bool]) -> Seat:
    return Seat(member.user_id, member.user.name, MemberRole(member.role).label, member.votes, member.non_scientist,
                recorded.get(member.user_id))


def _withheld(item: AgendaItem) -> ItemView:
    return ItemView(item.id, item.position, True, withheld_text(item.position), item.is_proposal)


def _minutes_item(item: AgendaItem, meeting: Meeting, viewer: User) -> ItemView:
    earlier = item.minutes_of
    manage = can_manage_meeting(viewer, meeting)
    approvable = manage and earlier.minutes_enum is MinutesState.DRAFT and meeting.state_enum is MeetingState.IN_SESSION
    heading = f"Item {item.position}: Minutes of {earlier.title} ({earlier.starts_at.strftime('%Y-%m-%d')})"
    return ItemView(item.id, item.position, False, heading, False, manage=manage, approvable=approvable,
                    minutes_of_id=earlier.id, minutes_state=earlier.minutes_enum, notes=item.notes,
                    subject=earlier.title, subject_detail=earlier.starts_at.strftime("%Y-%m-%d"))


def _proposal_item(item: AgendaItem, meeting: Meeting, viewer: User, seats: tuple[Seat, ...]) -> ItemView:
    state = item_state(meeting, item, room(meeting))
    by_id = {s.user_id: s for s in seats}
    mine = by_id.get(viewer.id)
    votes = tuple(VoteLine(u, by_id[u].name if u in by_id else "Former member", Choice(c))
                  for u, c in sorted(state.votes.items()))
    return ItemView(
        item.id, item.position, False, f"Item {item.position}: {item.proposal.title} "
        f"(version {item.proposal.version_count})", True,
        manage=can_manage_item(viewer, meeting, item), proposal_id=item.proposal_id, quorum=state.quorum,
        recused=tuple(s for s in seats if s.user_id in state.recused), votes=votes, tally=state.tally,
        notes=item.notes, voters=tuple(s for s in seats if s.votes and s.present),
        my_vote=state.votes.get(viewer.id),
        votable=item.proposal.state_enum is ProposalState.AWAITING_DECISION,
        i_may_vote=bool(mine and mine.votes and mine.present and viewer.id not in state.recused),
        i_am_recused=viewer.id in state.recused,
        subject=item.proposal.title, subject_detail=str(item.proposal.version_count),
    )


def item_view(item: AgendaItem, meeting: Meeting, viewer: User, seats: tuple[Seat, ...]) -> ItemView:
    if not can_see_item(viewer, item):
        return _withheld(item)
    if item.is_proposal:
        return _proposal_item(item, meeting, viewer, seats)
    return _minutes_item(item, meeting, viewer)


def meeting_view(meeting: Meeting, viewer: User) -> MeetingView:
    recorded = {a.user_id: a.present for a in meeting.attendance}
    seats = tuple(_seat(m, recorded) for m in seated(meeting))
    return MeetingView(
        meeting=meeting,
        seats=seats,
        quorum=meeting_quorum(room(meeting)),
        items=tuple(item_view(item, meeting, viewer, seats) for item in meeting.items),
        manage=can_manage_meeting(viewer, meeting),
        edit_minutes=can_edit_minutes(viewer, meeting),
        mine=next((s for s in seats if s.user_id == viewer.id), None),
    )


@dataclass(frozen=True)
class Section:
    item_id: int | None  # None: the general section
    position: int | None
    text: str
    withheld: bool
    editable: bool


def minutes_sections(meeting: Meeting, viewer: User) -> list[Section]:
    """The minutes as this viewer may read them: the general section, then each item's section or its
    withheld line. `editable` says which sections the viewer may change while the minutes are a draft."""
    draft = meeting.minutes_enum is MinutesState.DRAFT
    sections = [Section(None, None, meeting.minutes_general, False, draft and can_manage_meeting(viewer, meeting))]
    for item in meeting.items:
        if can_see_item(viewer, item):
            editable = draft and can_manage_item(viewer, meeting, item)
            sections.append(Section(item.id, item.position, item.minutes_text, False, editable))
        else:
            sections.append(Section(item.id, item.position, withheld_text(item.position), True, False))
    return sections
