"""The revision loop: compose, preview, confirm and send; the investigators see only the items; they answer
and resubmit; the new version is screened again and goes back to the reviewers, who see the diff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.reviews.models import Assignment
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from portal.revisions.models import RevisionRequest
from portal.revisions.operations import ItemDraft, RevisionError, resubmit, send_revision_request
from portal.screenings.models import Screening
from portal.screenings.queries import active_sets_for
from tests.conftest import post
from tests.factories import PASSWORD
from tests.reviews.conftest import client_for, complete_values, items_of

ITEM = "Describe who oversees the work at each partner site (RV-ITEM-1)."
PRIVATE = "Committee-only remark RV-PRIVATE-2"


@pytest.fixture
def reviewed(world):
    """Both reviews of version 1 submitted; the reviewer addressed one comment to the investigator."""
    w = world
    for person, extra in ((w.reviewer, {"investigator_comment": ITEM, "committee_comment": PRIVATE}), (w.chair, {})):
        assignment = assign_reviewer(w.proposal, w.ire, person, due_on=None, actor=w.coordinator)
        db.session.flush()
        values = complete_values(items_of(assignment), **extra)
        save_review(assignment, items_of(assignment), values, opened_lock=None, submit=True, actor=person)
    db.session.commit()
    return w


def _compose(w) -> str:  # noqa: ANN001
    return f"/proposals/{w.proposal.id}/revision-request"


def _send(client, w, text: str = ITEM, confirm: bool = True):  # noqa: ANN001, ANN202
    data = {"committee_id": w.ire.id, "include-0": "y", "item-0": text, "action": "send"}
    return post(client, _compose(w), {**data, **({"confirm": "y"} if confirm else {})})


def _request(w) -> RevisionRequest | None:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(RevisionRequest).where(RevisionRequest.proposal_id == w.proposal.id))


def test_the_compose_page_offers_the_reviewers_comments_and_the_preview_shows_exactly_the_items(app, reviewed):
    w = reviewed
    client = client_for(app, w.chair)
    page = client.get(_compose(w)).get_data(as_text=True)
    assert ITEM in page and "from Rita Reviewer's comments to the investigator" in page
    assert PRIVATE not in page
    data = {"committee_id": w.ire.id, "include-0": "y", "item-0": ITEM, "item-1": "", "include-1": "y",
            "item-2": "Not included", "action": "preview"}
    preview = post(client, _compose(w), data).get_data(as_text=True)
    assert "This is exactly what the investigators" in preview and ITEM in preview
    assert "Not included" not in preview and "Rita Reviewer" not in preview
    assert _request(w) is None  # a preview sends nothing


def test_nothing_is_sent_without_the_explicit_confirmation(app, reviewed):
    w = reviewed
    response = _send(client_for(app, w.chair), w, confirm=False)
    assert response.status_code == 400
    assert "Confirm that the investigators may read these items" in response.get_data(as_text=True)
    assert _request(w) is None and w.proposal.state == "in_review"


def test_a_request_with_no_items_is_refused_with_a_message(app, reviewed):
    w = reviewed
    response = post(client_for(app, w.chair), _compose(w), {"committee_id": w.ire.id, "action": "preview"})
    assert response.status_code == 400
    assert "Write at least one item" in response.get_data(as_text=True)


def test_the_investigators_see_the_items_and_nothing_else_of_the_review(app, reviewed):
    w = reviewed
    assert _send(client_for(app, w.chair), w).status_code == 302
    request = _request(w)
    assert (request.round, [i.text for i in request.items]) == (1, [ITEM])
    assert w.proposal.state == "revisions_requested"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "revision_request.sent"))
    assert ITEM not in event.data
    page = client_for(app, w.proposal.pi).get(f"/proposals/{w.proposal.id}").get_data(as_text=True)
    assert ITEM in page
    for hidden in (PRIVATE, "Rita Reviewer", "Chair Person", "Consistent with the proposal"):
        assert hidden not in page
    assert client_for(app, w.proposal.pi).get(f"/proposals/{w.proposal.id}/reviews").status_code == 404


def test_answer_resubmit_rescreen_and_the_reviewers_see_the_diff(app, reviewed):
    w = reviewed
    _send(client_for(app, w.chair), w)
    request, pi = _request(w), w.proposal.pi
    sets = active_sets_for(w.institution.id)
    proposal_ops.update_proposal(w.proposal, {"sites": "Main campus; partner site (fictional)"}, actor=pi)
    db.session.commit()
    with pytest.raises(RevisionError, match=r"Answer every item .* \(item 1\)"):
        resubmit(w.proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True, criteria_sets=sets)
    db.session.rollback()

    investigator = client_for(app, pi)
    submit_page = investigator.get(f"/proposals/{w.proposal.id}/submit").get_data(as_text=True)
    assert "Answers to the committee&#39;s revision request (item 1)." in submit_page
    item = request.items[0]
    answered = post(investigator, f"/proposals/{w.proposal.id}/revision-requests/{request.id}/answers",
                    {f"answer-{item.id}": "A named biosafety officer oversees each site."})
    assert answered.status_code == 302
    signed = post(investigator, f"/proposals/{w.proposal.id}/submit",
                  {"attest": "y", "printed_name": pi.name, "password": PASSWORD})
    assert signed.status_code == 302, signed.get_data(as_text=True)[-2000:]

    db.session.expire_all()
    assert (w.proposal.state, w.proposal.version_count) == ("in_review", 2)
    assert _request(w).answered_version.number == 2
    latest = w.proposal.versions[-1]
    assert db.session.scalars(select(Screening).where(Screening.version_id == latest.id)).all()
    carried = db.session.scalars(select(Assignment).where(Assignment.version_id == latest.id)).all()
    assert {a.reviewer_id for a in carried} == {w.reviewer.id, w.chair.id}

    mine = next(a for a in carried if a.reviewer_id == w.reviewer.id)
    form = client_for(app, w.reviewer).get(f"/assignments/{mine.id}/review").get_data(as_text=True)
    assert f"/proposals/{w.proposal.id}/diff?a=1&amp;b=2" in form
    assert "A named biosafety officer oversees each site." in form
    assert "The form starts from your review of version 1" in form
    diff = client_for(app, w.reviewer).get(f"/proposals/{w.proposal.id}/diff?a=1&b=2").get_data(as_text=True)
    assert "partner site (fictional)" in diff


def test_rounds_are_capped_by_the_committee(app, reviewed):
    w = reviewed
    w.ire.max_revision_rounds = 1
    db.session.commit()
    send_revision_request(w.proposal, w.ire, [ItemDraft(ITEM)], confirmed=True, actor=w.coordinator)
    pi = w.proposal.pi
    request = _request(w)
    request.items[0].response = "Answered."
    proposal_ops.update_proposal(w.proposal, {"sites": "A changed site"}, actor=pi)
    resubmit(w.proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
             criteria_sets=active_sets_for(w.institution.id))
    db.session.commit()
    page = client_for(app, w.chair).get(_compose(w)).get_data(as_text=True)
    assert "allows at most 1 revision round and this proposal has had 1" in page
    response = _send(client_for(app, w.chair), w, text="A second round")
    assert response.status_code == 400
    assert "the committee must now decide on it" in response.get_data(as_text=True)
    assert w.proposal.state == "in_review"


def test_a_second_request_while_one_is_open_is_refused(reviewed):
    w = reviewed
    send_revision_request(w.proposal, w.ire, [ItemDraft(ITEM)], confirmed=True, actor=w.chair)
    with pytest.raises(RevisionError, match="already open"):
        send_revision_request(w.proposal, w.ire, [ItemDraft("Another")], confirmed=True, actor=w.chair)


def test_who_may_compose_and_who_may_answer(app, reviewed, factory):
    """Truth table: role and relation × state, for the compose page and the answers."""
    w = reviewed
    conflicted_chair = w.chair
    other_coordinator = factory.user(Role.COORDINATOR)
    investigator = factory.user(Role.INVESTIGATOR, institution=w.institution)
    in_review = [
        (w.coordinator, 200), (w.chair, 200), (w.reviewer, 403), (w.proposal.pi, 403),
        (other_coordinator, 404), (investigator, 404),
        (factory.user(Role.GOVERNANCE, institution=w.institution), 404),
    ]
    for user, status in in_review:
        assert client_for(app, user).get(_compose(w)).status_code == status, user.name

    send_revision_request(w.proposal, w.ire, [ItemDraft(ITEM)], confirmed=True, actor=w.coordinator)
    db.session.commit()
    request = _request(w)
    answers = f"/proposals/{w.proposal.id}/revision-requests/{request.id}/answers"
    revisions_requested = [
        (w.coordinator, 403), (w.chair, 403), (w.proposal.pi, 200), (w.reviewer, 403), (investigator, 404),
    ]
    for user, status in revisions_requested:
        assert client_for(app, user).get(_compose(w)).status_code == (403 if status == 200 else status), user.name
        answer = post(client_for(app, user), answers, {f"answer-{request.items[0].id}": "x"})
        assert answer.status_code == (302 if status == 200 else status), user.name

    declare_conflict(w.proposal, conflicted_chair, reason="Co-author of the PI", actor=w.proposal.pi)
    db.session.commit()
    assert client_for(app, conflicted_chair).get(f"/proposals/{w.proposal.id}").status_code == 404


def test_complete_review_needs_every_review_and_moves_on_to_the_decision(app, world):
    w = world
    mine = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    assign_reviewer(w.proposal, w.ire, w.chair, due_on=None, actor=w.coordinator)
    save_review(mine, items_of(mine), complete_values(items_of(mine)), opened_lock=None, submit=True,
                actor=w.reviewer)
    db.session.commit()
    client = client_for(app, w.coordinator)
    refused = post(client, f"/proposals/{w.proposal.id}/reviews/complete")
    assert refused.status_code == 409
    assert "1 review of version 1 is not submitted yet: Chair Person." in refused.get_data(as_text=True)
    chairs = db.session.scalar(select(Assignment).where(Assignment.reviewer_id == w.chair.id))
    save_review(chairs, items_of(chairs), complete_values(items_of(chairs)), opened_lock=None, submit=True,
                actor=w.chair)
    db.session.commit()
    assert post(client, f"/proposals/{w.proposal.id}/reviews/complete").status_code == 302
    db.session.expire_all()
    assert w.proposal.state == "awaiting_decision"
    with pytest.raises(Exception, match="awaiting decision"):
        complete_review(w.proposal, actor=w.coordinator)
