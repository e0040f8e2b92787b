"""Scenarios for meetings: agenda, attendance, recusals, votes, notes and minutes."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.meetings import operations as meetings
from portal.meetings.models import Meeting
from tests.audit.scenarios import Call, call, scenario
from tests.factories import Factory
from tests.meetings.conftest import TOMORROW, World, make_meeting_world

MEETINGS = "portal.meetings.operations"


def _with_item(factory: Factory, *, in_session: bool = False) -> tuple[World, Meeting]:
    w = make_meeting_world(factory)
    meeting = w.meeting(w.proposal)
    return w, w.in_session(meeting) if in_session else meeting


def _ended(factory: Factory, *, minutes: bool = False) -> tuple[World, Meeting]:
    w, meeting = _with_item(factory, in_session=True)
    meetings.end_meeting(meeting, actor=w.chair)
    if minutes:
        meetings.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    return w, meeting


def _later(w: World) -> Meeting:
    return w.meeting(title="January meeting", starts_at=TOMORROW + timedelta(days=30))


@scenario(f"{MEETINGS}.schedule_meeting", "meeting.scheduled")
def _schedule(factory: Factory) -> Call:
    w = make_meeting_world(factory)
    return call(w.committee, title="December meeting", starts_at=TOMORROW, actor=w.coordinator)


@scenario(f"{MEETINGS}.add_proposal_item", "meeting.item_added")
def _add_proposal_item(factory: Factory) -> Call:
    w = make_meeting_world(factory)
    return call(w.meeting(), w.proposal, actor=w.coordinator)


@scenario(f"{MEETINGS}.add_minutes_item", "meeting.item_added")
def _add_minutes_item(factory: Factory) -> Call:
    w, earlier = _ended(factory, minutes=True)
    return call(_later(w), earlier, actor=w.coordinator)


@scenario(f"{MEETINGS}.remove_item", "meeting.item_removed")
def _remove_item(factory: Factory) -> Call:
    w, meeting = _with_item(factory)
    return call(meeting.items[0], actor=w.coordinator)


@scenario(f"{MEETINGS}.start_meeting", "meeting.started")
def _start(factory: Factory) -> Call:
    w, meeting = _with_item(factory)
    return call(meeting, actor=w.chair)


@scenario(f"{MEETINGS}.end_meeting", "meeting.ended")
def _end(factory: Factory) -> Call:
    w, meeting = _with_item(factory, in_session=True)
    return call(meeting, actor=w.chair)


@scenario(f"{MEETINGS}.record_attendance", "meeting.attendance_recorded")
def _attendance(factory: Factory) -> Call:
    w, meeting = _with_item(factory)
    return call(meeting, w.member, present=True, actor=w.coordinator)


@scenario(f"{MEETINGS}.declare_recusal", "meeting.recusal_declared")
def _recusal(factory: Factory) -> Call:
    w, meeting = _with_item(factory)
    return call(meeting.items[0], w.deputy, reason="Advised the funder.", actor=w.deputy)


@scenario(f"{MEETINGS}.cast_vote", "meeting.vote_recorded")
def _vote(factory: Factory) -> Call:
    w, meeting = _with_item(factory, in_session=True)
    return call(meeting.items[0], w.member, "for", actor=w.member)


@scenario(f"{MEETINGS}.record_notes", "meeting.notes_saved")
def _notes(factory: Factory) -> Call:
    w, meeting = _with_item(factory, in_session=True)
    return call(meeting.items[0], notes="Discussed the oversight plan.", actor=w.chair)


@scenario(f"{MEETINGS}.generate_minutes", "meeting.minutes_generated")
def _generate(factory: Factory) -> Call:
    w, meeting = _ended(factory)
    return call(meeting, actor=w.chair)


@scenario(f"{MEETINGS}.edit_minutes", "meeting.minutes_edited")
def _edit(factory: Factory) -> Call:
    w, meeting = _ended(factory, minutes=True)
    return call(meeting, general="Edited heading.", sections={}, opened_lock=meeting.lock_version, actor=w.chair)


@scenario(f"{MEETINGS}.approve_minutes", "meeting.minutes_approved")
def _approve(factory: Factory) -> Call:
    w, earlier = _ended(factory, minutes=True)
    later = _later(w)
    meetings.add_minutes_item(later, earlier, actor=w.coordinator)
    w.in_session(later)
    return call(earlier, at_meeting=later, actor=w.coordinator)


@scenario(f"{MEETINGS}.publish_agenda", "meeting.agenda_published")
def _publish_agenda(factory: Factory) -> Call:
    w, meeting = _with_item(factory)
    return call(meeting, actor=w.coordinator)


@scenario(f"{MEETINGS}.send_decision_letters", "meeting.letters_sent")
def _send_letters(factory: Factory) -> Call:
    """A proposal decided at the meeting, the decision made final: its team gets the letters."""
    from tests.audit.scenarios.decisions import decide_at_meeting
    from tests.decisions.conftest import make_decision_world

    w = make_decision_world(factory)
    meeting = meetings.schedule_meeting(w.ire, title="December meeting", starts_at=TOMORROW, actor=w.coordinator)
    decide_at_meeting(w, meeting)
    return call(meeting, actor=w.coordinator)
