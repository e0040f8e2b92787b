"""The visibility predicate and its SQL form give the same answer for every user and proposal."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.demo.seed import seed_demo
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.proposals.permissions import can_view_proposal
from portal.proposals.queries import visible_proposals_clause


def test_predicate_and_query_filter_agree_on_the_demo(app, factory):
    seed_demo()
    factory.proposal(factory.user(), submitted=True, title="At another institution")
    db.session.commit()
    proposals = db.session.scalars(select(Proposal)).all()
    for user in db.session.scalars(select(User)):
        by_query = set(db.session.scalars(select(Proposal.id).where(visible_proposals_clause(user))))
        by_predicate = {p.id for p in proposals if can_view_proposal(user, p)}
        assert by_query == by_predicate, user.email
