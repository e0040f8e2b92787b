"""After the decision: conditions with evidence, corrections and appeals that supersede, and the administrative
determination of a proposal out of scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.roles import Role
from portal.decisions.models import Appeal, Decision, RegulatoryClock
from portal.decisions.monitoring import MonitoringError, file_appeal
from portal.extensions import db
from portal.routing.operations import confirm_out_of_scope
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.registry import all_sets
from tests.conftest import post
from tests.decisions.conftest import decision_form
from tests.factories import PASSWORD
from tests.reviews.conftest import client_for
from tests.routing.test_triage import _screened


def _final(app, w) -> Decision:  # noqa: ANN001
    post(client_for(app, w.chair), f"/proposals/{w.proposal.id}/decision", decision_form())
    for signer in (w.chair, w.member):
        decision = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
        post(client_for(app, signer), f"/decisions/{decision.id}/sign", {"printed_name": signer.name,
                                                                         "password": PASSWORD})
    db.session.expire_all()
    return db.session.scalar(select(Decision).order_by(Decision.id.desc()))


def test_evidence_is_submitted_by_the_owner_and_verified_or_returned_by_a_coordinator(app, world):
    w = world
    condition = _final(app, w).conditions[0]
    url = f"/conditions/{condition.id}"
    assert post(client_for(app, w.coordinator), f"{url}/evidence", {"evidence": "x"}).status_code == 403
    investigator = client_for(app, w.proposal.pi)
    assert post(investigator, f"{url}/evidence", {"evidence": ""}).status_code == 302  # refused with a message
    db.session.expire_all()
    assert condition.status == "open"
    post(investigator, f"{url}/evidence", {"evidence": "The access list was confirmed on 1 December."})
    coordinator = client_for(app, w.coordinator)
    post(coordinator, f"{url}/review", {"action": "return", "note": "Attach the signed list."})
    db.session.expire_all()
    assert (condition.status, condition.review_note) == ("open", "Attach the signed list.")
    post(investigator, f"{url}/evidence", {"evidence": "Signed list filed in the lab's records."})
    post(coordinator, f"{url}/review", {"action": "accept", "note": ""})
    db.session.expire_all()
    assert condition.status == "verified" and condition.verified_by_id == w.coordinator.id
    assert post(client_for(app, w.proposal.pi), f"{url}/review", {"action": "accept"}).status_code == 403


def test_a_correction_supersedes_the_decision_and_stops_its_clocks(app, world):
    w = world
    old = _final(app, w)
    page = client_for(app, w.chair).get(f"/decisions/{old.id}").get_data(as_text=True)
    assert "Correct or replace this decision" in page
    data = decision_form(determination="not_in_scope", outcome="approved", **{"condition-description-0": None})
    response = post(client_for(app, w.chair), f"/proposals/{w.proposal.id}/decision?supersedes={old.id}", data)
    assert response.status_code == 302
    new = db.session.scalar(select(Decision).order_by(Decision.id.desc()))
    assert (new.kind, new.supersedes_id, new.required_signatures) == ("correction", old.id, 1)
    post(client_for(app, w.chair), f"/decisions/{new.id}/sign", {"printed_name": w.chair.name, "password": PASSWORD})
    db.session.expire_all()
    assert new.final
    assert all(c.superseded_at is not None for c in db.session.scalars(
        select(RegulatoryClock).where(RegulatoryClock.decision_id == old.id)))
    old_page = client_for(app, w.coordinator).get(f"/decisions/{old.id}").get_data(as_text=True)
    assert "Superseded by" in old_page and f"/decisions/{new.id}" in old_page
    again = post(client_for(app, w.chair), f"/proposals/{w.proposal.id}/decision?supersedes={old.id}", data)
    assert again.status_code == 403  # only the latest decision can be corrected


def test_an_appeal_is_filed_by_the_pi_decided_by_a_coordinator_and_answered_by_a_new_decision(app, world):
    w = world
    old = _final(app, w)
    with pytest.raises(MonitoringError):
        file_appeal(old, level="institutional", grounds="x", actor=w.chair)
    response = post(client_for(app, w.proposal.pi), f"/decisions/{old.id}/appeal",
                    {"level": "institutional", "grounds": "The work is a desk study; Category 1 does not fit."})
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    assert appeal.outcome == "pending"
    post(client_for(app, w.coordinator), f"/appeals/{appeal.id}/outcome",
         {"outcome": "modified", "reviewer": "Institutional appeals panel (fictional)", "note": "Category 2 fits."})
    db.session.expire_all()
    assert (appeal.outcome, appeal.reviewer) == ("modified", "Institutional appeals panel (fictional)")
    data = decision_form(determination="category_2", appeal_id=str(appeal.id))
    response = post(client_for(app, w.chair), f"/proposals/{w.proposal.id}/decision?supersedes={old.id}", data)
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Decision, appeal.new_decision_id)
    assert (new.kind, new.supersedes_id) == ("appeal", old.id)


def test_an_out_of_scope_proposal_gets_an_administrative_determination(app, factory):
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    proposal = _screened(factory, institution, {"agents.works_with_agents": "no"}, title="Desk study")
    confirm_out_of_scope(proposal, reason="Nothing applies", actor=coordinator)
    db.session.commit()
    client = client_for(app, coordinator)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Record and sign the administrative determination" in page
    url = f"/proposals/{proposal.id}/administrative-determination"
    post(client, url, {"printed_name": coordinator.name, "password": "wrong"})
    assert db.session.scalars(select(Decision)).all() == []  # a refused signature records nothing
    assert post(client, url, {"printed_name": coordinator.name, "password": PASSWORD}).status_code == 302
    decision = db.session.scalar(select(Decision))
    assert (decision.kind, decision.outcome, decision.required_signatures) == ("administrative", "approved", 1)
    assert decision.determination_list()[0]["determination_id"] == "not_in_scope"
    db.session.expire_all()
    assert decision.final and proposal.state == "active"
    investigator = factory.user(Role.INVESTIGATOR, institution=institution)
    assert post(client_for(app, investigator), f"/proposals/{proposal.id}/administrative-determination"
                ).status_code == 404
