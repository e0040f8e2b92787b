"""Assigning reviewers: refusals with reasons, the audit, the page's permissions, and the reviewer's dashboard."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member, set_deputy
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals.permissions import can_view_proposal, is_assigned_reviewer
from portal.reviews.models import Assignment
from portal.reviews.operations import AssignmentError, assign_reviewer, withdraw_assignment
from tests.conftest import post
from tests.reviews.conftest import client_for
from tests.statements import statements_for


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_assigning_is_audited_with_the_default_due_date(world):
    w = world
    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    due = utcnow().date() + timedelta(days=w.ire.review_due_days)
    assert (assignment.state, assignment.due_on, assignment.version_id) == ("active", due, w.proposal.versions[-1].id)
    [created] = _events("assignment.created")
    data = json.loads(created.data)
    assert data == {
        "proposal_id": w.proposal.id,
        "reviewer_id": w.reviewer.id,
        "committee_id": w.ire.id,
        "version": 1,
        "due_on": due.isoformat(),
    }
    assert created.actor_id == w.coordinator.id
    assert can_view_proposal(w.reviewer, w.proposal)


def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(world, factory):
    w = world
    colleague = factory.user(Role.REVIEWER, institution=w.institution, department=w.proposal.pi.department, name="Col")
    add_member(w.ire, colleague, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    with pytest.raises(AssignmentError, match="Col cannot review: works in the principal investigator's department"):
        assign_reviewer(w.proposal, w.ire, colleague, due_on=None, actor=w.coordinator)
    declare_conflict(w.proposal, w.reviewer, reason="Former student of the PI", actor=w.reviewer)
    with pytest.raises(AssignmentError, match="declared: Former student of the PI"):
        assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    assert _events("assignment.created") == []


def test_non_members_expired_experts_duplicates_and_unrouted_committees_are_refused(world, factory):
    w = world
    outsider = factory.user(Role.REVIEWER, institution=w.institution, name="Otto Outsider")
    with pytest.raises(AssignmentError, match="Otto Outsider is not a member of Review Entity"):
        assign_reviewer(w.proposal, w.ire, outsider, due_on=None, actor=w.coordinator)

    expert = factory.user(Role.REVIEWER, name="Eva Expert")  # of another institution
    yesterday = utcnow().date() - timedelta(days=1)
    add_member(w.ire, expert, role=MemberRole.MEMBER, external_expert=True, access_until=yesterday, actor=None)
    with pytest.raises(AssignmentError, match="Eva Expert's access as an external expert ended on"):
        assign_reviewer(w.proposal, w.ire, expert, due_on=None, actor=w.coordinator)

    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    with pytest.raises(AssignmentError, match="Rita Reviewer is already assigned to version 1"):
        assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)

    add_member(w.ibc, w.reviewer, role=MemberRole.MEMBER, actor=None)
    with pytest.raises(AssignmentError, match="was not sent to Biosafety Committee"):
        assign_reviewer(w.proposal, w.ibc, w.reviewer, due_on=None, actor=w.coordinator)

    with pytest.raises(AssignmentError, match="cannot be in the past"):
        assign_reviewer(w.proposal, w.ire, w.chair, due_on=yesterday, actor=w.coordinator)
    db.session.commit()
    assert len(_events("assignment.created")) == 1


def test_withdrawing_needs_a_reason_and_is_audited(world):
    w = world
    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    with pytest.raises(AssignmentError, match="Say why"):
        withdraw_assignment(assignment, reason="  ", actor=w.coordinator)
    assert assignment.state == "active"
    withdraw_assignment(assignment, reason="On leave until spring", actor=w.coordinator)
    db.session.commit()
    assert (assignment.state, assignment.withdrawn_reason) == ("withdrawn", "On leave until spring")
    assert json.loads(_events("assignment.withdrawn")[0].data)["reason"] == "On leave until spring"
    # No longer a reviewer of it; as a member of the committee it was routed to, still a reader.
    assert not is_assigned_reviewer(w.reviewer, w.proposal)
    assert can_view_proposal(w.reviewer, w.proposal)


def _url(w) -> str:  # noqa: ANN001
    return f"/proposals/{w.proposal.id}/assignments"


def test_who_may_open_the_assignments_page(app, world, factory):
    w = world
    deputy = factory.user(Role.CHAIR, Role.REVIEWER, institution=w.institution, name="Dee Deputy")
    member = add_member(w.ire, deputy, role=MemberRole.MEMBER, actor=None)
    set_deputy(w.ire, member, actor=w.coordinator)
    db.session.commit()
    expected = [
        (w.coordinator, 200),
        (factory.user(Role.COORDINATOR), 404),
        (w.chair, 200),
        (deputy, 403),  # the chair is not conflicted: the deputy does not act
        (w.reviewer, 403),  # a member of the committee the proposal was routed to reads it
        (w.proposal.pi, 403),
        (factory.user(Role.GOVERNANCE, institution=w.institution), 404),
    ]
    for user, status in expected:
        assert client_for(app, user).get(_url(w)).status_code == status, user.name

    declare_conflict(w.proposal, w.chair, reason="Co-author of the PI", actor=w.proposal.pi)
    db.session.commit()
    assert client_for(app, w.chair).get(_url(w)).status_code == 404
    page = client_for(app, deputy).get(_url(w))
    assert page.status_code == 200
    assert "Chair Person: not eligible: declared: Co-author of the PI" in page.get_data(as_text=True)


def test_an_assigned_reviewer_sees_the_proposal_but_not_the_assignments_page(app, world):
    w = world
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    client = client_for(app, w.reviewer)
    assert client.get(f"/proposals/{w.proposal.id}").status_code == 200
    assert client.get(_url(w)).status_code == 403


def test_the_page_suggests_assigns_and_withdraws(app, world):
    w = world
    client = client_for(app, w.coordinator)
    detail = client.get(f"/proposals/{w.proposal.id}").get_data(as_text=True)
    assert "Assign reviewers" in detail
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Rita Reviewer" in page and "(suggested)" in page and "0 active assignments" in page

    due = (utcnow().date() + timedelta(days=3)).isoformat()
    done = post(client, _url(w), {"committee_id": w.ire.id, "reviewer_id": w.reviewer.id, "due_on": due})
    assert done.status_code == 302
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.due_on.isoformat() == due

    again = post(client, _url(w), {"committee_id": w.ire.id, "reviewer_id": w.reviewer.id})
    assert again.status_code == 400 and "already assigned" in again.get_data(as_text=True)
    unrouted = post(client, _url(w), {"committee_id": w.ibc.id, "reviewer_id": w.reviewer.id})
    assert unrouted.status_code == 400
    garbage = post(client, _url(w), {"committee_id": "x", "reviewer_id": ""})
    assert garbage.status_code == 400

    withdraw_url = f"{_url(w)}/{assignment.id}/withdraw"
    refused = post(client, withdraw_url, {"reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert post(client, withdraw_url, {"reason": "Too busy"}).status_code == 302
    assert db.session.get(Assignment, assignment.id).state == "withdrawn"


def test_a_conflicted_reviewer_is_refused_on_the_page_with_the_reason(app, world, factory):
    w = world
    colleague = factory.user(Role.REVIEWER, institution=w.institution, department=w.proposal.pi.department, name="Col")
    add_member(w.ire, colleague, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    client = client_for(app, w.chair)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Col: not eligible: works in the principal investigator&#39;s department" in page
    refused = post(client, _url(w), {"committee_id": w.ire.id, "reviewer_id": colleague.id})
    assert refused.status_code == 400
    assert "Col cannot review: works in the principal investigator&#39;s department" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Assignment)).all() == []


def test_investigators_see_no_reviewer_names(app, world):
    w = world
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    client = client_for(app, w.proposal.pi)
    for path in (_url(w), f"/proposals/{w.proposal.id}"):
        body = client.get(path).get_data(as_text=True)
        assert "Rita Reviewer" not in body and "Assign reviewers" not in body
    assert post(client, _url(w), {"committee_id": w.ire.id, "reviewer_id": w.chair.id}).status_code == 403


def test_the_reviewers_dashboard_lists_assignments_except_conflicted_ones(app, world, factory):
    w = world
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    other = w.screened_and_routed(factory, "Second canary SC-2")
    assign_reviewer(other, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    declare_conflict(other, w.reviewer, reason="Became a collaborator", actor=w.reviewer)
    db.session.commit()
    body = client_for(app, w.reviewer).get("/dashboard").get_data(as_text=True)
    assert "Assignment canary AS-9" in body and "Review Entity" in body
    assert "SC-2" not in body


def test_the_dashboard_runs_the_same_statements_for_one_and_four_assignments(app, world, factory):
    w = world
    client = client_for(app, w.reviewer)

    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    one = statements_for(client, "/dashboard")
    for n in range(3):
        proposal = w.screened_and_routed(factory, f"More {n}")
        assign_reviewer(proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    assert statements_for(client, "/dashboard") == one
