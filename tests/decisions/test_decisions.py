"""Making, signing and finalising decisions: every judgment answered, outcomes the sets rule out, two distinct
signers for a dual-use determination, clocks on the owners' dashboards, and who may do what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.conflicts.operations import declare_conflict
from portal.decisions.models import Decision, RegulatoryClock
from portal.decisions.rules import DecisionDraft, SetFacts, decision_problems
from portal.extensions import db
from portal.screenings.registry import all_sets
from tests.conftest import post
from tests.decisions.conftest import CATEGORY_1, decision_form
from tests.factories import PASSWORD
from tests.reviews.conftest import client_for


def _url(w) -> str:  # noqa: ANN001
    return f"/proposals/{w.proposal.id}/decision"


def _decision(w) -> Decision | None:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(Decision).where(Decision.proposal_id == w.proposal.id).order_by(Decision.id.desc()))


def _sign(app, user, decision, password: str = PASSWORD):  # noqa: ANN001, ANN202
    return post(client_for(app, user), f"/decisions/{decision.id}/sign",
                {"printed_name": user.name, "password": password})


def test_the_form_shows_the_provisional_outcome_beside_each_determination(app, world):
    page = client_for(app, world.chair).get(_url(world)).get_data(as_text=True)
    assert "Refer to the review entity as possible Category 1 research (DURC)" in page
    assert f'name="determination-{CATEGORY_1}"' in page and 'value="category_1"' in page
    assert f'name="judgment-{CATEGORY_1}/c1_judgment"' in page


def test_an_incomplete_decision_names_what_is_missing_and_saves_nothing(app, world):
    data = decision_form(determination="", outcome=None, **{f"judgment-{CATEGORY_1}/c1_judgment": None})
    response = post(client_for(app, world.chair), _url(world), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Choose the determination under", "Answer the judgment", "Choose the outcome."):
        assert message in page
    assert "Confirm each year who holds access" in page  # the entries are kept
    assert _decision(world) is None


def test_a_prohibited_determination_rules_out_approval(app):
    mirror = all_sets()["mirror-life"]
    facts = SetFacts("mirror-life", mirror.title, mirror.version, mirror.digest, "x", "x", (), mirror.determinations)
    draft = DecisionDraft(determinations={"mirror-life": ("prohibited", "Would create a mirror-image organism.")},
                          outcome="approved", rationale="r")
    problems = decision_problems([facts], draft, utcnow().date())
    assert problems["outcome"].startswith("Approved is not possible: “Prohibited")
    draft.outcome = "prohibited"
    assert decision_problems([facts], draft, utcnow().date()) == {}


def test_a_category_1_decision_needs_two_different_signers_then_starts_its_clocks(app, world):
    w = world
    assert post(client_for(app, w.chair), _url(w), decision_form()).status_code == 302
    decision = _decision(w)
    assert (decision.required_signatures, decision.state, decision.kind) == (2, "awaiting_signatures", "committee")
    assert json.loads(decision.determinations)[0]["provisional_outcome_id"] == "refer_ire_cat1"

    assert _sign(app, w.chair, decision).status_code == 302
    again = _sign(app, w.chair, _decision(w))
    assert again.status_code == 403  # the form is gone; a forged POST is refused
    assert _decision(w).state == "awaiting_signatures"

    assert _sign(app, w.member, decision).status_code == 302
    decision = _decision(w)
    assert decision.state == "final" and w.proposal.state == "active"
    meanings = [s.signature.meaning for s in decision.signatures]
    assert meanings == ["Approved with conditions (a risk mitigation plan): signed as chair of Review Entity",
                        "Approved with conditions (a risk mitigation plan): signed as member of Review Entity"]
    today = utcnow().date()
    clocks = {c.kind: c for c in db.session.scalars(select(RegulatoryClock))}
    assert {k: (c.due_on - today).days for k, c in clocks.items()} == {
        "notify_funding_agency": 30, "submit_draft_rmp": 90, "progress_report": 365, "continuing_review": 365,
    }
    assert len(decision.conditions) == 1 and decision.conditions[0].status == "open"


def test_the_clocks_appear_on_their_owners_dashboards_and_overdue_is_marked(app, world):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    for signer in (w.chair, w.member):
        _sign(app, signer, _decision(w))
    today = utcnow().date()
    pi_page = client_for(app, w.proposal.pi).get("/dashboard").get_data(as_text=True)
    assert "Submit the draft risk mitigation plan" in pi_page and (today + timedelta(days=90)).isoformat() in pi_page
    assert "Notify the funding agency" not in pi_page  # the coordinator owes that one
    coordinator_page = client_for(app, w.coordinator).get("/dashboard").get_data(as_text=True)
    assert "Notify the funding agency of the determination" in coordinator_page
    assert (today + timedelta(days=30)).isoformat() in coordinator_page

    notify = db.session.scalar(select(RegulatoryClock).where(RegulatoryClock.kind == "notify_funding_agency"))
    notify.due_on = today - timedelta(days=1)  # as if 31 days had passed
    db.session.commit()
    coordinator_page = client_for(app, w.coordinator).get("/dashboard").get_data(as_text=True)
    assert "Overdue" in coordinator_page


def test_a_recurring_clock_met_schedules_the_next_one(app, world):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    for signer in (w.chair, w.member):
        _sign(app, signer, _decision(w))
    report = db.session.scalar(select(RegulatoryClock).where(RegulatoryClock.kind == "progress_report"))
    response = post(client_for(app, w.proposal.pi), f"/clocks/{report.id}/complete", {"note": "Sent on time."})
    assert response.status_code == 302
    due = sorted(c.due_on for c in db.session.scalars(
        select(RegulatoryClock).where(RegulatoryClock.kind == "progress_report")))
    assert (due[1] - due[0]).days == 365
    refused = post(client_for(app, w.coordinator), f"/clocks/{report.id}/complete", {"note": ""})
    assert refused.status_code == 403


def test_not_in_scope_needs_one_signer(app, world):
    w = world
    data = decision_form(determination="not_in_scope", outcome="approved",
                         **{"condition-description-0": None})
    assert post(client_for(app, w.chair), _url(w), data).status_code == 302
    decision = _decision(w)
    assert decision.required_signatures == 1
    _sign(app, w.chair, decision)
    assert _decision(w).state == "final"
    assert db.session.scalars(select(RegulatoryClock)).all() == []


def test_a_committee_with_a_name_as_long_as_allowed_can_sign(app, world):
    """The meaning names the committee; a 200-character name once overflowed the column (a 500 on PostgreSQL)."""
    w = world
    w.ire.name = "Institutional Review Entity for the Oversight of Dual-Use Research of Concern " * 3
    w.ire.name = w.ire.name[:200]
    db.session.commit()
    data = decision_form(determination="not_in_scope", outcome="approved", **{"condition-description-0": None})
    assert post(client_for(app, w.chair), _url(w), data).status_code == 302
    assert _sign(app, w.chair, _decision(w)).status_code == 302
    decision = _decision(w)
    assert decision.state == "final"
    assert decision.signatures[0].signature.meaning.endswith(f"signed as chair of {w.ire.name}")


def test_a_wrong_password_signs_nothing_and_is_audited(app, world):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    response = _sign(app, w.chair, _decision(w), password="not the password")
    assert response.status_code == 400
    assert "The password you entered is not correct" in response.get_data(as_text=True)
    assert _decision(w).signatures == []
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signature.refused")).all()


@pytest.mark.parametrize("page", ["form", "decision"])
def test_who_may_decide_and_read(app, world, factory, page):
    """Truth table: role and relation × the decision form (awaiting decision) and the decision page (signed)."""
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    decision = _decision(w)
    url = _url(w) if page == "form" else f"/decisions/{decision.id}"
    governance = factory.user(Role.GOVERNANCE, institution=w.institution)
    expected = {
        w.chair: 200, w.coordinator: 200, w.member: 403 if page == "form" else 200,
        w.proposal.pi: 403 if page == "form" else 200,
        governance: 404 if page == "form" else 200,
        factory.user(Role.COORDINATOR): 404, factory.user(Role.INVESTIGATOR, institution=w.institution): 404,
    }
    if page == "form":  # once a decision awaits signatures, nobody starts another
        db.session.delete(decision.conditions[0])
        db.session.delete(decision)
        db.session.commit()
    for user, status in expected.items():
        assert client_for(app, user).get(url).status_code == status, user.name
    declare_conflict(w.proposal, w.chair, reason="Shares a grant with the PI", actor=w.chair)
    db.session.commit()
    assert client_for(app, w.chair).get(url).status_code == 404


def test_a_conflicted_chair_can_neither_see_nor_sign(app, world):
    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    decision = _decision(w)
    declare_conflict(w.proposal, w.chair, reason="Co-author of the PI", actor=w.proposal.pi)
    db.session.commit()
    assert _sign(app, w.chair, decision).status_code == 404
    assert _decision(w).signatures == []


def test_the_record_holds_the_fields_a_determination_report_needs(app, world):
    from portal.audit.canonical import canonical_json
    from portal.decisions.record import build_record

    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    for signer in (w.chair, w.member):
        _sign(app, signer, _decision(w))
    record = build_record(_decision(w))
    canonical_json(record)  # plain, serialisable values only
    assert record["record_id"].endswith("-D-000001") and record["trigger"] == "proposal"
    assert record["proposal"]["title"] == "Assignment canary AS-9"
    [determination] = record["determinations"]
    assert (determination["determination_id"], determination["provisional_outcome_id"]) == ("category_1",
                                                                                             "refer_ire_cat1")
    assert determination["set_version"] >= 1 and len(determination["set_digest"]) == 64
    assert [s["printed_name"] for s in record["signatures"]] == ["Chair Person", "Sam Second"]
    assert {c["kind"] for c in record["clocks"]} == {"notify_funding_agency", "submit_draft_rmp", "progress_report",
                                                      "continuing_review"}
    assert record["outcome"]["id"] == "approved_with_conditions" and record["conditions"][0]["owner"] == "investigator"
    assert record["screenings"][0]["provisional_outcome"]["id"] == "refer_ire_cat1"
    assert record["retention"]["destroy_not_before"] > (utcnow().date() + timedelta(days=365 * 8 - 1)).isoformat()
    assert build_record(_decision(w)) == record  # the same decision always gives the same record


def test_one_person_cannot_sign_twice_even_past_the_page(app, world):
    from portal.decisions.operations import DecisionError, sign_decision

    w = world
    post(client_for(app, w.chair), _url(w), decision_form())
    decision = _decision(w)
    sign_decision(decision, password=PASSWORD, printed_name=w.chair.name, actor=w.chair)
    with pytest.raises(DecisionError, match="second signature must come from someone else"):
        sign_decision(decision, password=PASSWORD, printed_name=w.chair.name, actor=w.chair)
    db.session.commit()
    assert len(_decision(w).signatures) == 1 and _decision(w).state == "awaiting_signatures"


def test_a_decision_the_determination_rules_out_is_refused_and_saves_nothing(app, world, monkeypatch):
    """The view path of the prohibited rule: a determination that forbids the outcome refuses the decision."""
    from dataclasses import replace

    from portal.decisions import queries

    w = world
    real = queries.set_facts

    def forbidding(proposal):  # noqa: ANN001, ANN202 - the 2024 set as if Category 1 forbade approval
        return [replace(f, determinations=tuple(replace(d, forbids=("approved_with_conditions",))
                                                if d.id == "category_1" else d for d in f.determinations))
                for f in real(proposal)]

    monkeypatch.setattr("portal.decisions.views.set_facts", forbidding)
    response = post(client_for(app, w.chair), _url(w), decision_form())
    assert response.status_code == 400
    assert "is not possible: “Category 1 research" in response.get_data(as_text=True)
    assert _decision(w) is None
