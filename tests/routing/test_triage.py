"""Triage: the screening proposes committees, the coordinator confirms or overrides with a reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member, create_committee
from portal.conflicts.operations import declare_conflict
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from portal.routing.models import ProposalCommittee
from portal.routing.rules import all_out_of_scope, proposed_kinds
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.conftest import post, sign_in
from tests.factories import PASSWORD
from tests.statements import statements_for

REFERRED = {
    "agents.works_with_agents": "yes",
    "agents.groups": ["select_agents"],
    "durc24.cat1_outcomes": ["o7_countermeasures"],
    "durc24.ppp": "no",
}


def _committee(institution, name, kind, **settings):
    defaults = {"name": name, "kind": kind, "quorum_count": None, "quorum_percent": 50}
    return create_committee(institution_id=institution.id, settings={**defaults, **settings}, actor=None)


@pytest.fixture
def world(app, factory):
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = _committee(institution, "Review Entity", "ire")
    ibc = _committee(institution, "Biosafety Committee", "ibc")
    chair = factory.user(Role.CHAIR, Role.REVIEWER, institution=institution)
    add_member(ire, chair, role=MemberRole.CHAIR, actor=None)
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    db.session.commit()
    return institution, ire, ibc, coordinator


def _screened(factory, institution, profile, title="Routing canary RT-7"):
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi, title=title)
    sets = active_sets_for(institution.id)
    proposal_ops.record_screening_answers(proposal, demo_answers(sets, profile), actor=pi)
    proposal_ops.submit_proposal(
        proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True, criteria_sets=sets
    )
    db.session.commit()
    assert proposal.state == "screened"
    return proposal


def _client(app, user):
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    return client


def _triage(client, proposal, committees, reason=""):
    return post(
        client,
        f"/proposals/{proposal.id}/triage",
        {"form": "triage", "triage-committees": [str(c.id) for c in committees], "triage-reason": reason},
    )


def test_rules_propose_kinds_with_their_reasons():
    results = [
        {
            "set_id": "a",
            "set_title": "A",
            "outcome": {"title": "Refer", "severity": "high"},
            "routing": ["ire"],
            "unsure": [],
        },
        {
            "set_id": "b",
            "set_title": "B",
            "outcome": {"title": "Fine", "severity": "none"},
            "routing": [],
            "unsure": [],
        },
    ]
    assert proposed_kinds(results) == {"ire": ["A: Refer"]}
    assert not all_out_of_scope(results)
    assert all_out_of_scope(results[1:])


def test_the_queue_shows_the_proposed_committee_and_confirming_sends_it_to_review(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    client = _client(app, coordinator)
    queue = client.get("/triage").get_data(as_text=True)
    assert "Routing canary RT-7" in queue and "Review Entity" in queue

    response = _triage(client, proposal, [ire])
    assert response.status_code == 302
    stored = db.session.get(Proposal, proposal.id)
    assert stored.state == "in_review"
    [route] = db.session.scalars(select(ProposalCommittee)).all()
    assert (route.committee_id, route.proposed, route.version_id) == (ire.id, True, stored.versions[-1].id)
    triaged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal.triaged")).one()
    assert json.loads(triaged.data)["overridden"] is False
    assert "RT-7" not in client.get("/triage").get_data(as_text=True)


def test_overriding_needs_a_reason_which_is_audited(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    client = _client(app, coordinator)
    refused = _triage(client, proposal, [ibc])
    assert refused.status_code == 400
    assert "give the reason" in refused.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).state == "screened"

    assert (
        _triage(client, proposal, [ibc], reason="The biosafety committee already holds this project").status_code == 302
    )
    data = json.loads(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal.triaged")).one().data)
    assert data["overridden"] is True and "biosafety committee" in data["reason"]
    assert db.session.scalars(select(ProposalCommittee)).one().proposed is False


def test_out_of_scope_everywhere_can_be_confirmed_for_an_administrative_determination(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, {"agents.works_with_agents": "no"})
    client = _client(app, coordinator)
    page = client.get(f"/proposals/{proposal.id}/triage").get_data(as_text=True)
    assert "Out of scope under every policy" in page
    refused = post(client, f"/proposals/{proposal.id}/triage", {"form": "scope", "scope-reason": ""})
    assert refused.status_code == 400
    ok = post(client, f"/proposals/{proposal.id}/triage", {"form": "scope", "scope-reason": "Desk study only"})
    assert ok.status_code == 302
    assert db.session.get(Proposal, proposal.id).state == "awaiting_decision"


def test_a_conflicted_coordinator_sees_neither_queue_entry_nor_page(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    declare_conflict(proposal, coordinator, reason="Close collaborator", actor=proposal.pi)
    db.session.commit()
    client = _client(app, coordinator)
    assert "RT-7" not in client.get("/triage").get_data(as_text=True)
    assert client.get(f"/proposals/{proposal.id}/triage").status_code == 404
    assert _triage(client, proposal, [ire]).status_code == 404
    assert db.session.get(Proposal, proposal.id).state == "screened"


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.CHAIR, Role.REVIEWER, Role.GOVERNANCE, Role.ADMIN])
def test_only_coordinators_triage(app, factory, world, role):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    client = _client(app, factory.user(role, institution=institution))
    assert client.get("/triage").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/triage").status_code in (403, 404)
    assert _triage(client, proposal, [ire]).status_code in (403, 404)
    assert db.session.get(Proposal, proposal.id).state == "screened"


def test_a_coordinator_of_another_institution_gets_404(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    client = _client(app, factory.user(Role.COORDINATOR))
    assert client.get(f"/proposals/{proposal.id}/triage").status_code == 404


def test_only_screened_proposals_can_be_triaged(app, factory, world):
    institution, ire, ibc, coordinator = world
    proposal = _screened(factory, institution, REFERRED)
    client = _client(app, coordinator)
    assert _triage(client, proposal, [ire]).status_code == 302
    assert client.get(f"/proposals/{proposal.id}/triage").status_code == 403
    assert len(db.session.scalars(select(ProposalCommittee)).all()) == 1


def test_the_queue_runs_the_same_statements_for_one_and_four_proposals(app, factory, world):
    institution, ire, ibc, coordinator = world
    client = _client(app, coordinator)

    _screened(factory, institution, REFERRED, title="First")
    one = statements_for(client, "/triage")
    for n in range(3):
        _screened(factory, institution, REFERRED, title=f"More {n}")
    assert statements_for(client, "/triage") == one
