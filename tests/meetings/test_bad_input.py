"""Meeting pages refuse bad input: ids of what the user may not see are 404, missing or malformed fields are 400
with a message on the page, a POST without its CSRF token is 400; never a 500, and nothing is saved."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.auth.roles import Role
from portal.extensions import db
from portal.meetings import operations as ops
from tests.conftest import post
from tests.meetings.conftest import all_events, client_for, text
from tests.routing.test_triage import _committee


@pytest.fixture
def running(world):  # noqa: ANN001, ANN201
    """A meeting in session with the world's proposal on its agenda."""
    return world.in_session(world.meeting(world.proposal))


@pytest.fixture
def elsewhere(factory):  # noqa: ANN001, ANN201
    """Another institution's committee, coordinator, meeting, proposal and member."""
    institution = factory.institution()
    committee = _committee(institution, "Their committee", "ibc")
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    meeting = ops.schedule_meeting(committee, title="Their meeting", starts_at=datetime(2030, 1, 1), actor=coordinator)
    db.session.commit()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    return {
        "committee": committee,
        "meeting": meeting,
        "proposal": factory.proposal(pi, submitted=True, title="Their proposal"),
        "person": factory.user(Role.REVIEWER, institution=institution),
    }


def test_ids_of_other_institutions_objects_are_not_found(app, world, running, elsewhere):
    w, theirs = world, elsewhere
    client = client_for(app, w.chair)
    item = f"/meetings/{running.id}/items/{running.items[0].id}"
    before = all_events()
    found = {
        "their meeting": client.get(f"/meetings/{theirs['meeting'].id}").status_code,
        "their minutes": client.get(f"/meetings/{theirs['meeting'].id}/minutes").status_code,
        "their committee": client.get(f"/meetings/committee/{theirs['committee'].id}").status_code,
        "schedule for them": post(client, f"/meetings/committee/{theirs['committee'].id}/new",
                                  {"title": "Ours", "starts_at": "2030-01-01T10:00"}).status_code,
        "their proposal": post(client, f"/meetings/{running.id}/items",
                               {"proposal_id": theirs["proposal"].id}).status_code,
        "their minutes item": post(client, f"/meetings/{running.id}/minutes-items",
                                   {"meeting_id": theirs["meeting"].id}).status_code,
        "their person present": post(client, f"/meetings/{running.id}/attendance",
                                     {"user_id": theirs["person"].id, "present": "yes"}).status_code,
        "their person votes": post(client, f"{item}/votes",
                                   {"user_id": theirs["person"].id, "choice": "for"}).status_code,
        "their person recused": post(client, f"{item}/recusals",
                                     {"user_id": theirs["person"].id, "reason": "x"}).status_code,
        "an item of their meeting": post(client, f"/meetings/{theirs['meeting'].id}/items/{running.items[0].id}/"
                                         "notes", {"notes": "x"}).status_code,
        "no such meeting": client.get("/meetings/987654").status_code,
        "no such item": post(client, f"/meetings/{running.id}/items/987654/votes",
                             {"user_id": w.chair.id, "choice": "for"}).status_code,
        "no such proposal": post(client, f"/meetings/{running.id}/items", {"proposal_id": 987654}).status_code,
    }
    assert found == dict.fromkeys(found, 404)
    # One access.denied for each of their meetings or committees named in the URL (check 1); an id in a form, or an
    # id that names nothing, is a plain 404.
    assert all_events() == before + 5


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("schedule", {"starts_at": "2030-01-01T10:00"}, "Give the meeting a title."),
        ("schedule", {"title": "January", "starts_at": ""}, "Give the day and time the meeting starts."),
        ("schedule", {"title": "January", "starts_at": "next Tuesday"}, "Not a valid datetime value."),
        ("schedule", {"title": "x" * 201, "starts_at": "2030-01-01T10:00"}, "Use at most 200 characters."),
        ("attendance", {"present": "yes"}, "Choose a member."),
        ("attendance", {"user_id": "someone", "present": "yes"}, "Not a valid integer value."),
        ("attendance", {"user_id": str(2**70), "present": "yes"}, "Choose from the list."),
        ("attendance", {"user_id": "{member}", "present": "perhaps"}, "Not a valid choice."),
        ("add item", {}, "Choose a proposal."),
        ("add item", {"proposal_id": "-3"}, "Choose from the list."),
        ("minutes item", {"meeting_id": ""}, "Choose the meeting whose minutes to approve."),
        ("vote", {"user_id": "{member}"}, "Choose for, against, abstain or recused."),
        ("vote", {"user_id": "{member}", "choice": "maybe"}, "Not a valid choice."),
        ("vote", {"choice": "for"}, "Choose a member."),
        ("recusal", {"user_id": "{member}", "reason": "   "}, "Say briefly why the member is recused."),
        ("notes", {"notes": "x" * 20001}, "Field cannot be longer than 20000 characters."),
    ],
)
def test_missing_or_malformed_fields_are_400_with_a_message(app, world, running, action, data, message):
    w = world
    item = f"/meetings/{running.id}/items/{running.items[0].id}"
    paths = {
        "schedule": f"/meetings/committee/{w.committee.id}/new",
        "attendance": f"/meetings/{running.id}/attendance",
        "add item": f"/meetings/{running.id}/items",
        "minutes item": f"/meetings/{running.id}/minutes-items",
        "vote": f"{item}/votes",
        "recusal": f"{item}/recusals",
        "notes": f"{item}/notes",
    }
    data = {k: v.replace("{member}", str(w.member.id)) for k, v in data.items()}
    client = client_for(app, w.chair)
    before = all_events()
    response = post(client, paths[action], data)
    assert response.status_code == 400
    assert message in text(response)
    assert 'role="alert"' in text(response)
    assert all_events() == before


def test_a_malformed_minutes_lock_is_400(app, world):
    w = world
    meeting = w.in_session(w.meeting(w.proposal))
    ops.end_meeting(meeting, actor=w.chair)
    ops.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    response = post(client_for(app, w.chair), f"/meetings/{meeting.id}/minutes/edit",
                    {"lock_version": "latest", "general": "x"})
    assert response.status_code == 400
    assert "Reload the page and edit again." in text(response)


def test_a_post_without_its_csrf_token_is_refused(app, world, running):
    client = client_for(app, world.chair)
    item = f"/meetings/{running.id}/items/{running.items[0].id}"
    before = all_events()
    for path, data in (
        (f"/meetings/committee/{world.committee.id}/new", {"title": "No token", "starts_at": "2030-01-01T10:00"}),
        (f"/meetings/{running.id}/end", {}),
        (f"/meetings/{running.id}/attendance", {"user_id": world.alternate.id, "present": "yes"}),
        (f"{item}/votes", {"user_id": world.chair.id, "choice": "for"}),
        (f"{item}/notes", {"notes": "No token"}),
        (f"/meetings/{running.id}/minutes/generate", {}),
    ):
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "Your form expired" in text(response)
    assert all_events() == before
