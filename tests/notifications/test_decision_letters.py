"""Decision letters: previewed for the coordinator (or the committee's chair) exactly as each team member will
receive them, in that person's language, naming no reviewer or signer; sent together, one notification per team
member and one audit event."""

from __future__ import annotations

import json
import re
from html import unescape

from flask import Flask
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from portal.meetings import operations as meetings
from portal.meetings.models import Meeting
from portal.notifications.models import Notification
from portal.proposals.fields import TeamRole
from portal.proposals.models import ProposalMember
from tests.audit.scenarios.decisions import decide_at_meeting
from tests.conftest import post
from tests.decisions.conftest import make_decision_world
from tests.meetings.conftest import TOMORROW
from tests.reviews.conftest import World, client_for

LETTER = re.compile(r'<pre class="letter-text" lang="([^"]+)" data-recipient="(\d+)">(.*?)</pre>', re.S)


def _meeting(w: World) -> Meeting:
    meeting = meetings.schedule_meeting(w.ire, title="December meeting", starts_at=TOMORROW, location="Room 4",
                                        actor=w.coordinator)
    db.session.commit()
    return meeting


def _decided_at_meeting(factory) -> tuple[World, Meeting, User]:  # noqa: ANN001
    """The proposal decided at a meeting (final); its PI reads Chinese and a co-investigator English."""
    w = make_decision_world(factory)
    co_investigator = factory.user(institution=w.institution, name="Casey Co-Investigator")
    db.session.add(ProposalMember(proposal_id=w.proposal.id, user_id=co_investigator.id,
                                  role=TeamRole.CO_INVESTIGATOR.value))
    w.proposal.pi.locale = "zh_CN"
    meeting = _meeting(w)
    decide_at_meeting(w, meeting)
    return w, meeting, co_investigator


def _letters(page: str) -> dict[int, tuple[str, str]]:
    return {int(recipient): (lang, unescape(text)) for lang, recipient, text in LETTER.findall(page)}


def _staff_names(w: World) -> list[str]:
    return [w.chair.name, w.reviewer.name, w.member.name, w.coordinator.name]  # type: ignore[attr-defined]


def test_the_preview_shows_each_team_members_letter_in_their_language_with_no_reviewer_or_signer(
    app: Flask, factory  # noqa: ANN001
) -> None:
    w, meeting, co_investigator = _decided_at_meeting(factory)

    response = client_for(app, w.coordinator).get(f"/meetings/{meeting.id}/letters")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    letters = _letters(page)
    assert set(letters) == {w.proposal.pi_id, co_investigator.id}
    assert letters[w.proposal.pi_id][0] == "zh-Hans"  # the PI's language (the text may be English until translated)
    assert letters[co_investigator.id][0] == "en"
    pi = w.proposal.pi
    assert f"To {pi.name} ({pi.email}), in 简体中文" in page  # the preview names each letter's language
    english = letters[co_investigator.id][1]
    assert f"Subject: Decision letter: {w.proposal.title}" in english
    assert "Dear Casey Co-Investigator," in english
    assert "Outcome: Approved with conditions (a risk mitigation plan)" in english
    assert "Keep the access list current." in english  # the condition, with its due date
    decision_id = db.session.scalar(select(Notification.link).where(Notification.event == "record_available"))
    assert decision_id in english  # the link to the decision
    for _lang, text in letters.values():
        for name in _staff_names(w):
            assert name not in text
    assert "Send these 2 letters" in page
    assert sum(1 for n in db.session.scalars(select(Notification.event)) if n == "decision_letter") == 0  # a preview


def test_the_committees_chair_may_preview_but_a_member_and_the_team_may_not(app: Flask, factory) -> None:  # noqa: ANN001
    w, meeting, _co = _decided_at_meeting(factory)
    assert client_for(app, w.chair).get(f"/meetings/{meeting.id}/letters").status_code == 200
    assert client_for(app, w.reviewer).get(f"/meetings/{meeting.id}/letters").status_code == 403
    assert client_for(app, w.proposal.pi).get(f"/meetings/{meeting.id}/letters").status_code == 404
    assert post(client_for(app, w.reviewer), f"/meetings/{meeting.id}/letters").status_code == 403


def test_sending_writes_one_letter_per_team_member_and_one_audit_event(app: Flask, factory) -> None:  # noqa: ANN001
    w, meeting, co_investigator = _decided_at_meeting(factory)

    response = post(client_for(app, w.coordinator), f"/meetings/{meeting.id}/letters")

    assert response.status_code == 302
    db.session.expire_all()
    letters = db.session.scalars(select(Notification).where(Notification.event == "decision_letter")).all()
    assert sorted(n.recipient_id for n in letters) == sorted([w.proposal.pi_id, co_investigator.id])
    by_person = {n.recipient_id: n for n in letters}
    assert by_person[w.proposal.pi_id].language == "zh_CN"
    assert by_person[co_investigator.id].language == "en"
    assert by_person[co_investigator.id].subject == f"Decision letter: {w.proposal.title}"
    assert all(n.link.startswith("/decisions/") for n in letters)
    for letter in letters:
        for name in _staff_names(w):
            assert name not in letter.body
    sent_events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.letters_sent")).all()
    assert len(sent_events) == 1
    assert json.loads(sent_events[0].data)["count"] == 2


def test_a_meeting_without_a_decision_shows_the_empty_state_and_sends_nothing(app: Flask, factory) -> None:  # noqa: ANN001
    w = make_decision_world(factory)
    meeting = _meeting(w)
    client = client_for(app, w.coordinator)

    page = client.get(f"/meetings/{meeting.id}/letters").get_data(as_text=True)
    assert "No letters to send" in page and "Send these" not in page

    refused = post(client, f"/meetings/{meeting.id}/letters")
    assert refused.status_code == 400
    assert "No final decision made at this meeting has a letter to send." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.letters_sent")).all() == []
