"""Who may use each meeting page: (role or relation) × (state) → status. 404 for what a person may not see,
403 for what they may see but not do, 400 for a refusal, 302 when it worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.models import Meeting
from portal.meetings.permissions import can_view_meetings
from portal.meetings.queries import visible_committees_clause
from tests.conftest import post
from tests.meetings.conftest import TOMORROW, World, client_for, text
from tests.routing.test_triage import _committee

DAY = timedelta(days=1)


@dataclass
class Stage:
    """Meetings in every state the pages care about, all with the world's proposal on the agenda."""

    scheduled: Meeting  # with the proposal
    to_start: Meeting
    empty: Meeting  # nothing on the agenda yet
    removable: Meeting
    in_session: Meeting
    ended: Meeting  # draft minutes
    unminuted: Meeting  # ended, minutes not generated
    approved: Meeting  # minutes approved at `approver`
    approver: Meeting
    later: Meeting  # in session, with the minutes of `ended` on its agenda
    later_scheduled: Meeting  # scheduled, with the same minutes item


def _ended(w: World, meeting: Meeting, minutes: bool) -> Meeting:
    w.in_session(meeting)
    ops.end_meeting(meeting, actor=w.coordinator)
    if minutes:
        ops.generate_minutes(meeting, actor=w.coordinator)
    db.session.commit()
    return meeting


def stage(w: World) -> Stage:
    p = w.proposal
    ended = _ended(w, w.meeting(p, title="Ended", starts_at=TOMORROW - 20 * DAY), minutes=True)
    approved = _ended(w, w.meeting(p, title="Approved", starts_at=TOMORROW - 19 * DAY), minutes=True)
    approver = w.in_session(w.meeting(title="Approver", starts_at=TOMORROW - 10 * DAY))
    ops.add_minutes_item(approver, approved, actor=w.coordinator)
    ops.approve_minutes(approved, at_meeting=approver, actor=w.coordinator)
    later = w.in_session(w.meeting(title="Later", starts_at=TOMORROW + 5 * DAY))
    later_scheduled = w.meeting(title="Later, scheduled", starts_at=TOMORROW + 6 * DAY)
    for meeting in (later, later_scheduled):
        ops.add_minutes_item(meeting, ended, actor=w.coordinator)
    db.session.commit()
    return Stage(
        scheduled=w.meeting(p, title="Scheduled"),
        to_start=w.meeting(title="To start"),
        empty=w.meeting(title="Empty"),
        removable=w.meeting(p, title="Removable"),
        in_session=w.in_session(w.meeting(p, title="In session")),
        ended=ended,
        unminuted=_ended(w, w.meeting(p, title="Unminuted", starts_at=TOMORROW - 15 * DAY), minutes=False),
        approved=approved,
        approver=approver,
        later=later,
        later_scheduled=later_scheduled,
    )


def person(w: World, factory, relation: str) -> User:  # noqa: ANN001
    if relation in ("chair, conflicted", "deputy, chair conflicted"):
        declare_conflict(w.proposal, w.chair, reason="Former co-author of the investigator", actor=w.proposal.pi)
        db.session.commit()
    named = {
        "member": w.member,
        "chair": w.chair,
        "chair, conflicted": w.chair,
        "deputy": w.deputy,
        "deputy, chair conflicted": w.deputy,
        "coordinator": w.coordinator,
    }
    if relation in named:
        return named[relation]
    if relation == "pi":
        return w.proposal.pi
    roles = {
        "coordinator elsewhere": (Role.COORDINATOR, None),
        "reviewer not on the committee": (Role.REVIEWER, w.institution),
        "governance": (Role.GOVERNANCE, w.institution),
        "admin": (Role.ADMIN, w.institution),
    }
    role, institution = roles[relation]
    return factory.user(role, institution=institution or factory.institution())


def item_url(meeting: Meeting, action: str) -> str:
    return f"/meetings/{meeting.id}/items/{meeting.items[0].id}/{action}"


