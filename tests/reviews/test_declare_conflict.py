"""A reviewer declares a conflict of interest from their review form: the declaration and the withdrawal of the
assignment happen together and are audited, the proposal disappears for them at once, and a missing reason is a
400 on the same page with nothing saved."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.conflicts.models import ConflictDeclaration
from portal.extensions import db
from portal.reviews.models import ACTIVE, WITHDRAWN
from portal.reviews.operations import STEPPED_BACK, assign_reviewer, save_review
from tests.conftest import post
from tests.reviews.conftest import client_for, complete_values, items_of

REASON = "Co-supervised the principal investigator's doctoral student (fictional)."


def _assigned(world):  # noqa: ANN001, ANN202
    assignment = assign_reviewer(world.proposal, world.ire, world.reviewer, due_on=None, actor=world.coordinator)
    db.session.commit()
    return assignment


def _url(assignment) -> str:  # noqa: ANN001
    return f"/assignments/{assignment.id}/conflict"


def _declarations() -> int:
    return db.session.scalar(select(func.count()).select_from(ConflictDeclaration))


def test_the_review_form_offers_to_declare_a_conflict(app, world):  # noqa: ANN001
    assignment = _assigned(world)
    page = client_for(app, world.reviewer).get(f"/assignments/{assignment.id}/review").get_data(as_text=True)
    assert "I have a conflict of interest with this proposal" in page
    assert f'action="/assignments/{assignment.id}/conflict"' in page


def test_declaring_steps_back_hides_the_proposal_and_is_audited_once(app, world):  # noqa: ANN001
    assignment = _assigned(world)
    client = client_for(app, world.reviewer)
    response = post(client, _url(assignment), {"conflict-reason": REASON})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    db.session.expire_all()
    assert (assignment.state, assignment.withdrawn_reason) == (WITHDRAWN, STEPPED_BACK)
    [declaration] = db.session.scalars(select(ConflictDeclaration)).all()
    assert (declaration.user_id, declaration.source, declaration.reason) == (world.reviewer.id, "self", REASON)
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.reviewer.id)
                                      .order_by(AuditEvent.seq)))
    assert actions[-1:] == ["conflict.declared"]  # one event names both facts
    declared = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "conflict.declared"))
    data = json.loads(declared.data)
    assert "Co-supervised" not in declared.data
    assert (data["source"], data["assignment_id"], data["assignment_withdrawn"]) == ("self", assignment.id, True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "You declared a conflict of interest and were taken off this review" in dashboard
    for url in (f"/proposals/{world.proposal.id}", f"/proposals/{world.proposal.id}/reviews",
                f"/assignments/{assignment.id}/review"):
        assert client.get(url).status_code == 404, url


def test_a_missing_reason_is_a_400_on_the_form_and_nothing_changes(app, world):  # noqa: ANN001
    assignment = _assigned(world)
    items = items_of(assignment)
    values = complete_values(items, rationale="Half-written draft RX-7")
    save_review(assignment, items, values, opened_lock=None, submit=False, actor=world.reviewer)
    db.session.commit()
    response = post(client_for(app, world.reviewer), _url(assignment), {"conflict-reason": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say briefly why there is a conflict of interest." in page
    assert 'id="conflict-reason-error"' in page and "<details class=\"panel\" id=\"declare-conflict\" open>" in page
    assert "Half-written draft RX-7" in page  # the saved draft is still on the page
    db.session.expire_all()
    assert assignment.state == ACTIVE and _declarations() == 0


def test_only_the_assigned_reviewer_and_not_after_submitting(app, world):  # noqa: ANN001
    assignment = _assigned(world)
    assert post(client_for(app, world.chair), _url(assignment), {"conflict-reason": REASON}).status_code == 404
    items = items_of(assignment)
    save_review(assignment, items, complete_values(items), opened_lock=None, submit=True, actor=world.reviewer)
    db.session.commit()
    response = post(client_for(app, world.reviewer), _url(assignment), {"conflict-reason": REASON})
    assert response.status_code == 409
    assert "Your review was already submitted; ask the coordinator to record the conflict." in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert assignment.state == ACTIVE and _declarations() == 0
