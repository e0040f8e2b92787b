"""A review entity with a chair, a deputy, members (one a non-scientist), an alternate and a coordinator, and a
proposal routed to it that awaits its decision. Quorum: 3 voting members, with a non-scientist present."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.committees.operations import add_member, set_deputy
from portal.extensions import db
from portal.institutions.models import Institution
from portal.meetings import operations as ops
from portal.meetings.models import Meeting
from portal.proposals.lifecycle import change_state
from portal.proposals.models import Proposal
from portal.proposals.states import Step
from portal.routing.operations import triage_proposal
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.registry import all_sets
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.routing.test_triage import REFERRED, _committee, _screened

TOMORROW = (utcnow() + timedelta(days=1)).replace(microsecond=0)


@dataclass
class World:
    institution: Institution
    committee: Committee
    chair: User
    deputy: User
    member: User
    lay: User  # the non-scientist member
    alternate: User
    coordinator: User
    proposal: Proposal

    @property
    def voters(self) -> list[User]:
        return [self.chair, self.deputy, self.member, self.lay]

    def awaiting(self, factory, title: str, committee: Committee | None = None) -> Proposal:  # noqa: ANN001
        """A fictional proposal screened, routed to the committee and moved on to await its decision."""
        committee = committee or self.committee
        proposal = _screened(factory, self.institution, REFERRED, title=title)
        triage_proposal(proposal, [committee], proposed=[committee], reason="", actor=self.coordinator)
        change_state(proposal, Step.COMPLETE_REVIEW)  # a shortcut past the reviews: no event
        db.session.commit()
        return proposal

    def meeting(self, *items: Proposal, title: str = "December meeting", starts_at: datetime = TOMORROW) -> Meeting:
        meeting = ops.schedule_meeting(self.committee, title=title, starts_at=starts_at, location="Room 4",
                                       actor=self.coordinator)
        for proposal in items:
            ops.add_proposal_item(meeting, proposal, actor=self.coordinator)
        db.session.commit()
        return meeting

    def in_session(self, meeting: Meeting, present: list[User] | None = None) -> Meeting:
        """Start the meeting with these members present (by default the four voting members)."""
        for person in self.voters if present is None else present:
            ops.record_attendance(meeting, person, present=True, actor=self.coordinator)
        ops.start_meeting(meeting, actor=self.coordinator)
        db.session.commit()
        return meeting


@pytest.fixture
def world(app, factory) -> World:  # noqa: ANN001
    return make_meeting_world(factory)


def make_meeting_world(factory) -> World:  # noqa: ANN001
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    committee = _committee(institution, "Review Entity", "ire", quorum_count=3, quorum_percent=None,
                           require_non_scientist=True)

    def person(name: str, *roles: Role) -> User:
        return factory.user(*roles, institution=institution, name=name)

    chair = person("Chair Person", Role.CHAIR, Role.REVIEWER)
    deputy = person("Dee Deputy", Role.REVIEWER)
    member = person("Mia Member", Role.REVIEWER)
    lay = person("Lee Lay", Role.REVIEWER)
    alternate = person("Alex Alternate", Role.REVIEWER)
    coordinator = person("Cora Coordinator", Role.COORDINATOR)
    add_member(committee, chair, role=MemberRole.CHAIR, actor=None)
    seat = add_member(committee, deputy, role=MemberRole.MEMBER, actor=None)
    add_member(committee, member, role=MemberRole.MEMBER, actor=None)
    add_member(committee, lay, role=MemberRole.MEMBER, non_scientist=True, actor=None)
    add_member(committee, alternate, role=MemberRole.ALTERNATE, actor=None)
    set_deputy(committee, seat, actor=coordinator)
    db.session.commit()
    w = World(institution, committee, chair, deputy, member, lay, alternate, coordinator, None)  # type: ignore[arg-type]
    w.proposal = w.awaiting(factory, "A fictional policy study of outbreak preparedness")
    return w


def client_for(app, user: User) -> FlaskClient:  # noqa: ANN001
    client = app.test_client()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302, user.email
    return client


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def event_data(event: AuditEvent) -> dict:
    return json.loads(event.data)


def all_events() -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(AuditEvent.seq)).all())


def reload_meeting(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def text(response: object) -> str:
    return response.get_data(as_text=True)