def statuses(client, w: World, s: Stage) -> dict[str, int]:  # noqa: ANN001
    """Every page and action once, in an order where an action that works does not change a later check."""
    get = client.get
    return {
        "list": get("/meetings").status_code,
        "committee": get(f"/meetings/committee/{w.committee.id}").status_code,
        "meeting": get(f"/meetings/{s.in_session.id}").status_code,
        "minutes": get(f"/meetings/{s.ended.id}/minutes").status_code,
        "schedule": post(client, f"/meetings/committee/{w.committee.id}/new",
                         {"title": "Visitor's meeting", "starts_at": "2030-01-15T14:00"}).status_code,
        "start": post(client, f"/meetings/{s.to_start.id}/start").status_code,
        "start again": post(client, f"/meetings/{s.in_session.id}/start").status_code,
        "attendance": post(client, f"/meetings/{s.scheduled.id}/attendance",
                           {"user_id": w.alternate.id, "present": "yes"}).status_code,
        "attendance ended": post(client, f"/meetings/{s.ended.id}/attendance",
                                 {"user_id": w.alternate.id, "present": "yes"}).status_code,
        "add item": post(client, f"/meetings/{s.empty.id}/items", {"proposal_id": w.proposal.id}).status_code,
        "add item ended": post(client, f"/meetings/{s.unminuted.id}/items", {"proposal_id": w.proposal.id}).status_code,
        "vote": post(client, item_url(s.in_session, "votes"), {"user_id": w.lay.id, "choice": "for"}).status_code,
        "vote scheduled": post(client, item_url(s.scheduled, "votes"),
                               {"user_id": w.lay.id, "choice": "for"}).status_code,
        "recuse": post(client, item_url(s.in_session, "recusals"),
                       {"user_id": w.alternate.id, "reason": "Advised the funder"}).status_code,
        "notes": post(client, item_url(s.in_session, "notes"), {"notes": "Discussed the plan."}).status_code,
        "remove item": post(client, item_url(s.removable, "remove")).status_code,
        "generate": post(client, f"/meetings/{s.unminuted.id}/minutes/generate").status_code,
        "generate in session": post(client, f"/meetings/{s.in_session.id}/minutes/generate").status_code,
        "edit minutes": get(f"/meetings/{s.ended.id}/minutes/edit").status_code,
        "edit approved": get(f"/meetings/{s.approved.id}/minutes/edit").status_code,
        "approve scheduled": post(client, item_url(s.later_scheduled, "approve")).status_code,
        "approve": post(client, item_url(s.later, "approve")).status_code,
    }


READS = ("list", "committee", "meeting", "minutes")
WRITES = ("schedule", "start", "start again", "attendance", "attendance ended", "add item", "add item ended", "vote",
          "vote scheduled", "recuse", "notes", "remove item", "generate", "generate in session", "edit minutes",
          "edit approved", "approve scheduled", "approve")
# What a meeting manager gets: 302 when it works, 400 for a refusal (the state), 409 for approved minutes.
MANAGER = {"schedule": 302, "start": 302, "start again": 400, "attendance": 302, "attendance ended": 400,
           "add item": 302, "add item ended": 400, "vote": 302, "vote scheduled": 400, "recuse": 302, "notes": 302,
           "remove item": 302, "generate": 302, "generate in session": 400, "edit minutes": 200, "edit approved": 409,
           "approve scheduled": 400, "approve": 302}
ITEM_DUTIES = ("add item", "add item ended", "vote", "vote scheduled", "recuse", "notes", "remove item")
SEES = dict.fromkeys(READS, 200)
NOTHING = dict.fromkeys((*READS, *WRITES), 404)
ONLY_THE_LIST = {**NOTHING, "list": 200}
FORBIDDEN = {**SEES, **dict.fromkeys(WRITES, 403)}

