"""Minutes: generated from the recorded facts, edited by the chair with an optimistic lock, approved at a later
meeting and frozen from then on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.models import Meeting
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from portal.revisions.models import RevisionItem, RevisionRequest
from portal.routing.operations import triage_proposal
from tests.conftest import post
from tests.meetings.conftest import TOMORROW, World, client_for, events, reload_meeting, text
from tests.reviews.conftest import complete_values, items_of
from tests.routing.test_triage import REFERRED, _screened

CHANGE = "Describe at a high level how the project's oversight plan will be shared with the funder."


def _reviewed_with_a_disagreement(w: World, factory) -> tuple[object, str]:  # noqa: ANN001
    """A proposal whose reviewer disagreed with the screen on one criterion, with a change asked in an earlier
    round, awaiting the committee's decision. Returns it and the criterion's title."""
    proposal = _screened(factory, w.institution, REFERRED, title="A reviewed fictional study")
    triage_proposal(proposal, [w.committee], proposed=[w.committee], reason="", actor=w.coordinator)
    assignment = assign_reviewer(proposal, w.committee, w.member, due_on=None, actor=w.coordinator)
    db.session.commit()
    items = items_of(assignment)
    disputed = next(i for i in items if i.met)
    values = complete_values(items, **{f"agree-{disputed.key}": "disagree"})
    save_review(assignment, items, values, opened_lock=None, submit=True, actor=w.member)
    complete_review(proposal, actor=w.coordinator)
    request = RevisionRequest(proposal_id=proposal.id, committee_id=w.committee.id,
                              version_id=proposal.versions[-1].id, round=1, sent_by_id=w.chair.id)
    request.items = [RevisionItem(position=1, text=CHANGE)]
    db.session.add(request)
    db.session.commit()
    return proposal, disputed.title


@pytest.fixture
def minuted(world, factory):  # noqa: ANN001, ANN201
    """An ended meeting with draft minutes: one vote of each kind and a declared recusal."""
    w = world
    proposal, issue = _reviewed_with_a_disagreement(w, factory)
    meeting = w.in_session(w.meeting(proposal), present=[*w.voters, w.alternate])
    item = meeting.items[0]
    ops.declare_recusal(item, w.deputy, reason="Advises the funder", actor=w.deputy)
    for voter, choice in ((w.chair, "for"), (w.member, "against"), (w.lay, "abstain")):
        ops.cast_vote(item, voter, choice, actor=voter)
    ops.record_notes(item, notes="The committee discussed the oversight plan.", actor=w.chair)
    ops.end_meeting(meeting, actor=w.chair)
    ops.generate_minutes(meeting, actor=w.chair)
    db.session.commit()
    return w, meeting, issue


def test_generated_minutes_record_the_facts(minuted):
    w, meeting, issue = minuted
    general, section = meeting.minutes_general, meeting.items[0].minutes_text
    assert "Present (5): Chair Person (Chair), Dee Deputy (Member), Mia Member (Member), Lee Lay (Member, " \
           "non-scientist), Alex Alternate (Alternate)" in general
    assert "A non-scientist member was present." in general
    assert section.startswith("Item 1: A reviewed fictional study (version 1)")
    assert "Quorum at the vote: held; 3 voting members present and not recused, 3 needed" in section
    assert "Recused: Dee Deputy." in section
    assert "Advises the funder" not in section + general
    assert "Votes: for 1, against 1, abstain 1, recused 1." in section
    assert f"Basis for required changes:\n- Round 1: {CHANGE}" in section
    assert f"Controverted issues:\n- {issue}" in section
    assert "Discussion notes: The committee discussed the oversight plan." in section
    assert meeting.minutes_state == "draft" and meeting.minutes_generated_at is not None


def _edit(client, meeting: Meeting, lock: int, general: str, **sections: str):  # noqa: ANN001, ANN202
    data = {"lock_version": str(lock), "general": general}
    data.update({f"section-{meeting.items[0].id}": text_ for text_ in sections.values()})
    return post(client, f"/meetings/{meeting.id}/minutes/edit", data)


def test_the_chairs_edits_are_kept(app, minuted):
    w, meeting, _ = minuted
    client = client_for(app, w.chair)
    page = text(client.get(f"/meetings/{meeting.id}/minutes/edit"))
    assert f'name="section-{meeting.items[0].id}"' in page
    response = _edit(client, meeting, meeting.lock_version, "Minutes, as the chair worded them.",
                     item="Item 1 as the chair worded it.")
    assert response.status_code == 302
    shown = text(client.get(f"/meetings/{meeting.id}/minutes"))
    assert "Minutes, as the chair worded them." in shown and "Item 1 as the chair worded it." in shown
    assert [e.actor_id for e in events("meeting.minutes_edited")] == [w.chair.id]


def test_an_edit_based_on_an_older_copy_is_refused_and_the_text_kept(app, minuted):
    w, meeting, _ = minuted
    opened = meeting.lock_version
    assert _edit(client_for(app, w.coordinator), meeting, opened, "The coordinator's wording.").status_code == 302
    late = _edit(client_for(app, w.chair), meeting, opened, "The chair's late wording.")
    assert late.status_code == 409
    assert "changed since you opened them" in text(late)
    assert "The chair&#39;s late wording." in text(late)  # the user's text is kept on the page
    assert reload_meeting(meeting.id).minutes_general == "The coordinator's wording."


def test_approval_at_a_later_meeting_freezes_the_minutes(app, minuted):
    w, meeting, _ = minuted
    later = w.in_session(w.meeting(title="January meeting", starts_at=TOMORROW + timedelta(days=30)))
    client = client_for(app, w.chair)
    assert post(client, f"/meetings/{later.id}/minutes-items", {"meeting_id": meeting.id}).status_code == 302
    item = reload_meeting(later.id).items[0]
    assert "Approve these minutes" in text(client.get(f"/meetings/{later.id}"))
    assert post(client, f"/meetings/{later.id}/items/{item.id}/approve").status_code == 302
    frozen = reload_meeting(meeting.id)
    assert (frozen.minutes_state, frozen.minutes_approved_in_id) == ("approved", later.id)
    before = (frozen.minutes_general, frozen.items[0].minutes_text, frozen.lock_version)

    refused = _edit(client, frozen, frozen.lock_version, "Rewritten after approval.")
    assert refused.status_code == 400
    assert "Approved minutes cannot be changed." in text(refused)
    assert client.get(f"/meetings/{meeting.id}/minutes/edit").status_code == 409
    again = post(client, f"/meetings/{later.id}/items/{item.id}/approve")
    assert again.status_code == 400 and "already approved" in text(again)
    after = reload_meeting(meeting.id)
    assert (after.minutes_general, after.items[0].minutes_text, after.lock_version) == before
    page = text(client.get(f"/meetings/{meeting.id}/minutes"))
    assert "Approved</strong> on" in page and "January meeting" in page and "Edit the minutes" not in page


def test_a_deputy_edits_only_the_section_of_the_item_they_chair(app, minuted):
    w, meeting, _ = minuted
    assert client_for(app, w.deputy).get(f"/meetings/{meeting.id}/minutes/edit").status_code == 403
    declare_conflict(meeting.items[0].proposal, w.chair, reason="Former co-author", actor=w.chair)
    db.session.commit()
    client = client_for(app, w.deputy)
    page = text(client.get(f"/meetings/{meeting.id}/minutes/edit"))
    assert 'name="general"' not in page and f'name="section-{meeting.items[0].id}"' in page
    response = post(client, f"/meetings/{meeting.id}/minutes/edit", {
        "lock_version": str(meeting.lock_version), "general": "The deputy's heading.",
        f"section-{meeting.items[0].id}": "Worded by the deputy."})
    assert response.status_code == 302
    saved = reload_meeting(meeting.id)
    assert saved.items[0].minutes_text == "Worded by the deputy."
    assert saved.minutes_general != "The deputy's heading."  # not theirs to edit: ignored
