"""The write path for meetings. Each function checks its rule, writes, audits once, flushes; never commits.

Texts (reasons, notes, minutes) stay out of the audit data: the log is read more widely than the minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from portal.audit.models import AuditEvent
from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Label
from portal.meetings import letters
from portal.meetings import permissions as can
from portal.meetings.facts import section_texts
from portal.meetings.live import item_state, recused_ids, room
from portal.meetings.models import MINUTES_ITEM, PROPOSAL_ITEM, AgendaItem, Attendance, Meeting, Recusal, Vote
from portal.meetings.rules import Choice, meeting_quorum, quorum_reason, vote_refusal
from portal.meetings.states import (
    MeetingState,
    MeetingStep,
    MinutesState,
    MinutesStep,
    TransitionRefused,
    next_meeting_state,
    next_minutes_state,
)
from portal.notifications import audiences
from portal.notifications.outbox import notify
from portal.proposals.models import Proposal
from portal.proposals.permissions import can_view_proposal, is_conflicted
from portal.proposals.states import ProposalState
from portal.routing.models import ProposalCommittee

NOT_MANAGER = N_("Only the committee's chair or a review coordinator of its institution can do this.")
RECUSED_ACTOR = N_(
    "You are recused from this item (conflict of interest): the deputy chair or a coordinator acts for it."
)
NOT_ITEM_MANAGER = N_("Only the acting chair for this item or a review coordinator can do this.")


class MeetingError(PortalError):
    """A meeting operation was refused; the message is for the user."""


class MinutesChanged(MeetingError):
    """The minutes were saved by someone else after this copy was opened."""

    def __init__(self) -> None:
        super().__init__(N_(
            "These minutes were changed since you opened them (by someone else, or in another window). Your text "
            "is below and was not saved: copy what you need, reload the page to see the saved minutes, then edit "
            "again."
        ))


def _manager(meeting: Meeting, actor: User) -> None:
    if not can.can_manage_meeting(actor, meeting):
        raise MeetingError(NOT_MANAGER)


def _item_manager(meeting: Meeting, item: AgendaItem, actor: User) -> None:
    if item.is_proposal and is_conflicted(actor, item.proposal):
        raise MeetingError(RECUSED_ACTOR)
    if not can.can_manage_item(actor, meeting, item):
        raise MeetingError(NOT_ITEM_MANAGER)


def _not_ended(meeting: Meeting, what: str) -> None:
    if meeting.state_enum is MeetingState.ENDED:
        raise MeetingError(N_("The meeting has ended; %(what)s can no longer change."), what=Label(what))


def schedule_meeting(
    committee: Committee, *, title: str, starts_at: datetime, location: str = "", actor: User
) -> Meeting:
    if not can.can_schedule_meeting(actor, committee):
        raise MeetingError(N_("Only the committee's chair or a review coordinator of its institution can schedule it."))
    title = " ".join(title.split())
    if not title:
        raise MeetingError(N_("Give the meeting a title."))
    if starts_at.tzinfo is not None:
        starts_at = starts_at.astimezone(UTC).replace(tzinfo=None)  # stored times are naive UTC
    meeting = Meeting(committee_id=committee.id, title=title[:200], starts_at=starts_at,
                      location=" ".join(location.split())[:200], state=MeetingState.SCHEDULED.value,
                      minutes_state=MinutesState.NONE.value, created_by_id=actor.id)
    meeting.committee = committee
    db.session.add(meeting)
    record("meeting.scheduled", actor=actor, target=meeting,
           data={"committee_id": committee.id, "title": meeting.title, "starts_at": starts_at.isoformat()})
    notify("meeting_scheduled", audiences.committee_members(committee.id), link=f"/meetings/{meeting.id}",
           params={"title": meeting.title, "committee": committee.name, "when": _when(meeting.starts_at),
                   "location": meeting.location})
    return meeting


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _append(meeting: Meeting, item: AgendaItem, actor: User, data: dict) -> AgendaItem:
    item.position = max((i.position for i in meeting.items), default=0) + 1
    meeting.items.append(item)
    db.session.flush()
    record("meeting.item_added", actor=actor, target=meeting, data={"item_id": item.id, "position": item.position,
                                                                      **data})
    return item


def add_proposal_item(meeting: Meeting, proposal: Proposal, *, actor: User) -> AgendaItem:
    """Put a proposal awaiting this committee's decision on the agenda."""
    _not_ended(meeting, N_("its agenda"))
    item = AgendaItem(kind=PROPOSAL_ITEM, proposal=proposal, proposal_id=proposal.id)
    _item_manager(meeting, item, actor)
    routed = db.session.scalar(select(ProposalCommittee.id).where(
        ProposalCommittee.proposal_id == proposal.id, ProposalCommittee.committee_id == meeting.committee_id))
    if routed is None:
        raise MeetingError(N_("“%(title)s” was not sent to %(committee)s."), title=proposal.title,
                           committee=meeting.committee.name)
    if proposal.state_enum is not ProposalState.AWAITING_DECISION:
        raise MeetingError(N_("“%(title)s” is %(state)s: only proposals awaiting the committee's decision go on the "
                              "agenda."), title=proposal.title, state=Label(proposal.state_enum.label, lower=True))
    if any(i.proposal_id == proposal.id for i in meeting.items):
        raise MeetingError(N_("“%(title)s” is already on this agenda."), title=proposal.title)
    return _append(meeting, item, actor, {"proposal_id": proposal.id})