EXPECTED = {
    "member": FORBIDDEN,
    "chair": {**SEES, **MANAGER},
    "coordinator": {**SEES, **MANAGER},
    # A conflict beats the chair: its item is not found, the rest of the meeting is still the chair's.
    "chair, conflicted": {**SEES, **MANAGER, **dict.fromkeys(ITEM_DUTIES, 404)},
    "deputy": FORBIDDEN,
    # The deputy takes the chair's duties for the conflicted item, and only those.
    "deputy, chair conflicted": {**FORBIDDEN, **{k: MANAGER[k] for k in ITEM_DUTIES}, "edit minutes": 200,
                                 "edit approved": 409},
    "coordinator elsewhere": ONLY_THE_LIST,
    "reviewer not on the committee": ONLY_THE_LIST,
    "pi": NOTHING,
    "governance": NOTHING,
    "admin": NOTHING,
}


@pytest.mark.parametrize("relation", list(EXPECTED))
def test_permission_truth_table(app, world, factory, relation):
    s = stage(world)
    visitor = person(world, factory, relation)
    found = statuses(client_for(app, visitor), world, s)
    assert found == EXPECTED[relation]
    scheduled = db.session.scalar(select(Meeting).where(Meeting.title == "Visitor's meeting"))
    assert (scheduled is not None) == (found["schedule"] == 302)


def test_the_nav_link_is_for_reviewers_chairs_and_coordinators(app, factory):
    for role, shown in ((Role.REVIEWER, True), (Role.CHAIR, True), (Role.COORDINATOR, True),
                        (Role.INVESTIGATOR, False), (Role.GOVERNANCE, False), (Role.ADMIN, False)):
        page = text(client_for(app, factory.user(role)).get("/dashboard"))
        assert ('href="/meetings"' in page) == shown, role


def test_the_list_query_and_the_predicate_agree(app, world, factory):
    other = factory.institution()

    _committee(other, "Elsewhere", "ibc")
    expired = factory.user(Role.REVIEWER, institution=world.institution, name="Ex Pert")

    add_member(world.committee, expired, role=MemberRole.MEMBER, external_expert=True,
               access_until=utcnow().date() - DAY, actor=None)
    db.session.commit()
    people = [world.chair, world.member, world.coordinator, world.proposal.pi, expired,
              factory.user(Role.COORDINATOR, institution=other),
              factory.user(Role.ADMIN, institution=world.institution)]
    committees = db.session.scalars(select(Committee)).all()
    for user in people:
        by_query = set(db.session.scalars(select(Committee.id).where(visible_committees_clause(user))))
        assert by_query == {c.id for c in committees if can_view_meetings(user, c)}, user.name


def test_a_member_votes_and_recuses_themself_on_the_meeting_page(app, world, factory):
    w = world
    second = w.awaiting(factory, "A second fictional study")
    meeting = w.in_session(w.meeting(w.proposal, second))
    first_item, second_item = meeting.items
    client = client_for(app, w.member)
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert page.count("Your vote on item") == 2 and "Record votes" not in page
    voted = post(client, f"/meetings/{meeting.id}/items/{first_item.id}/votes",
                 {"user_id": w.member.id, "choice": "against"})
    assert voted.status_code == 302
    recused = post(client, f"/meetings/{meeting.id}/items/{second_item.id}/recusals",
                   {"user_id": w.member.id, "reason": "Advises the funder"})
    assert recused.status_code == 302
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "Your vote on item 1 (now: against)" in page
    assert "You are recused from this item." in page
    assert "Recused: Mia Member." in page
    refused = post(client, f"/meetings/{meeting.id}/items/{second_item.id}/votes",
                   {"user_id": w.member.id, "choice": "for"})
    assert refused.status_code == 400
    assert "Mia Member is recused from this item and can only be recorded as recused." in text(refused)


def test_scheduling_a_meeting(app, world):
    client = client_for(app, world.chair)
    assert client.get(f"/meetings/committee/{world.committee.id}/new").status_code == 200
    response = post(client, f"/meetings/committee/{world.committee.id}/new",
                    {"title": "  January   meeting ", "starts_at": "2030-01-15T14:30", "location": "Room 4"})
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "January meeting"))
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting.id}"
    assert (meeting.starts_at.isoformat(), meeting.location, meeting.state) == ("2030-01-15T14:30:00", "Room 4",
                                                                                "scheduled")
    listing = text(client.get("/meetings"))
    assert "January meeting" in listing and "2030-01-15 14:30 UTC" in listing
