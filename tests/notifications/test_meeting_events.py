"""The meeting- and decision-side notifications: a meeting scheduled, its agenda published (each member sees only
the items they may see), a decision made final (the review office and the chair; the team hears its record is
available, with nobody's name), evidence for a condition submitted, verified or returned."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.conflicts.operations import declare_conflict
from portal.decisions import monitoring
from portal.decisions.models import Decision
from portal.decisions.operations import make_decision, sign_decision
from portal.extensions import db
from portal.meetings import operations as meetings
from portal.notifications.models import Notification
from tests.audit.scenarios.decisions import _draft
from tests.decisions.conftest import make_decision_world
from tests.factories import PASSWORD
from tests.meetings.conftest import TOMORROW, make_meeting_world
from tests.notifications.conftest import Mailbox

WHEN = TOMORROW.strftime("%Y-%m-%d %H:%M UTC")


def sent(kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.event == kind).order_by(Notification.id)))


def to(kind: str, user: User) -> Notification:
    found, = [n for n in sent(kind) if n.recipient_id == user.id]
    return found


def ids(notifications: list[Notification]) -> set[int]:
    return {n.recipient_id for n in notifications}


def test_scheduling_a_meeting_tells_each_member_of_the_committee_when_and_where(app: Flask, factory,  # noqa: ANN001
                                                                                mailbox: Mailbox) -> None:
    from portal.notifications import sender

    w = make_meeting_world(factory)
    meeting = w.meeting()

    messages = sent("meeting_scheduled")
    assert ids(messages) == {u.id for u in (w.chair, w.deputy, w.member, w.lay, w.alternate)}
    assert w.coordinator.id not in ids(messages)  # the office scheduled it; it does not sit on the committee
    message = to("meeting_scheduled", w.member)
    assert message.subject == f"Meeting scheduled: December meeting, {WHEN}"
    assert message.link == f"/meetings/{meeting.id}"
    assert "Room 4" in message.body and "Review Entity" in message.body
    assert f"/meetings/{meeting.id}" in message.body

    sender.send_due(app)
    arrived, = mailbox.to(w.lay.email)
    assert mailbox.subject(arrived) == f"Meeting scheduled: December meeting, {WHEN}"


def test_the_published_agenda_lists_to_each_member_only_the_items_they_may_see(app: Flask, factory) -> None:  # noqa: ANN001
    w = make_meeting_world(factory)
    hidden = w.awaiting(factory, "A fictional study the member is conflicted with")
    declare_conflict(hidden, w.member, reason="A recent co-author (fictional).", actor=w.member)
    db.session.commit()
    meeting = w.meeting(w.proposal, hidden)

    told = meetings.publish_agenda(meeting, actor=w.coordinator)
    db.session.commit()

    assert told == 5
    assert ids(sent("agenda_published")) == {u.id for u in (w.chair, w.deputy, w.member, w.lay, w.alternate)}
    conflicted = to("agenda_published", w.member)
    assert conflicted.subject == f"Agenda published: December meeting, {WHEN}"
    assert w.proposal.title in conflicted.body
    assert hidden.title not in conflicted.body and hidden.title not in conflicted.subject
    assert "1 further item is withheld from you because of a conflict of interest" in conflicted.body
    assert conflicted.proposal_id is None and conflicted.link == f"/meetings/{meeting.id}"
    other = to("agenda_published", w.lay)
    assert w.proposal.title in other.body and hidden.title in other.body
    assert "withheld" not in other.body
    assert "Item 1:" in other.body and "Item 2:" in other.body


def test_publishing_again_sends_the_updated_agenda_and_says_so(app: Flask, factory) -> None:  # noqa: ANN001
    w = make_meeting_world(factory)
    meeting = w.meeting()
    meetings.publish_agenda(meeting, actor=w.chair)
    db.session.commit()
    assert "Nothing is on the agenda yet." in to("agenda_published", w.lay).body

    meetings.add_proposal_item(meeting, w.proposal, actor=w.coordinator)
    meetings.publish_agenda(meeting, actor=w.chair)
    db.session.commit()

    first, second = [n for n in sent("agenda_published") if n.recipient_id == w.lay.id]
    assert first.subject.startswith("Agenda published:")
    assert second.subject == f"Updated agenda: December meeting, {WHEN}"
    assert "replaces the one sent earlier" in second.body and w.proposal.title in second.body
    published = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.agenda_published")
                                   .order_by(AuditEvent.seq)).all()
    assert [json.loads(e.data)["update"] for e in published] == [False, True]


def test_only_whoever_runs_the_meeting_publishes_its_agenda(app: Flask, factory) -> None:  # noqa: ANN001
    import pytest

    w = make_meeting_world(factory)
    meeting = w.meeting()
    with pytest.raises(meetings.MeetingError):
        meetings.publish_agenda(meeting, actor=w.member)
    db.session.rollback()
    assert sent("agenda_published") == []


def _final(factory) -> tuple:  # noqa: ANN001
    w = make_decision_world(factory)
    sets, draft = _draft(w)
    decision = make_decision(w.proposal, w.ire, sets, draft, actor=w.chair)
    sign_decision(decision, password=PASSWORD, printed_name=w.chair.name, actor=w.chair)
    db.session.commit()
    assert sent("decision_signed") == [] and sent("record_available") == []  # not final yet
    sign_decision(decision, password=PASSWORD, printed_name=w.member.name, actor=w.member)
    db.session.commit()
    return w, db.session.get(Decision, decision.id)


def _names(w) -> list[str]:  # noqa: ANN001
    return [w.chair.name, w.reviewer.name, w.member.name, w.coordinator.name]


def test_a_final_decision_tells_the_office_and_the_chair_and_the_team_without_any_name(app: Flask, factory) -> None:  # noqa: ANN001
    w, decision = _final(factory)

    signed = sent("decision_signed")
    assert ids(signed) == {w.coordinator.id, w.chair.id}
    message = to("decision_signed", w.coordinator)
    assert message.subject == f"Decision final: {w.proposal.title}"
    assert "Approved with conditions (a risk mitigation plan)" in message.body
    assert message.link == f"/decisions/{decision.id}"

    available = sent("record_available")
    assert ids(available) == {w.proposal.pi_id}
    team = available[0]
    assert team.subject == f"Decision available: {w.proposal.title}"
    assert "Approved with conditions (a risk mitigation plan)" in team.body
    assert f"/decisions/{decision.id}" in team.body
    for name in _names(w):
        assert name not in team.body and name not in team.subject


def test_evidence_for_a_condition_goes_to_the_office_and_its_verification_back_to_the_team(app: Flask, factory) -> None:  # noqa: ANN001
    w, decision = _final(factory)
    condition = decision.conditions[0]
    monitoring.submit_evidence(condition, evidence="The list is filed.", actor=w.proposal.pi)
    db.session.commit()

    submitted = sent("condition_evidence_submitted")
    assert ids(submitted) == {w.coordinator.id}
    assert submitted[0].subject == f"Evidence to verify: condition 1 of {w.proposal.title}"
    assert "Keep the access list current." in submitted[0].body
    assert submitted[0].link == f"/decisions/{decision.id}"

    monitoring.review_evidence(condition, accept=False, note="Attach the dated list.", actor=w.coordinator)
    db.session.commit()
    returned = sent("condition_evidence_returned")
    assert ids(returned) == {w.proposal.pi_id}
    assert returned[0].subject == f"Evidence returned: condition 1 of {w.proposal.title}"
    assert "Attach the dated list." in returned[0].body
    assert w.coordinator.name not in returned[0].body

    monitoring.submit_evidence(condition, evidence="The dated list is filed.", actor=w.proposal.pi)
    monitoring.review_evidence(condition, accept=True, note="", actor=w.coordinator)
    db.session.commit()
    verified = sent("condition_verified")
    assert ids(verified) == {w.proposal.pi_id}
    assert verified[0].subject == f"Condition verified: condition 1 of {w.proposal.title}"
    for name in _names(w):
        assert name not in verified[0].body
