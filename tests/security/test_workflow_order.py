"""Check 5, workflow order (security-test-plan.md §6; v5 2.3.1/2.3.5), through the pages: deciding before the
reviews are done, editing after submission, a principal investigator assigned to review their own proposal, and one
person signing a dual-use determination twice are each refused with a message, and the database is as before
(every table's rows and hash, audit events included: a refusal writes nothing). The same order under every
interleaving of the operations is tests/security/test_workflow_machine.py."""

from __future__ import annotations

from sqlalchemy import select

from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.decisions.models import Decision
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.reviews.operations import assign_reviewer
from tests.conftest import post
from tests.decisions.conftest import awaiting_decision, decision_form, make_decision_world
from tests.factories import PASSWORD
from tests.proposals.test_views import edit_data
from tests.reviews.conftest import client_for, make_world
from tests.security.manifest import database_state

NO_ACCESS = "You do not have access to this page"


def _page(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def test_a_decision_before_the_reviews_are_done_is_refused_with_the_reason(app, factory):
    w = make_world(factory)
    assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)  # and no review yet
    db.session.commit()
    chair = client_for(app, w.chair)
    before = database_state()

    for response in (chair.get(f"/proposals/{w.proposal.id}/decision"),
                     post(chair, f"/proposals/{w.proposal.id}/decision", decision_form())):
        assert response.status_code == 409
        assert "The proposal is in review, not awaiting a decision" in _page(response)
        assert "once every review is submitted" in _page(response)
    assert database_state() == before, "a refused decision left rows or audit events behind"
    assert db.session.scalar(select(Decision.id).where(Decision.proposal_id == w.proposal.id)) is None


def test_the_proposal_cannot_be_edited_once_submitted_for_review(app, factory):
    w = make_world(factory)
    pi = client_for(app, w.proposal.pi)
    url = f"/proposals/{w.proposal.id}/edit"
    for stage in ("in_review", "awaiting_decision"):
        if stage == "awaiting_decision":
            awaiting_decision(w)
        assert db.session.get(Proposal, w.proposal.id).state == stage
        before = database_state()
        lock = str(db.session.get(Proposal, w.proposal.id).lock_version)
        refused = post(pi, url, {**edit_data(title="Changed after submission"), "lock_version": lock})
        assert refused.status_code == 403 and NO_ACCESS in _page(refused), stage
        assert pi.get(url).status_code == 403, stage
        assert database_state() == before, f"an edit while {stage} changed the database"
        # The proposal page says where it stands, and offers no edit.
        page = _page(pi.get(f"/proposals/{w.proposal.id}"))
        assert "Changed after submission" not in page and url not in page, stage


def test_the_principal_investigator_cannot_be_assigned_to_review_their_own_proposal(app, factory):
    w = make_world(factory)
    pi = w.proposal.pi
    add_member(w.ire, pi, role=MemberRole.MEMBER, expertise="virology", actor=None)  # they also sit on the committee
    db.session.commit()
    coordinator = client_for(app, w.coordinator)  # before the snapshot: signing in is audited
    before = database_state()

    refused = post(coordinator, f"/proposals/{w.proposal.id}/assignments",
                   {"committee_id": w.ire.id, "reviewer_id": pi.id, "due_on": ""})
    assert refused.status_code == 400
    assert f"{pi.name} cannot review: is the principal investigator." in _page(refused)
    assert database_state() == before, "a refused self-assignment left rows or audit events behind"


def test_one_person_cannot_make_a_dual_use_determination_final_alone(app, factory):
    w = make_decision_world(factory)
    chair = client_for(app, w.chair)
    assert post(chair, f"/proposals/{w.proposal.id}/decision", decision_form()).status_code == 302
    decision_id = db.session.scalar(select(Decision.id).where(Decision.proposal_id == w.proposal.id))
    signing = {"printed_name": w.chair.name, "password": PASSWORD}
    signed = post(chair, f"/decisions/{decision_id}/sign", signing, follow_redirects=True)
    assert "One more signature makes it final." in _page(signed)
    before = database_state()

    again = post(chair, f"/decisions/{decision_id}/sign", signing)
    assert again.status_code == 403 and NO_ACCESS in _page(again)
    page = _page(chair.get(f"/decisions/{decision_id}"))
    assert f'action="/decisions/{decision_id}/sign"' not in page, "the page still offers a second signature"
    assert database_state() == before, "a refused second signature changed the database"
    db.session.expire_all()
    decision = db.session.get(Decision, decision_id)
    assert (decision.state, len(decision.signatures), decision.required_signatures) == ("awaiting_signatures", 1, 2)
    assert decision.proposal.state == "awaiting_decision"
