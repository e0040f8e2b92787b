"""The meeting write path: quorum at the meeting, refusals with their reasons, and one audit event per operation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.operations import MeetingError
from portal.proposals.operations import withdraw_proposal
from tests.meetings.conftest import TOMORROW, all_events, event_data, events, reload_meeting
from tests.routing.test_triage import REFERRED, _committee, _screened


def _refused(match: str, write, *args, **kwargs) -> None:  # noqa: ANN001
    before = all_events()
    with pytest.raises(MeetingError, match=match):
        write(*args, **kwargs)
    db.session.rollback()
    assert all_events() == before, "a refusal writes nothing, not even an audit event"


# --- quorum at the meeting ----------------------------------------------------------------------------


def test_exactly_at_quorum_votes_are_accepted(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.member, w.lay])
    item = meeting.items[0]
    for voter, choice in ((w.chair, "for"), (w.member, "against"), (w.lay, "abstain")):
        ops.cast_vote(item, voter, choice, actor=w.coordinator)
    db.session.commit()
    assert sorted((v.choice, v.quorum_counted, v.quorum_needed) for v in item.votes) == [
        ("abstain", 3, 3), ("against", 3, 3), ("for", 3, 3)]


def test_a_declared_recusal_dropping_below_quorum_refuses_votes(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.member, w.lay])
    item = meeting.items[0]
    ops.declare_recusal(item, w.member, reason="Advised the funder on this call", actor=w.member)
    db.session.commit()
    _refused("Quorum does not hold for this item: 2 of the 3 voting members needed", ops.cast_vote, item, w.chair,
             "for", actor=w.chair)


def test_a_conflict_dropping_below_quorum_refuses_votes(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.member, w.lay])
    declare_conflict(w.proposal, w.member, reason="Co-author of the principal investigator", actor=w.member)
    db.session.commit()
    _refused("Quorum does not hold for this item", ops.cast_vote, meeting.items[0], w.chair, "for", actor=w.chair)


def test_the_non_scientist_requirement(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.deputy, w.member])
    item = meeting.items[0]
    _refused("no non-scientist member is present", ops.cast_vote, item, w.chair, "for", actor=w.chair)
    ops.record_attendance(meeting, w.lay, present=True, actor=w.chair)
    ops.cast_vote(item, w.chair, "for", actor=w.chair)
    db.session.commit()
    assert [v.choice for v in item.votes] == ["for"]


# --- bad input, each refused with its reason ----------------------------------------------------------


def test_voting_without_quorum(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.lay])
    _refused("2 of the 3 voting members needed", ops.cast_vote, meeting.items[0], w.lay, "for", actor=w.lay)


def test_a_member_recused_by_a_derived_conflict_can_only_be_recorded_as_recused(world, factory):
    w = world
    colleague = factory.user(Role.REVIEWER, institution=w.institution, department=w.proposal.pi.department,
                             name="Col League")
    add_member(w.committee, colleague, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    meeting = w.in_session(w.meeting(w.proposal), present=[*w.voters, colleague])
    item = meeting.items[0]
    _refused("Col League is recused from this item and can only be recorded as recused", ops.cast_vote, item,
             colleague, "for", actor=colleague)
    ops.cast_vote(item, colleague, "recused", actor=w.coordinator)
    db.session.commit()
    assert [(v.user_id, v.choice) for v in item.votes] == [(colleague.id, "recused")]


def test_a_member_with_a_declared_recusal_cannot_vote_and_an_earlier_vote_is_voided(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    item = meeting.items[0]
    ops.cast_vote(item, w.member, "for", actor=w.member)
    ops.declare_recusal(item, w.member, reason="Reviewed for the funder", actor=w.chair)
    db.session.commit()
    assert [v.choice for v in item.votes] == ["recused"]
    assert event_data(events("meeting.recusal_declared")[0])["vote_voided"] == "for"
    _refused("Mia Member is recused from this item", ops.cast_vote, item, w.member, "against", actor=w.member)
    _refused("already recused", ops.declare_recusal, item, w.member, reason="Again", actor=w.member)


def test_an_absent_member_and_an_alternate_cannot_vote(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal), present=[w.chair, w.member, w.lay, w.alternate])
    item = meeting.items[0]
    _refused("Dee Deputy is not recorded as present", ops.cast_vote, item, w.deputy, "for", actor=w.deputy)
    _refused("Alex Alternate is not a voting member", ops.cast_vote, item, w.alternate, "for", actor=w.alternate)


def test_voting_when_not_in_session(world):
    w = world
    meeting = w.meeting(w.proposal)
    for person in w.voters:
        ops.record_attendance(meeting, person, present=True, actor=w.chair)
    db.session.commit()
    _refused("only while the meeting is in session", ops.cast_vote, meeting.items[0], w.chair, "for", actor=w.chair)
    ops.start_meeting(meeting, actor=w.chair)
    ops.end_meeting(meeting, actor=w.chair)
    db.session.commit()
    _refused("only while the meeting is in session", ops.cast_vote, meeting.items[0], w.chair, "for", actor=w.chair)


def test_no_vote_on_a_proposal_that_no_longer_awaits_the_decision(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    withdraw_proposal(w.proposal, reason="The study will not go ahead.", actor=w.proposal.pi)
    db.session.commit()
    _refused("Item 1 is withdrawn: it no longer awaits the committee's decision", ops.cast_vote, meeting.items[0],
             w.chair, "for", actor=w.chair)


def test_a_member_cannot_record_another_members_vote(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    _refused("Only the member themself", ops.cast_vote, meeting.items[0], w.lay, "for", actor=w.member)
    _refused("Choose for, against, abstain or recused", ops.cast_vote, meeting.items[0], w.lay, "maybe", actor=w.lay)


def test_a_vote_can_be_changed_in_session_and_the_change_is_audited(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    item = meeting.items[0]
    ops.cast_vote(item, w.lay, "against", actor=w.lay)
    ops.cast_vote(item, w.lay, "for", actor=w.chair)
    db.session.commit()
    assert [v.choice for v in item.votes] == ["for"]
    [changed] = events("meeting.vote_changed")
    assert (changed.actor_id, event_data(changed)["from"], event_data(changed)["to"]) == (w.chair.id, "against", "for")


def test_adding_a_proposal_not_awaiting_decision_or_not_routed(world, factory):
    w = world
    meeting = w.meeting()
    in_review = _screened(factory, w.institution, REFERRED, title="Still in review")
    from portal.routing.operations import triage_proposal

    triage_proposal(in_review, [w.committee], proposed=[w.committee], reason="", actor=w.coordinator)
    elsewhere = w.awaiting(factory, "Routed elsewhere", _committee(w.institution, "Biosafety Committee", "ibc"))
    db.session.commit()
    _refused("“Still in review” is in review: only proposals awaiting", ops.add_proposal_item, meeting, in_review,
             actor=w.coordinator)
    _refused("“Routed elsewhere” was not sent to Review Entity", ops.add_proposal_item, meeting, elsewhere,
             actor=w.coordinator)
    ops.add_proposal_item(meeting, w.proposal, actor=w.coordinator)
    db.session.commit()
    _refused("already on this agenda", ops.add_proposal_item, meeting, w.proposal, actor=w.chair)


def test_the_agenda_is_for_the_acting_chair_and_coordinators(world):
    w = world
    meeting = w.meeting()
    _refused("Only the acting chair for this item", ops.add_proposal_item, meeting, w.proposal, actor=w.member)
    _refused("Only the acting chair for this item", ops.add_proposal_item, meeting, w.proposal, actor=w.deputy)
    declare_conflict(w.proposal, w.chair, reason="Former co-author", actor=w.proposal.pi)
    db.session.commit()
    _refused("You are recused from this item", ops.add_proposal_item, meeting, w.proposal, actor=w.chair)
    ops.add_proposal_item(meeting, w.proposal, actor=w.deputy)  # the chair is conflicted: the deputy acts
    db.session.commit()
    assert [i.proposal_id for i in meeting.items] == [w.proposal.id]


def test_an_item_with_votes_stays_and_removing_another_renumbers(world, factory):
    w = world
    second = w.awaiting(factory, "A second fictional study")
    meeting = w.in_session(w.meeting(w.proposal, second))
    first, last = meeting.items
    ops.cast_vote(last, w.chair, "for", actor=w.chair)
    db.session.commit()
    _refused("Votes were recorded on item 2", ops.remove_item, last, actor=w.chair)
    ops.remove_item(first, actor=w.chair)
    db.session.commit()
    assert [(i.position, i.proposal_id) for i in reload_meeting(meeting.id).items] == [(1, second.id)]


def _ended_with_minutes(w, **kwargs) -> object:  # noqa: ANN001
    meeting = w.in_session(w.meeting(w.proposal, **kwargs))
    ops.end_meeting(meeting, actor=w.chair)
    ops.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    return meeting


def test_approving_at_the_same_or_an_earlier_meeting_is_refused(world):
    w = world
    earlier = w.meeting(title="Earlier", starts_at=TOMORROW - timedelta(days=30))
    done = _ended_with_minutes(w)
    _refused("approved at a later meeting", ops.approve_minutes, done, at_meeting=done, actor=w.chair)
    _refused("approved at a later meeting", ops.approve_minutes, done, at_meeting=earlier, actor=w.chair)
    _refused("choose a meeting held before this one", ops.add_minutes_item, earlier, done, actor=w.chair)


def test_approval_needs_the_item_the_session_and_the_quorum(world):
    w = world
    done = _ended_with_minutes(w)
    later = w.meeting(title="January meeting", starts_at=TOMORROW + timedelta(days=30))
    _refused("while the later meeting is in session", ops.approve_minutes, done, at_meeting=later, actor=w.chair)
    w.in_session(later, present=[w.chair, w.member])
    _refused("Put those minutes on this meeting's agenda first", ops.approve_minutes, done, at_meeting=later,
             actor=w.chair)
    ops.add_minutes_item(later, done, actor=w.chair)
    db.session.commit()
    _refused("Quorum does not hold", ops.approve_minutes, done, at_meeting=later, actor=w.chair)
    ops.record_attendance(later, w.lay, present=True, actor=w.chair)
    ops.approve_minutes(done, at_meeting=later, actor=w.chair)
    db.session.commit()
    assert (done.minutes_state, done.minutes_approved_in_id) == ("approved", later.id)


def test_approved_minutes_are_immutable(world):
    w = world
    done = _ended_with_minutes(w)
    later = w.in_session(w.meeting(title="January meeting", starts_at=TOMORROW + timedelta(days=30)))
    ops.add_minutes_item(later, done, actor=w.chair)
    ops.approve_minutes(done, at_meeting=later, actor=w.chair)
    db.session.commit()
    frozen = (done.minutes_general, [i.minutes_text for i in done.items])
    lock = done.lock_version
    _refused("Approved minutes cannot be changed", ops.edit_minutes, done, general="Rewritten", sections={},
             opened_lock=lock, actor=w.chair)
    _refused("Approved minutes cannot be changed", ops.edit_minutes, done, general=None,
             sections={done.items[0].id: "Rewritten"}, opened_lock=lock, actor=w.coordinator)
    _refused("already approved", ops.approve_minutes, done, at_meeting=later, actor=w.chair)
    _refused("approved minutes cannot change", ops.generate_minutes, done, actor=w.chair)
    _refused("its notes", ops.record_notes, done.items[0], notes="Later thoughts", actor=w.chair)
    db.session.expire_all()
    assert (done.minutes_general, [i.minutes_text for i in done.items]) == frozen


def test_minutes_are_generated_once_after_the_meeting_ended(world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    _refused("once the meeting has ended", ops.generate_minutes, meeting, actor=w.chair)
    ops.end_meeting(meeting, actor=w.chair)
    db.session.commit()
    _refused("Only the committee's chair or a review coordinator", ops.generate_minutes, meeting, actor=w.member)
    ops.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    _refused("already generated; edit them instead", ops.generate_minutes, meeting, actor=w.chair)


def test_attendance_is_for_members_and_closes_with_the_meeting(world, factory):
    w = world
    meeting = w.meeting()
    outsider = factory.user(Role.REVIEWER, institution=w.institution, name="Otto Outsider")
    _refused("Otto Outsider is not a current member", ops.record_attendance, meeting, outsider, present=True,
             actor=w.chair)
    _refused("Only the committee's chair", ops.record_attendance, meeting, w.member, present=True, actor=w.member)
    ops.start_meeting(meeting, actor=w.chair)
    ops.end_meeting(meeting, actor=w.chair)
    db.session.commit()
    _refused("its attendance can no longer change", ops.record_attendance, meeting, w.member, present=True,
             actor=w.chair)


def test_every_operation_writes_exactly_one_audit_event(world, factory):
    w = world
    second = w.awaiting(factory, "A second fictional study")
    db.session.commit()

    def once(action: str, write, *args, **kwargs):  # noqa: ANN001, ANN202
        before = all_events()
        result = write(*args, **kwargs)
        db.session.commit()
        assert all_events() == before + 1, action
        assert len(events(action)) >= 1, action
        return result

    earlier = once("meeting.scheduled", ops.schedule_meeting, w.committee, title="Earlier", starts_at=TOMORROW,
                   actor=w.chair)
    item = once("meeting.item_added", ops.add_proposal_item, earlier, w.proposal, actor=w.chair)
    other = once("meeting.item_added", ops.add_proposal_item, earlier, second, actor=w.coordinator)
    once("meeting.item_removed", ops.remove_item, other, actor=w.chair)
    for person in w.voters:
        once("meeting.attendance_recorded", ops.record_attendance, earlier, person, present=True, actor=w.chair)
    once("meeting.started", ops.start_meeting, earlier, actor=w.chair)
    once("meeting.recusal_declared", ops.declare_recusal, item, w.deputy, reason="Advised the funder", actor=w.deputy)
    once("meeting.vote_recorded", ops.cast_vote, item, w.member, "for", actor=w.member)
    once("meeting.vote_changed", ops.cast_vote, item, w.member, "abstain", actor=w.chair)
    once("meeting.notes_saved", ops.record_notes, item, notes="Discussed the oversight plan.", actor=w.chair)
    once("meeting.ended", ops.end_meeting, earlier, actor=w.chair)
    once("meeting.minutes_generated", ops.generate_minutes, earlier, actor=w.chair)
    once("meeting.minutes_edited", ops.edit_minutes, earlier, general="Edited heading", sections={},
         opened_lock=earlier.lock_version, actor=w.chair)
    later = once("meeting.scheduled", ops.schedule_meeting, w.committee, title="Later",
                 starts_at=TOMORROW + timedelta(days=30), actor=w.coordinator)
    once("meeting.item_added", ops.add_minutes_item, later, earlier, actor=w.coordinator)
    w.in_session(later)
    once("meeting.minutes_approved", ops.approve_minutes, earlier, at_meeting=later, actor=w.coordinator)
    assert event_data(events("meeting.minutes_approved")[0]) == {"at_meeting_id": later.id, "quorum": [4, 3]}