def add_minutes_item(meeting: Meeting, earlier: Meeting, *, actor: User) -> AgendaItem:
    """Put the draft minutes of an earlier meeting of the same committee on the agenda, for approval."""
    _manager(meeting, actor)
    _not_ended(meeting, N_("its agenda"))
    if earlier.committee_id != meeting.committee_id:
        raise MeetingError(N_("Only the minutes of this committee's own meetings can be approved here."))
    if earlier.id == meeting.id or earlier.starts_at >= meeting.starts_at:
        raise MeetingError(N_("Minutes are approved at a later meeting: choose a meeting held before this one."))
    _minutes_step(earlier, MinutesStep.APPROVE)  # only draft minutes can be put up for approval
    if any(i.minutes_of_id == earlier.id for i in meeting.items):
        raise MeetingError(N_("Those minutes are already on this agenda."))
    item = AgendaItem(kind=MINUTES_ITEM, minutes_of=earlier, minutes_of_id=earlier.id)
    return _append(meeting, item, actor, {"minutes_of_id": earlier.id})


def remove_item(item: AgendaItem, *, actor: User) -> None:
    meeting = item.meeting
    _item_manager(meeting, item, actor)
    _not_ended(meeting, N_("its agenda"))
    if item.votes:
        raise MeetingError(N_("Votes were recorded on item %(position)s; it stays on the agenda."),
                           position=item.position)
    meeting.items.remove(item)
    for later in meeting.items:
        if later.position > item.position:
            later.position -= 1
    record("meeting.item_removed", actor=actor, target=meeting, data={
        "item_id": item.id, "position": item.position, "proposal_id": item.proposal_id,
        "minutes_of_id": item.minutes_of_id})


def _step(meeting: Meeting, step: MeetingStep, actor: User) -> None:
    _manager(meeting, actor)
    try:
        after = next_meeting_state(meeting.state_enum, step)
    except TransitionRefused as refusal:
        raise MeetingError(refusal.message, **refusal.params) from None
    before, meeting.state = meeting.state, after.value
    if step is MeetingStep.START:
        meeting.started_at = utcnow()
    else:
        meeting.ended_at = utcnow()
    record(f"meeting.{'started' if step is MeetingStep.START else 'ended'}", actor=actor, target=meeting,
           data={"from": before, "to": after.value})


def start_meeting(meeting: Meeting, *, actor: User) -> None:
    _step(meeting, MeetingStep.START, actor)


def end_meeting(meeting: Meeting, *, actor: User) -> None:
    _step(meeting, MeetingStep.END, actor)


def record_attendance(meeting: Meeting, person: User, *, present: bool, actor: User) -> Attendance:
    _manager(meeting, actor)
    _not_ended(meeting, N_("its attendance"))
    if can.current_member(person, meeting.committee) is None:
        raise MeetingError(N_("%(name)s is not a current member of %(committee)s."), name=person.name,
                           committee=meeting.committee.name)
    row = next((a for a in meeting.attendance if a.user_id == person.id), None)
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=person.id)
        meeting.attendance.append(row)
    row.present, row.recorded_by_id, row.recorded_at = present, actor.id, utcnow()
    record("meeting.attendance_recorded", actor=actor, target=meeting,
           data={"user_id": person.id, "present": present})
    return row


def declare_recusal(item: AgendaItem, person: User, *, reason: str, actor: User) -> Recusal:
    """A member steps aside from one item, saying why; a vote already recorded for them becomes 'recused'."""
    meeting = item.meeting
    if actor.id != person.id:
        _item_manager(meeting, item, actor)
    _not_ended(meeting, N_("its recusals"))
    reason = " ".join(reason.split())
    if not reason:
        raise MeetingError(N_("Say briefly why the member is recused."))
    if can.current_member(person, meeting.committee) is None:
        raise MeetingError(N_("%(name)s is not a current member of %(committee)s."), name=person.name,
                           committee=meeting.committee.name)
    if person.id in recused_ids(meeting, item):
        raise MeetingError(N_("%(name)s is already recused from item %(position)s."), name=person.name,
                           position=item.position)
    recusal = Recusal(user_id=person.id, reason=reason[:2000], declared_by_id=actor.id)
    item.recusals.append(recusal)
    vote = next((v for v in item.votes if v.user_id == person.id), None)
    voided = None
    if vote is not None and vote.choice != Choice.RECUSED:
        voided, vote.choice = vote.choice, Choice.RECUSED.value
    record("meeting.recusal_declared", actor=actor, target=meeting,
           data={"item_id": item.id, "user_id": person.id, "vote_voided": voided})
    return recusal


