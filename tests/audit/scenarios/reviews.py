"""Scenarios for reviewer assignments, reviews and the revision loop, on a proposal sent to a review entity."""

from __future__ import annotations

from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.reviews import operations as reviews
from portal.reviews.models import Assignment
from portal.revisions import operations as revisions
from portal.revisions.models import RevisionRequest
from portal.screenings.queries import active_sets_for
from tests.audit.scenarios import Call, call, scenario
from tests.factories import PASSWORD, Factory
from tests.reviews.conftest import World, complete_values, items_of, make_world

REVIEWS = "portal.reviews.operations"
REVISIONS = "portal.revisions.operations"


def _assigned(factory: Factory) -> tuple[World, Assignment]:
    w = make_world(factory)
    assignment = reviews.assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    return w, assignment


def _reviewed(factory: Factory) -> tuple[World, Assignment]:
    w, assignment = _assigned(factory)
    items = items_of(assignment)
    reviews.save_review(assignment, items, complete_values(items), opened_lock=None, submit=True, actor=w.reviewer)
    db.session.commit()
    return w, assignment


def _requested(factory: Factory) -> tuple[World, RevisionRequest]:
    w, _assignment = _reviewed(factory)
    request = revisions.send_revision_request(w.proposal, w.ire, [revisions.ItemDraft("Clarify the storage.")],
                                              confirmed=True, actor=w.chair)
    db.session.commit()
    return w, request


@scenario(f"{REVIEWS}.assign_reviewer", "assignment.created")
def _assign(factory: Factory) -> Call:
    w = make_world(factory)
    return call(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)


@scenario(f"{REVIEWS}.withdraw_assignment", "assignment.withdrawn")
def _withdraw(factory: Factory) -> Call:
    w, assignment = _assigned(factory)
    return call(assignment, reason="On leave.", actor=w.coordinator)


@scenario(f"{REVIEWS}.declare_own_conflict", "conflict.declared")
def _declare_own_conflict(factory: Factory) -> Call:
    w, assignment = _assigned(factory)
    return call(assignment, reason="A close collaborator of the PI.", actor=w.reviewer)


@scenario(f"{REVIEWS}.save_review", "review.submitted")
def _save(factory: Factory) -> Call:
    w, assignment = _assigned(factory)
    items = items_of(assignment)
    return call(assignment, items, complete_values(items), opened_lock=None, submit=True, actor=w.reviewer)


@scenario(f"{REVIEWS}.complete_review", "proposal.complete_review")
def _complete(factory: Factory) -> Call:
    w, _assignment = _reviewed(factory)
    return call(w.proposal, actor=w.coordinator)


@scenario(f"{REVISIONS}.send_revision_request", "revision_request.sent")
def _send(factory: Factory) -> Call:
    w, _assignment = _reviewed(factory)
    return call(w.proposal, w.ire, [revisions.ItemDraft("Clarify the storage.")], confirmed=True, actor=w.chair)


@scenario(f"{REVISIONS}.answer_items", "revision_request.answered")
def _answer(factory: Factory) -> Call:
    w, request = _requested(factory)
    return call(request, {request.items[0].id: "Clarified."}, actor=w.proposal.pi)


@scenario(f"{REVISIONS}.resubmit", "proposal.resubmit")
def _resubmit(factory: Factory) -> Call:
    """Signed, screened again, the request closed and the reviewer carried forward: one event says all of it."""
    w, request = _requested(factory)
    pi = w.proposal.pi
    revisions.answer_items(request, {request.items[0].id: "Clarified."}, actor=pi)
    proposal_ops.update_proposal(w.proposal, {"sites": "Main campus only"}, actor=pi)
    db.session.commit()
    return call(w.proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
                criteria_sets=active_sets_for(w.institution.id))
