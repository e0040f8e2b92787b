"""Who sees and who runs committee meetings. Pure predicates over loaded objects; deny by default.

A conflict beats every role, chair, coordinator and admin included: a person conflicted with an item's proposal
neither sees nor runs that item, and the chair's duties for it pass to the deputy (reviews.permissions.
acting_chair_id) or a coordinator. queries.visible_committees_clause states who sees meetings as SQL, for lists.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.proposals.permissions import is_conflicted
from portal.reviews.permissions import acting_chair_id

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.committees.models import Committee, CommitteeMember
    from portal.meetings.models import AgendaItem, Meeting
    from portal.proposals.models import Proposal

# Roles offered the "Meetings" link; anyone who sits on a committee may open the list as well.
MEETING_ROLES = (Role.REVIEWER, Role.CHAIR, Role.COORDINATOR)


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def current_member(user: User, committee: Committee, day: date | None = None) -> CommitteeMember | None:
    """The user's seat on the committee, unless their access (as an external expert) has ended."""
    day = day or utcnow().date()
    return next((m for m in committee.members if m.user_id == user.id and m.active_on(day)), None)


def is_coordinator_of(user: User, committee: Committee) -> bool:
    return user.has_role(Role.COORDINATOR) and user.institution_id == committee.institution_id


def can_open_meetings_list(user: User | None) -> bool:
    return _active(user) and user.has_role(*MEETING_ROLES)


def can_view_meetings(user: User | None, committee: Committee) -> bool:
    """The committee's current members and the coordinators of its institution."""
    return _active(user) and (is_coordinator_of(user, committee) or current_member(user, committee) is not None)


def can_schedule_meeting(user: User | None, committee: Committee) -> bool:
    """The chair (by seat on this committee, not by role) and the coordinators of its institution."""
    if not _active(user):
        return False
    seat = current_member(user, committee)
    return is_coordinator_of(user, committee) or (seat is not None and seat.role == MemberRole.CHAIR.value)


def can_view_meeting(user: User | None, meeting: Meeting) -> bool:
    return can_view_meetings(user, meeting.committee)


def can_manage_meeting(user: User | None, meeting: Meeting) -> bool:
    """Running the meeting as a whole: attendance, start and end, minutes items, generating the minutes."""
    return can_schedule_meeting(user, meeting.committee)


def can_manage_proposal(user: User | None, committee: Committee, proposal: Proposal) -> bool:
    """The chair's duties for one proposal at this committee's meetings: its acting chair (the deputy when the
    chair is conflicted) or a coordinator of the institution; never anyone conflicted with it."""
    if not _active(user) or is_conflicted(user, proposal):
        return False
    if is_coordinator_of(user, committee):
        return True
    return acting_chair_id(committee, proposal) == user.id and current_member(user, committee) is not None


def can_see_item(user: User | None, item: AgendaItem) -> bool:
    """Whether the item is shown to the user at all: a conflicted person is shown only that it is withheld."""
    if not _active(user):
        return False
    return not item.is_proposal or not is_conflicted(user, item.proposal)


def can_manage_item(user: User | None, meeting: Meeting, item: AgendaItem) -> bool:
    if not can_view_meeting(user, meeting):
        return False
    if item.is_proposal:
        return can_manage_proposal(user, meeting.committee, item.proposal)
    return can_manage_meeting(user, meeting)


def can_record_vote(actor: User | None, meeting: Meeting, item: AgendaItem, voter_id: int) -> bool:
    """A member records their own vote; whoever runs the item records anyone's. The rules of the vote itself
    (present, voting, not recused, quorum) are rules.vote_refusal."""
    if not can_view_meeting(actor, meeting):
        return False
    return actor.id == voter_id or can_manage_item(actor, meeting, item)


def can_edit_minutes(user: User | None, meeting: Meeting) -> bool:
    """Who may open the minutes editor: whoever runs the meeting or any of its items."""
    return can_manage_meeting(user, meeting) or any(can_manage_item(user, meeting, i) for i in meeting.items)