def cast_vote(item: AgendaItem, voter: User, choice: Choice | str, *, actor: User) -> Vote:
    """Record (or, while in session, change) a member's vote on a proposal item, only while its quorum holds."""
    meeting = item.meeting
    if choice not in set(Choice):
        raise MeetingError(N_("Choose for, against, abstain or recused."))
    choice = Choice(choice)
    if not can.can_record_vote(actor, meeting, item, voter.id):
        raise MeetingError(RECUSED_ACTOR if item.is_proposal and is_conflicted(actor, item.proposal)
                           else N_("Only the member themself, the acting chair for this item or a coordinator can "
                                   "record this vote."))
    if not item.is_proposal:
        raise MeetingError(N_("Minutes are approved by the chair with the meeting's quorum, not voted on here."))
    if item.proposal.state_enum is not ProposalState.AWAITING_DECISION:
        raise MeetingError(N_("Item %(position)s is %(state)s: it no longer awaits the committee's decision, so no "
                              "vote can be recorded on it."), position=item.position,
                           state=Label(item.proposal.state_enum.label, lower=True))
    state = item_state(meeting, item)
    refusal = vote_refusal(room(meeting), voter_id=voter.id, voter_name=voter.name, choice=choice,
                           recused=state.recused, in_session=meeting.state_enum is MeetingState.IN_SESSION)
    if refusal:
        raise MeetingError(refusal)
    vote = next((v for v in item.votes if v.user_id == voter.id), None)
    before = vote.choice if vote else None
    if vote is None:
        vote = Vote(user_id=voter.id)
        item.votes.append(vote)
    vote.choice, vote.recorded_by_id, vote.recorded_at = choice.value, actor.id, utcnow()
    vote.quorum_counted, vote.quorum_needed = state.quorum.counted, state.quorum.needed
    record("meeting.vote_changed" if before else "meeting.vote_recorded", actor=actor, target=meeting,
           data={"item_id": item.id, "user_id": voter.id, "from": before, "to": choice.value})
    return vote


def record_notes(item: AgendaItem, *, notes: str, actor: User) -> None:
    """The chair's discussion notes for an item; they go into that item's section of the minutes."""
    _item_manager(item.meeting, item, actor)
    _not_ended(item.meeting, N_("its notes (edit the minutes instead)"))
    item.notes = notes.strip()[:20000]
    record("meeting.notes_saved", actor=actor, target=item.meeting, data={"item_id": item.id})


def _minutes_step(meeting: Meeting, step: MinutesStep) -> MinutesState:
    try:
        return next_minutes_state(meeting.minutes_enum, step)
    except TransitionRefused as refusal:
        raise MeetingError(refusal.message, **refusal.params) from None


def generate_minutes(meeting: Meeting, *, actor: User) -> None:
    """Write the draft minutes from the recorded facts, once the meeting has ended."""
    _manager(meeting, actor)
    if meeting.state_enum is not MeetingState.ENDED:
        raise MeetingError(N_("Minutes are generated once the meeting has ended."))
    after = _minutes_step(meeting, MinutesStep.GENERATE)
    general, sections = section_texts(meeting)  # queries first: the state and its time are written together
    meeting.minutes_state, meeting.minutes_general, meeting.minutes_generated_at = after.value, general, utcnow()
    for item in meeting.items:
        item.minutes_text = sections[item.id]
    record("meeting.minutes_generated", actor=actor, target=meeting, data={"items": len(meeting.items)})


