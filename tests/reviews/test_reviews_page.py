"""The reviews page of a proposal: who reads it, what each reader sees, and a constant statement count."""

from __future__ import annotations

import pytest

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.reviews.operations import assign_reviewer, save_review
from tests.reviews.conftest import client_for, complete_values, items_of
from tests.statements import statements_for

RATIONALE = "Rationale canary RP-3"


def _url(w) -> str:  # noqa: ANN001
    return f"/proposals/{w.proposal.id}/reviews"


def _review(w, person, *, submit: bool, rationale: str = RATIONALE) -> None:  # noqa: ANN001
    assignment = assign_reviewer(w.proposal, w.ire, person, due_on=None, actor=w.coordinator)
    db.session.flush()
    values = complete_values(items_of(assignment), rationale=rationale)
    save_review(assignment, items_of(assignment), values, opened_lock=None, submit=submit, actor=person)
    db.session.commit()


def test_who_reads_the_reviews_page(app, world, factory):
    """Truth table: role and relation × the reviews page while the proposal is in review."""
    w = world
    member = factory.user(Role.REVIEWER, institution=w.institution, name="Mo Member")
    add_member(w.ire, member, role=MemberRole.MEMBER, actor=None)
    ibc_member = factory.user(Role.REVIEWER, institution=w.institution)
    add_member(w.ibc, ibc_member, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    _review(w, w.reviewer, submit=True)
    expected = [
        (w.coordinator, 200),
        (w.chair, 200),
        (w.reviewer, 200),
        (member, 200),  # a member of the committee the proposal was routed to
        (ibc_member, 404),  # a member of a committee it was not routed to
        (w.proposal.pi, 404),
        (factory.user(Role.COORDINATOR), 404),  # another institution
        (factory.user(Role.GOVERNANCE, institution=w.institution), 404),
        (factory.user(Role.ADMIN, institution=w.institution), 404),
        (factory.user(Role.INVESTIGATOR, institution=w.institution), 404),
    ]
    for user, status in expected:
        response = client_for(app, user).get(_url(w))
        assert response.status_code == status, user.name
        assert (RATIONALE in response.get_data(as_text=True)) == (status == 200), user.name

    declare_conflict(w.proposal, w.chair, reason="Shares a grant with the PI", actor=w.chair)
    declare_conflict(w.proposal, w.coordinator, reason="Former lab member", actor=w.proposal.pi)
    db.session.commit()
    for conflicted in (w.chair, w.coordinator):
        response = client_for(app, conflicted).get(_url(w))
        assert response.status_code == 404 and RATIONALE not in response.get_data(as_text=True)


def test_drafts_stay_with_their_author_and_reviewers_see_others_only_after_submitting(app, world):
    w = world
    _review(w, w.chair, submit=True, rationale="Chair's view RP-CHAIR")
    _review(w, w.reviewer, submit=False, rationale="Reviewer's draft RP-DRAFT")
    reviewer_page = client_for(app, w.reviewer).get(_url(w)).get_data(as_text=True)
    assert "RP-DRAFT" in reviewer_page and "RP-CHAIR" not in reviewer_page
    assert "You will see the other reviews of this version once you submit yours." in reviewer_page
    chair_page = client_for(app, w.chair).get(_url(w)).get_data(as_text=True)
    assert "RP-CHAIR" in chair_page and "RP-DRAFT" not in chair_page
    coordinator_page = client_for(app, w.coordinator).get(_url(w)).get_data(as_text=True)
    assert "RP-CHAIR" in coordinator_page and "RP-DRAFT" not in coordinator_page


@pytest.mark.parametrize("page", ["reviews", "assignments"])
def test_the_reviews_and_assignments_pages_run_the_same_statements_for_2_and_8_reviews(app, world, factory, page):
    w = world
    counts = []
    for total in (2, 8):
        while sum(1 for a in w.proposal.review_assignments if a.state == "active") < total:
            person = factory.user(Role.REVIEWER, institution=w.institution)
            add_member(w.ire, person, role=MemberRole.MEMBER, expertise="biosafety, ethics", actor=None)
            db.session.commit()
            _review(w, person, submit=True)
        db.session.expire_all()
        counts.append(statements_for(client_for(app, w.coordinator), f"/proposals/{w.proposal.id}/{page}"))
    print(f"{page} page statements for 2 and 8 reviews: {counts}")
    assert counts[0] == counts[1]


def test_who_may_complete_the_review(app, world, factory):
    """Truth table: role and relation × state for "Complete the review" (a POST)."""
    from portal.revisions.operations import ItemDraft, send_revision_request
    from tests.conftest import post

    w = world
    _review(w, w.reviewer, submit=True)
    url = f"/proposals/{w.proposal.id}/reviews/complete"
    refused = [
        (w.reviewer, 403), (w.proposal.pi, 403), (factory.user(Role.COORDINATOR), 404),
        (factory.user(Role.GOVERNANCE, institution=w.institution), 404),
    ]
    for user, status in refused:
        assert post(client_for(app, user), url).status_code == status, user.name
    send_revision_request(w.proposal, w.ire, [ItemDraft("Clarify the sites.")], confirmed=True, actor=w.chair)
    db.session.commit()
    for user in (w.chair, w.coordinator):  # in "revisions requested" nobody completes the review
        assert post(client_for(app, user), url).status_code == 403, user.name
    assert w.proposal.state == "revisions_requested"


def test_the_chair_completes_the_review_and_a_conflicted_chair_cannot(app, world, factory):
    from tests.conftest import post

    w = world
    _review(w, w.reviewer, submit=True)
    url = f"/proposals/{w.proposal.id}/reviews/complete"
    declare_conflict(w.proposal, w.chair, reason="Shares a grant with the PI", actor=w.chair)
    db.session.commit()
    assert post(client_for(app, w.chair), url).status_code == 404
    assert post(client_for(app, w.coordinator), url).status_code == 302
    db.session.expire_all()
    assert w.proposal.state == "awaiting_decision"


def test_a_proposal_withdrawn_before_any_version_has_no_reviews_page(app, world, factory):
    """Found by the whole-app crawl (tests/i18n/test_whole_app_in_chinese.py): it was a 500 for the coordinator."""
    from portal.proposals.operations import withdraw_proposal

    draft = factory.proposal(world.proposal.pi, title="Withdrawn before it was submitted")
    withdraw_proposal(draft, reason="The funding fell through.", actor=world.proposal.pi)
    db.session.commit()
    assert draft.state == "withdrawn" and not draft.versions
    response = client_for(app, world.coordinator).get(f"/proposals/{draft.id}/reviews")
    assert response.status_code == 404
