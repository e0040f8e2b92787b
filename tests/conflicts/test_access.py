"""A conflict beats every role: conflicted coordinators and chairs see nothing of the proposal, from the
next request on; the SQL filter agrees with the predicate."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.conflicts.operations import ConflictError, declare_conflict
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.proposals.permissions import can_view_proposal
from portal.proposals.queries import visible_proposals_clause
from tests.conftest import sign_in
from tests.factories import PASSWORD


@pytest.fixture
def setting(factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi, submitted=True, title="Conflict canary KX-41")
    return institution, pi, proposal


def _page(app, user, proposal):
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    return client, client.get(f"/proposals/{proposal.id}")


def test_a_coordinator_in_the_pis_department_gets_404(app, factory, setting):
    institution, pi, proposal = setting
    colleague = factory.user(Role.COORDINATOR, institution=institution, department=pi.department)
    _client, response = _page(app, colleague, proposal)
    assert response.status_code == 404
    assert "KX-41" not in response.get_data(as_text=True)
    assert not can_view_proposal(colleague, proposal)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_a_declared_conflict_takes_effect_on_the_next_request(app, factory, setting, role):
    institution, pi, proposal = setting
    person = factory.user(role, institution=institution)
    client, response = _page(app, person, proposal)
    assert response.status_code == 200 and "KX-41" in response.get_data(as_text=True)

    declare_conflict(proposal, person, reason="Co-authored a paper with the PI last year", actor=pi)
    db.session.commit()
    again = client.get(f"/proposals/{proposal.id}")
    assert again.status_code == 404
    assert "KX-41" not in again.get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "KX-41" not in dashboard


def test_declaring_is_audited_without_the_reason(app, factory, setting):
    institution, pi, proposal = setting
    reviewer = factory.user(Role.REVIEWER, institution=institution)
    declare_conflict(proposal, reviewer, reason="Private family matter", actor=reviewer)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.declared")).one()
    assert '"source":"self"' in event.data and "Private" not in event.data


def test_declarations_are_refused_with_clear_messages(app, factory, setting):
    institution, pi, proposal = setting
    reviewer = factory.user(Role.REVIEWER, institution=institution)
    outsider = factory.user(Role.INVESTIGATOR, institution=institution)
    with pytest.raises(ConflictError, match="Say briefly why"):
        declare_conflict(proposal, reviewer, reason="   ", actor=reviewer)
    with pytest.raises(ConflictError, match="Only the person concerned or the proposal's team"):
        declare_conflict(proposal, reviewer, reason="A feud", actor=outsider)
    declare_conflict(proposal, reviewer, reason="A collaboration", actor=reviewer)
    with pytest.raises(ConflictError, match="already been declared"):
        declare_conflict(proposal, reviewer, reason="Again", actor=reviewer)


def test_predicate_and_sql_filter_agree_with_conflicts(app, factory, setting):
    institution, pi, proposal = setting
    other = factory.proposal(factory.user(Role.INVESTIGATOR, institution=institution), submitted=True)
    people = [
        factory.user(Role.COORDINATOR, institution=institution),
        factory.user(Role.COORDINATOR, institution=institution, department=pi.department),
        factory.user(Role.CHAIR, institution=institution),
        factory.user(Role.CHAIR, Role.REVIEWER, institution=institution),
    ]
    declare_conflict(proposal, people[2], reason="Declared by the team", actor=pi)
    declare_conflict(other, people[3], reason="Declared by themselves", actor=people[3])
    db.session.commit()
    proposals = db.session.scalars(select(Proposal)).all()
    for person in people:
        by_query = set(db.session.scalars(select(Proposal.id).where(visible_proposals_clause(person))))
        by_predicate = {p.id for p in proposals if can_view_proposal(person, p)}
        assert by_query == by_predicate, person.email
