"""Demo decisions, told in time through the portal's own operations: a Category 1 determination not approved seven
weeks ago, appealed, replaced six weeks ago by an approval with conditions whose first deadline has now passed;
and an administrative determination for a proposal out of scope. Fictional, at the level of public policy text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.auth.models import User
from portal.clock import shifted, utcnow
from portal.decisions import monitoring
from portal.decisions import operations as decisions
from portal.decisions.models import Decision
from portal.decisions.queries import set_facts
from portal.decisions.rules import ConditionDraft, DecisionDraft, SetFacts
from portal.demo.review_round import demo_review
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from portal.reviews.rules import criterion_items
from portal.routing.operations import confirm_out_of_scope, triage_proposal
from portal.routing.queries import institution_committees
from portal.screenings.queries import screenings_for_version

DECIDED_TITLE = "Oversight records of a regional laboratory network (fictional)"
OUT_OF_SCOPE_TITLE = "Soil microbiome diversity in urban parks"


def _draft(sets: list[SetFacts], outcome: str, rationale: str, conditions: list[ConditionDraft]) -> DecisionDraft:
    """Category 1 under the 2024 policy (the committee's judgment); what the sets' first determination says
    elsewhere (not in scope, or the reflective sets' "recorded")."""
    draft = DecisionDraft(outcome=outcome, rationale=rationale, conditions=conditions)
    for facts in sets:
        chosen = "category_1" if facts.set_id == "usg-durc-pepp-2024" else facts.determinations[0].id
        draft.determinations[facts.set_id] = (chosen, "Considered by the committee at its meeting.")
        for criterion, _question in facts.judgments:
            answer = "yes" if facts.set_id == "usg-durc-pepp-2024" else "no"
            draft.judgments[(facts.set_id, criterion)] = (answer, "The committee's judgment, recorded in its minutes.")
    return draft


def _sign_by(decision: Decision, *people: User) -> None:
    from portal.demo.seed import DEMO_PASSWORD

    for person in people:
        decisions.sign_decision(decision, password=DEMO_PASSWORD, printed_name=person.name, actor=person)


def _reviewed(proposal: Proposal, *, chair: User, reviewer: User, coordinator: User) -> None:
    ire = next(c for c in institution_committees(proposal.institution_id) if c.kind == "ire")
    triage_proposal(proposal, [ire], proposed=[ire], reason="", actor=coordinator)
    db.session.flush()
    for person in (reviewer, chair):
        assignment = assign_reviewer(proposal, ire, person, due_on=None, actor=coordinator)
        db.session.flush()
        items = criterion_items(screenings_for_version(assignment.version_id))
        values = demo_review(assignment, rationale="Consistent with the screen.",
                             recommendation="approve_with_conditions")
        save_review(assignment, items, values, opened_lock=None, submit=True, actor=person)
    complete_review(proposal, actor=coordinator)


def seed_decided_story(*, pi: User, chair: User, reviewer: User, coordinator: User) -> None:
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == DECIDED_TITLE))
    ire = next(c for c in institution_committees(proposal.institution_id) if c.kind == "ire")
    with shifted(-timedelta(days=52)):
        _reviewed(proposal, chair=chair, reviewer=reviewer, coordinator=coordinator)
        sets = set_facts(proposal)
        first = decisions.make_decision(proposal, ire, sets, _draft(
            sets, "not_approved", "The draft risk mitigation plan does not yet say who may access the records.", []
        ), actor=chair)
        _sign_by(first, chair, reviewer)
        appeal = monitoring.file_appeal(first, level="institutional", actor=pi, grounds=(
            "The revised plan now names who may access the records and how access is reviewed each year."))
        db.session.flush()
    with shifted(-timedelta(days=45)):
        monitoring.decide_appeal(appeal, outcome="modified", reviewer="Institutional appeals panel (fictional)",
                                 note="Approval with conditions, given the revised plan.", actor=coordinator)
        today = utcnow().date()
        conditions = [
            ConditionDraft("Keep the list of people with access to the study records current and confirm it each "
                           "year.", "investigator", today + timedelta(days=60)),
            ConditionDraft("Confirm that the funding agency acknowledged the notification.", "coordinator",
                           today + timedelta(days=75)),
        ]
        second = decisions.make_decision(proposal, ire, sets, _draft(
            sets, "approved_with_conditions", "Approved on appeal under the revised risk mitigation plan.", conditions
        ), actor=chair, kind="appeal", supersedes=first)
        monitoring.link_appeal_decision(appeal, second, actor=chair)
        _sign_by(second, chair, reviewer)
        db.session.flush()
    monitoring.submit_evidence(second.conditions[0], actor=pi,
                               evidence="Access list confirmed; the signed list is filed with the study records.")


def seed_administrative(*, coordinator: User) -> None:
    """Out of scope under every applied set: confirmed at triage and decided by the coordinator."""
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == OUT_OF_SCOPE_TITLE))
    confirm_out_of_scope(proposal, reason="A field ecology study; no criteria set applies.", actor=coordinator)
    db.session.flush()
    decision = decisions.decide_out_of_scope(proposal, set_facts(proposal), actor=coordinator)
    _sign_by(decision, coordinator)