def edit_minutes(meeting: Meeting, *, general: str | None, sections: Mapping[int, str], opened_lock: int,
                 actor: User) -> list[str]:
    """Save the chair's edits of draft minutes: the general section (whoever runs the meeting) and item sections
    (whoever runs each item). Returns what changed; an edit based on an older copy is refused, never merged."""
    if meeting.minutes_enum is not MinutesState.DRAFT:
        raise MeetingError(N_("Approved minutes cannot be changed.") if meeting.minutes_enum is MinutesState.APPROVED
                           else N_("The minutes have not been generated yet."))
    if general is not None:
        _manager(meeting, actor)
    items = {i.id: i for i in meeting.items}
    for item_id in sections:
        if item_id not in items:
            raise MeetingError(N_("That item is not on this meeting's agenda."))
        _item_manager(meeting, items[item_id], actor)
    if opened_lock != meeting.lock_version:
        raise MinutesChanged()
    changed = [f"item {items[i].position}" for i, text in sections.items() if text.strip() != items[i].minutes_text]
    if general is not None and general.strip() != meeting.minutes_general:
        changed.insert(0, "general")
    if not changed:
        return []
    for item_id, text in sections.items():
        items[item_id].minutes_text = text.strip()[:50000]
    if general is not None:
        meeting.minutes_general = general.strip()[:50000]
    flag_modified(meeting, "minutes_general")  # bumps lock_version even when only item sections changed
    db.session.flush()  # raises StaleDataError if another save landed between our check and this write
    record("meeting.minutes_edited", actor=actor, target=meeting, data={"changed": changed})
    return changed


def approve_minutes(earlier: Meeting, *, at_meeting: Meeting, actor: User) -> None:
    """Approve an earlier meeting's draft minutes at a later meeting in session with its quorum; from then on the
    minutes never change."""
    later = at_meeting
    _manager(later, actor)
    if earlier.minutes_enum is MinutesState.APPROVED:
        raise MeetingError(N_("Those minutes were already approved; approved minutes cannot change."))
    if later.id == earlier.id or later.committee_id != earlier.committee_id or later.starts_at <= earlier.starts_at:
        raise MeetingError(N_("Minutes are approved at a later meeting of the same committee."))
    if later.state_enum is not MeetingState.IN_SESSION:
        raise MeetingError(N_("Minutes are approved while the later meeting is in session."))
    if not any(i.minutes_of_id == earlier.id for i in later.items):
        raise MeetingError(N_("Put those minutes on this meeting's agenda first."))
    state = meeting_quorum(room(later))
    if not state.holds:
        raise MeetingError(N_("Quorum does not hold: %(reason)s. The minutes were not approved."),
                           reason=quorum_reason(state))
    earlier.minutes_state = _minutes_step(earlier, MinutesStep.APPROVE).value
    earlier.minutes_approved_at, earlier.minutes_approved_in_id = utcnow(), later.id
    record("meeting.minutes_approved", actor=actor, target=earlier,
           data={"at_meeting_id": later.id, "quorum": [state.counted, state.needed]})


def publish_agenda(meeting: Meeting, *, actor: User) -> int:
    """Send the agenda to the committee's members. Each member's message lists only the items they may see and
    says how many are withheld from them (a conflict of interest), without naming them. Publishing again sends the
    updated agenda. Returns how many members were told."""
    _manager(meeting, actor)
    _not_ended(meeting, N_("its agenda"))
    earlier = db.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.action == "meeting.agenda_published", AuditEvent.target_type == Meeting.__tablename__,
        AuditEvent.target_id == str(meeting.id)).limit(1))
    items = sorted(meeting.items, key=lambda i: i.position)
    record("meeting.agenda_published", actor=actor, target=meeting,
           data={"items": len(items), "update": earlier is not None})

    def params(user: User) -> dict:
        shown, withheld = [], 0
        for item in items:
            if item.is_proposal and not can_view_proposal(user, item.proposal):
                withheld += 1
            elif item.is_proposal:
                shown.append({"position": item.position, "proposal": True, "title": item.proposal.title,
                              "detail": item.proposal.version_count})
            else:
                shown.append({"position": item.position, "proposal": False, "title": item.minutes_of.title,
                              "detail": item.minutes_of.starts_at.strftime("%Y-%m-%d")})
        return {"title": meeting.title, "committee": meeting.committee.name, "when": _when(meeting.starts_at),
                "location": meeting.location, "items": shown, "withheld": withheld, "update": earlier is not None}

    return len(notify("agenda_published", audiences.committee_members(meeting.committee_id), params=params,
                      link=f"/meetings/{meeting.id}"))


def send_decision_letters(meeting: Meeting, *, actor: User) -> int:
    """Send each team member the letter for every final decision made at this meeting that the actor may see (the
    letters the preview showed). One event names how many were sent; returns that count."""
    _manager(meeting, actor)
    found, _withheld = letters.decision_letters(meeting, actor)
    count = sum(len(entry.letters) for entry in found)
    if not count:
        raise MeetingError(N_("No final decision made at this meeting has a letter to send."))
    record("meeting.letters_sent", actor=actor, target=meeting,
           data={"count": count, "decisions": [entry.decision.id for entry in found]})
    for entry in found:
        decision = entry.decision
        notify("decision_letter", [letter.recipient for letter in entry.letters], params=entry.params,
               proposal=decision.proposal, link=f"/decisions/{decision.id}")
    return count
