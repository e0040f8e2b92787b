"""Scenarios for decisions (made, signed, made final; the administrative determination) and what follows them:
evidence for conditions, clocks met, appeals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.decisions import monitoring
from portal.decisions.models import Appeal, Decision, RegulatoryClock
from portal.decisions.operations import make_decision, sign_decision
from portal.decisions.queries import set_facts
from portal.decisions.rules import ConditionDraft, DecisionDraft
from portal.extensions import db
from portal.routing.operations import confirm_out_of_scope
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.registry import all_sets
from tests.audit.scenarios import Call, call, scenario
from tests.decisions.conftest import make_decision_world
from tests.factories import PASSWORD, Factory
from tests.reviews.conftest import World
from tests.routing.test_triage import _screened

DECISIONS = "portal.decisions.operations"
MONITORING = "portal.decisions.monitoring"


def _draft(w: World, determination: str = "category_1") -> tuple[list, DecisionDraft]:
    sets = set_facts(w.proposal)
    due = utcnow().date() + timedelta(days=30)
    draft = DecisionDraft(outcome="approved_with_conditions", rationale="Approved under a plan.",
                          conditions=[ConditionDraft("Keep the access list current.", "investigator", due)])
    for facts in sets:
        draft.determinations[facts.set_id] = (determination, "All three parts of the test are met.")
        for criterion, _question in facts.judgments:
            draft.judgments[(facts.set_id, criterion)] = ("yes", "The committee finds it so.")
    return sets, draft


def decide_at_meeting(w: World, meeting) -> Decision:  # noqa: ANN001 - a Meeting
    """The world's proposal put on the meeting's agenda and decided there, signed by the chair and a member: final."""
    from portal.meetings.operations import add_proposal_item

    item = add_proposal_item(meeting, w.proposal, actor=w.coordinator)
    sets, draft = _draft(w)
    decision = make_decision(w.proposal, w.ire, sets, draft, actor=w.chair, meeting_item_id=item.id)
    for signer in (w.chair, w.member):  # type: ignore[attr-defined]
        sign_decision(decision, password=PASSWORD, printed_name=signer.name, actor=signer)
    db.session.commit()
    return decision


def _made(factory: Factory) -> tuple[World, Decision]:
    w = make_decision_world(factory)
    sets, draft = _draft(w)
    decision = make_decision(w.proposal, w.ire, sets, draft, actor=w.chair)
    sign_decision(decision, password=PASSWORD, printed_name=w.chair.name, actor=w.chair)
    db.session.commit()
    return w, decision


def _final(factory: Factory) -> tuple[World, Decision]:
    w, decision = _made(factory)
    sign_decision(decision, password=PASSWORD, printed_name=w.member.name, actor=w.member)  # type: ignore[attr-defined]
    db.session.commit()
    return w, decision


def _appealed(factory: Factory, *, decided: bool = False) -> tuple[World, Appeal]:
    w, decision = _final(factory)
    appeal = monitoring.file_appeal(decision, level="institutional", grounds="Category 2 fits.", actor=w.proposal.pi)
    if decided:
        monitoring.decide_appeal(appeal, outcome="modified", reviewer="Appeals panel", note="", actor=w.coordinator)
    db.session.commit()
    return w, appeal


@scenario(f"{DECISIONS}.make_decision", "decision.made")
def _make(factory: Factory) -> Call:
    w = make_decision_world(factory)
    sets, draft = _draft(w)
    return call(w.proposal, w.ire, sets, draft, actor=w.chair)


@scenario(f"{DECISIONS}.sign_decision", "decision.signed")
def _sign_last(factory: Factory) -> Call:
    """The second, last signature: signed, made final, the proposal moved on, clocks started, in one event."""
    w, decision = _made(factory)
    return call(decision, password=PASSWORD, printed_name=w.member.name, actor=w.member)  # type: ignore[attr-defined]


@scenario(f"{DECISIONS}.decide_out_of_scope", "decision.made")
def _out_of_scope(factory: Factory) -> Call:
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    proposal = _screened(factory, institution, {"agents.works_with_agents": "no"}, title="Desk study")
    confirm_out_of_scope(proposal, reason="Nothing applies.", actor=coordinator)
    db.session.commit()
    return call(proposal, set_facts(proposal), actor=coordinator)


@scenario(f"{MONITORING}.submit_evidence", "condition.evidence_submitted")
def _evidence(factory: Factory) -> Call:
    w, decision = _final(factory)
    return call(decision.conditions[0], evidence="The list is filed.", actor=w.proposal.pi)


@scenario(f"{MONITORING}.review_evidence", "condition.verified")
def _verify(factory: Factory) -> Call:
    w, decision = _final(factory)
    monitoring.submit_evidence(decision.conditions[0], evidence="The list is filed.", actor=w.proposal.pi)
    db.session.commit()
    return call(decision.conditions[0], accept=True, note="", actor=w.coordinator)


@scenario(f"{MONITORING}.complete_clock", "clock.completed")
def _clock(factory: Factory) -> Call:
    w, decision = _final(factory)
    clock = db.session.scalars(select(RegulatoryClock).where(RegulatoryClock.decision_id == decision.id)).first()
    owner = w.proposal.pi if clock.owner == "investigator" else w.coordinator
    return call(clock, note="Report sent.", actor=owner)


@scenario(f"{MONITORING}.file_appeal", "appeal.filed")
def _file_appeal(factory: Factory) -> Call:
    w, decision = _final(factory)
    return call(decision, level="institutional", grounds="Category 2 fits.", actor=w.proposal.pi)


@scenario(f"{MONITORING}.decide_appeal", "appeal.decided")
def _decide_appeal(factory: Factory) -> Call:
    w, appeal = _appealed(factory)
    return call(appeal, outcome="modified", reviewer="Appeals panel", note="", actor=w.coordinator)


@scenario(f"{MONITORING}.link_appeal_decision", "appeal.answered")
def _link(factory: Factory) -> Call:
    w, appeal = _appealed(factory, decided=True)
    sets, draft = _draft(w, "category_2")
    new = make_decision(w.proposal, w.ire, sets, draft, actor=w.chair, kind="appeal", supersedes=appeal.decision)
    db.session.commit()
    return call(appeal, new, actor=w.chair)
