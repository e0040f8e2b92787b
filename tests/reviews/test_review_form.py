"""The review form: generated from the screenings, saved as a draft or submitted complete, optimistic locking,
conflicts taking effect on the next request, and who may open it (nobody but the assigned reviewer)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals.models import ProposalMember
from portal.reviews.models import Review
from portal.reviews.operations import AssignmentError, assign_reviewer, complete_review, save_review
from tests.conftest import post
from tests.databases import BACKEND
from tests.reviews.conftest import client_for, complete_form, complete_values, items_of


@pytest.fixture
def assigned(world):
    w = world
    mine = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    chairs = assign_reviewer(w.proposal, w.ire, w.chair, due_on=None, actor=w.coordinator)
    db.session.commit()
    return mine, chairs


def _url(assignment) -> str:
    return f"/assignments/{assignment.id}/review"


def _review(assignment) -> Review | None:
    db.session.expire_all()
    return db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_form_lists_the_screened_criteria_met_ones_first_with_their_judgments(app, world, assigned):
    mine, _ = assigned
    items = items_of(mine)
    met = [i for i in items if i.met]
    assert met and items[: len(met)] == met
    page = client_for(app, world.reviewer).get(_url(mine)).get_data(as_text=True)
    for item in items:
        assert f'name="agree-{item.key}"' in page
    judged = [i for i in met if i.judgment]
    assert judged, "the referred profile needs a human judgment"
    assert f'name="advice-{judged[0].key}"' in page
    assert "criteria the screen found not met: agreed unless you change it" in page


def test_a_draft_is_saved_and_audited_without_its_text(app, world, assigned):
    mine, _ = assigned
    client = client_for(app, world.reviewer)
    data = {**complete_form(items_of(mine), rationale="Draft thoughts RX-1"), "action": "save", "lock_version": ""}
    response = post(client, _url(mine), data)
    assert response.status_code == 302
    review = _review(mine)
    assert (review.state, review.lock_version) == ("draft", 1)
    assert "Draft thoughts RX-1" in review.assessments
    [event] = _events("review.saved")
    assert "RX-1" not in event.data and json.loads(event.data)["proposal_id"] == world.proposal.id
    page = client.get(_url(mine)).get_data(as_text=True)
    assert "Draft thoughts RX-1" in page and 'name="lock_version" type="hidden" value="1"' in page


def test_submitting_an_incomplete_review_lists_each_missing_point_and_keeps_the_text(app, world, assigned):
    mine, _ = assigned
    items = items_of(mine)
    met = [i for i in items if i.met]
    data = {**complete_form(items), "lock_version": "", "committee_comment": "Kept text KT-5"}
    del data["recommendation"]
    data[f"agree-{met[0].key}"] = "disagree"
    data[f"rationale-{met[0].key}"] = ""
    response = post(client_for(app, world.reviewer), _url(mine), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a recommendation." in page
    assert f"Give your rationale on “{met[0].title}”." in page
    assert f'href="#rationale-{met[0].key}"' in page  # the error summary links to the field
    assert "Kept text KT-5" in page
    assert _review(mine) is None


def test_a_submitted_review_is_final(app, world, assigned):
    mine, _ = assigned
    client = client_for(app, world.reviewer)
    assert post(client, _url(mine), {**complete_form(items_of(mine)), "lock_version": ""}).status_code == 302
    review = _review(mine)
    assert review.state == "submitted" and review.recommendation == "approve_with_conditions"
    again = post(client, _url(mine), {**complete_form(items_of(mine)), "lock_version": str(review.lock_version)})
    assert again.status_code == 409
    assert "already submitted" in again.get_data(as_text=True)
    assert len(_events("review.submitted")) == 1


def test_two_saves_from_the_same_copy_one_wins_the_other_is_told_and_keeps_its_text(app, world, assigned):
    mine, _ = assigned
    first, second = client_for(app, world.reviewer), client_for(app, world.reviewer)
    items = items_of(mine)
    assert post(first, _url(mine), {**complete_form(items), "action": "save", "lock_version": ""}).status_code == 302
    opened = str(_review(mine).lock_version)
    saving = {"action": "save", "lock_version": opened}
    a = post(first, _url(mine), {**complete_form(items, rationale="First AA-1"), **saving})
    b = post(second, _url(mine), {**complete_form(items, rationale="Second BB-2"), **saving})
    assert a.status_code == 302
    assert b.status_code == 409
    text = b.get_data(as_text=True)
    assert "changed since you opened it" in text and "Second BB-2" in text
    assert "First AA-1" in _review(mine).assessments


def test_two_transactions_saving_the_same_copy_at_once_never_overwrite(app, world, assigned):
    """PostgreSQL: both transactions can read lock_version 1 before either writes; the version column makes the
    second UPDATE match no row (StaleDataError), which the view turns into "changed since you opened it".
    SQLite: a writing transaction begins IMMEDIATE, so a second writer cannot even start until the first ends,
    and then it reads the new lock_version (the test above)."""
    mine, _ = assigned
    save_review(mine, items_of(mine), complete_values(items_of(mine)), opened_lock=None, submit=False,
                actor=world.reviewer)
    db.session.commit()
    review_id = _review(mine).id
    db.session.commit()
    if BACKEND == "postgresql":
        with Session(db.engine) as first, Session(db.engine) as second:
            a, b = first.get(Review, review_id), second.get(Review, review_id)
            assert a.lock_version == b.lock_version == 1
            a.committee_comment = "First writer"
            first.commit()
            b.committee_comment = "Second writer"
            with pytest.raises(StaleDataError):
                second.commit()
    else:
        with Session(db.engine) as first:
            first.get(Review, review_id).committee_comment = "First writer"
            first.flush()
            other = db.engine.raw_connection()
            try:
                other.driver_connection.execute("PRAGMA busy_timeout=50")
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.driver_connection.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
            first.commit()
    assert _review(mine).committee_comment == "First writer"


def test_a_conflict_declared_while_the_form_is_open_takes_effect_on_the_next_request(app, world, assigned):
    mine, _ = assigned
    client = client_for(app, world.reviewer)
    opened = client.get(_url(mine))
    assert opened.status_code == 200
    assert world.proposal.title in opened.get_data(as_text=True)  # so its absence below means something
    declare_conflict(world.proposal, world.reviewer, reason="Advised the PI's student", actor=world.reviewer)
    db.session.commit()
    reopened = client.get(_url(mine))
    assert reopened.status_code == 404
    assert world.proposal.title not in reopened.get_data(as_text=True)
    response = post(client, _url(mine), {**complete_form(items_of(mine)), "lock_version": ""})
    assert response.status_code == 404
    assert _review(mine) is None
    with pytest.raises(AssignmentError, match="cannot review"):
        save_review(mine, items_of(mine), complete_values(items_of(mine)), opened_lock=None, submit=False,
                    actor=world.reviewer)


def test_only_the_assigned_reviewer_opens_the_page(app, world, assigned, factory):
    """Truth table: role and relation × the review form. Everyone else gets 404, the investigators too."""
    w = world
    mine, _ = assigned
    co_investigator = factory.user(Role.INVESTIGATOR, institution=w.institution)
    db.session.add(ProposalMember(proposal_id=w.proposal.id, user_id=co_investigator.id, role="co_investigator"))
    db.session.commit()
    expected = [
        (w.reviewer, 200),
        (w.chair, 404),  # another reviewer of the same proposal
        (w.coordinator, 404),
        (w.proposal.pi, 404),
        (co_investigator, 404),
        (factory.user(Role.INVESTIGATOR, institution=w.institution), 404),
        (factory.user(Role.GOVERNANCE, institution=w.institution), 404),
        (factory.user(Role.ADMIN, institution=w.institution), 404),
        (factory.user(Role.REVIEWER), 404),  # of another institution
    ]
    for user, status in expected:
        assert client_for(app, user).get(_url(mine)).status_code == status, user.name
    assert client_for(app, w.reviewer).get("/assignments/99999/review").status_code == 404


def test_after_the_review_is_complete_the_form_is_read_only(app, world, assigned):
    mine, chairs = assigned
    for assignment, person in ((mine, world.reviewer), (chairs, world.chair)):
        save_review(assignment, items_of(assignment), complete_values(items_of(assignment)), opened_lock=None,
                    submit=True, actor=person)
    complete_review(world.proposal, actor=world.coordinator)
    db.session.commit()
    page = client_for(app, world.reviewer).get(_url(mine))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your submitted review" in text and "Submit review" not in text
