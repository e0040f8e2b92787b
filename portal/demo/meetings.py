"""Demo meetings: one held, with votes and draft minutes, and one coming up that will approve those minutes.
Made through the portal's own operations; fictional and at the level of public policy text."""

from __future__ import annotations

from datetime import timedelta

from portal.auth.models import User
from portal.clock import utcnow
from portal.meetings import operations as meetings
from portal.proposals.models import Proposal
from portal.routing.queries import routes_of

NOTES = (
    "The committee agreed that the revised storage plan answers the revision request. Members asked that the "
    "list of people with access be confirmed each year, as a condition of the risk mitigation plan."
)


SENT_APOLOGIES = "reviewer2@northbridge.example"  # the minutes list one member absent


def seed_meetings(proposal: Proposal, *, chair: User, coordinator: User) -> None:
    committee = next(r.committee for r in routes_of(proposal.id) if r.committee.kind == "ire")
    day = utcnow().replace(hour=14, minute=0, second=0, microsecond=0)
    held = meetings.schedule_meeting(
        committee, title="Review Entity: monthly meeting", starts_at=day - timedelta(days=3),
        location="Research Office, meeting room 2 (fictional)", actor=coordinator,
    )
    item = meetings.add_proposal_item(held, proposal, actor=coordinator)
    present = [m for m in committee.members if m.user.email != SENT_APOLOGIES]
    for member in committee.members:
        meetings.record_attendance(held, member.user, present=member in present, actor=coordinator)
    meetings.start_meeting(held, actor=chair)
    for member in present:
        meetings.cast_vote(item, member.user, "for", actor=chair)
    meetings.record_notes(item, notes=NOTES, actor=chair)
    meetings.end_meeting(held, actor=chair)
    meetings.generate_minutes(held, actor=chair)
    upcoming = meetings.schedule_meeting(
        committee, title="Review Entity: next monthly meeting", starts_at=day + timedelta(days=11),
        location="Research Office, meeting room 2 (fictional)", actor=coordinator,
    )
    meetings.add_minutes_item(upcoming, held, actor=coordinator)
