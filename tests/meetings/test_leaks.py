"""A conflicted chair and a conflicted member see nothing of their item, on any page: no title, no vote or count,
no quorum, no notes, no minutes section. Unique canary strings make a leak easy to spot."""

from __future__ import annotations

import pytest

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.institutions.operations import add_department
from portal.meetings import operations as ops
from tests.conftest import post
from tests.meetings.conftest import client_for, text

TITLE = "Canary title LEAK-7Q"
NOTES = "Canary notes NOTE-3Z"
OTHER = "A second fictional study"
COUNT = "for 3 · against 0"  # the canary item's tally on the meeting page
MINUTES_COUNT = "Votes: for 3, against 0"


@pytest.fixture
def leak_world(world, factory):  # noqa: ANN001, ANN201
    """The canary proposal, conflicted for the chair (declared) and for a member (same department as the PI),
    voted on and minuted; a second proposal everyone may see; and the canary again as a candidate elsewhere."""
    w = world
    canary = w.awaiting(factory, TITLE)
    other = w.awaiting(factory, OTHER)
    # The canary's PI works in a department of their own, which one member shares: a derived conflict.
    canary.pi.department = add_department(w.institution, "Public Health Policy", actor=None)
    colleague = factory.user(Role.REVIEWER, institution=w.institution, department=canary.pi.department,
                             name="Col League")
    add_member(w.committee, colleague, role=MemberRole.MEMBER, actor=None)
    declare_conflict(canary, w.chair, reason="Former co-author", actor=canary.pi)
    db.session.commit()
    meeting = w.in_session(w.meeting(canary, other), present=[*w.voters, colleague])
    item = meeting.items[0]
    for voter in (w.deputy, w.member, w.lay):
        ops.cast_vote(item, voter, "for", actor=w.deputy)  # the deputy acts for the conflicted chair
    ops.record_notes(item, notes=NOTES, actor=w.deputy)
    ops.end_meeting(meeting, actor=w.chair)
    ops.generate_minutes(meeting, actor=w.coordinator)
    w.meeting(title="Next meeting")  # where the canary could be offered for the agenda
    db.session.commit()
    return w, meeting, colleague


def _pages(client, meeting) -> dict[str, str]:  # noqa: ANN001
    paths = {
        "meeting": f"/meetings/{meeting.id}",
        "minutes": f"/meetings/{meeting.id}/minutes",
        "list": "/meetings",
        "committee": f"/meetings/committee/{meeting.committee_id}",
        "dashboard": "/dashboard",
    }
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
        pages[name] = text(response)
    scheduled = client.get(f"/meetings/{meeting.id + 1}")  # the next meeting, with its add-to-agenda choices
    assert scheduled.status_code == 200
    pages["next meeting"] = text(scheduled)
    return pages


@pytest.mark.parametrize("who", ["chair", "member"])
def test_a_conflicted_person_sees_nothing_of_their_item(app, leak_world, who):
    w, meeting, colleague = leak_world
    viewer = w.chair if who == "chair" else colleague
    pages = _pages(client_for(app, viewer), meeting)
    for name, page in pages.items():
        for canary in (TITLE, NOTES, COUNT, MINUTES_COUNT, "Recused: Chair Person"):
            assert canary not in page, f"{canary!r} on the {name} page"
    assert "Item 1: withheld — you are recused (conflict of interest)" in pages["meeting"]
    assert "Item 1: withheld — you are recused (conflict of interest)" in pages["minutes"]
    assert pages["meeting"].count("Quorum for this item") == 1  # only the item they may see
    assert OTHER in pages["meeting"] and f"Item 2: {OTHER}" in pages["minutes"]  # the rest stays readable
    assert "Attendance" in pages["minutes"]
    if who == "chair":  # the chair may edit the minutes, but not the withheld section
        editor = text(client_for(app, viewer).get(f"/meetings/{meeting.id}/minutes/edit"))
        assert TITLE not in editor and NOTES not in editor and MINUTES_COUNT not in editor
        assert f'name="section-{meeting.items[0].id}"' not in editor


def test_the_others_see_the_canary_item(app, leak_world):
    w, meeting, _ = leak_world
    pages = _pages(client_for(app, w.member), meeting)
    assert TITLE in pages["meeting"] and NOTES in pages["meeting"] and COUNT in pages["meeting"]
    assert TITLE in pages["minutes"] and MINUTES_COUNT in pages["minutes"]
    assert "Recused: Chair Person, Col League." in pages["minutes"]
    assert "Former co-author" not in pages["minutes"]  # recusals are named, never their reasons


def test_conflicted_item_actions_are_not_found(app, leak_world):
    w, meeting, _ = leak_world
    client = client_for(app, w.chair)
    item = meeting.items[0]
    assert client.get(f"/meetings/{meeting.id}/items/{item.id}/approve").status_code == 405
    for action, data in (("notes", {"notes": "x"}), ("votes", {"user_id": w.chair.id, "choice": "recused"}),
                         ("recusals", {"user_id": w.chair.id, "reason": "x"}), ("remove", {})):
        assert post(client, f"/meetings/{meeting.id}/items/{item.id}/{action}", data).status_code == 404, action
