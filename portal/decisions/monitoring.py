"""The write path after a decision: evidence for the conditions of the risk mitigation plan, clocks met, appeals.
Each function checks its rule, writes, audits, flushes; the caller commits."""

from __future__ import annotations

from datetime import timedelta

from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.decisions import permissions as can
from portal.decisions.models import APPEAL_LEVELS, Appeal, Condition, Decision, RegulatoryClock
from portal.decisions.queries import superseded_ids
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Label
from portal.notifications import audiences
from portal.notifications.outbox import notify

TEXT_LIMIT = 5000


class MonitoringError(PortalError):
    """A step of the plan, a clock or an appeal was refused; the message is for the user."""


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise MonitoringError(N_("Write %(what)s."), what=Label(what))
    if len(text) > TEXT_LIMIT:
        raise MonitoringError(N_("Keep %(what)s under %(limit)d characters."), what=Label(what), limit=TEXT_LIMIT)
    return text


def submit_evidence(condition: Condition, *, evidence: str, actor: User) -> None:
    """The condition's owner says how it was met; a coordinator then verifies it."""
    decision = db.session.get(Decision, condition.decision_id)
    if not can.can_submit_evidence(actor, condition, decision.proposal):
        raise MonitoringError(N_("Only the condition's owner can submit evidence for it, until it is verified."))
    condition.evidence = _text(evidence, N_("what was done and where the evidence is"))
    condition.status, condition.evidence_at, condition.evidence_by_id = "evidence_submitted", utcnow(), actor.id
    condition.review_note = ""
    record("condition.evidence_submitted", actor=actor, target=condition,
           data={"proposal_id": condition.proposal_id, "decision_id": condition.decision_id})
    proposal = decision.proposal
    notify("condition_evidence_submitted",
           audiences.institution_staff(proposal.institution_id, Role.COORDINATOR), proposal=proposal,
           link=f"/decisions/{decision.id}",
           params={"title": proposal.title, "position": condition.position, "description": condition.description,
                   "due_on": condition.due_on.isoformat()})


def review_evidence(condition: Condition, *, accept: bool, note: str, actor: User) -> None:
    """A coordinator verifies the evidence, or sends it back with the reason."""
    decision = db.session.get(Decision, condition.decision_id)
    if not can.can_review_evidence(actor, decision.proposal):
        raise MonitoringError(N_("Only a coordinator of the institution verifies evidence."))
    if condition.status != "evidence_submitted":
        raise MonitoringError(N_("There is no evidence waiting to be verified for this condition."))
    if accept:
        condition.status, condition.verified_at, condition.verified_by_id = "verified", utcnow(), actor.id
    else:
        condition.status, condition.review_note = "open", _text(note, N_("why the evidence is not enough"))
    record("condition.verified" if accept else "condition.evidence_returned", actor=actor, target=condition,
           data={"proposal_id": condition.proposal_id, "decision_id": condition.decision_id})
    proposal = decision.proposal
    notify("condition_verified" if accept else "condition_evidence_returned", audiences.team(proposal),
           proposal=proposal, link=f"/decisions/{decision.id}",
           params={"title": proposal.title, "position": condition.position, "description": condition.description,
                   "due_on": condition.due_on.isoformat(), "note": condition.review_note})


def complete_clock(clock: RegulatoryClock, *, note: str, actor: User) -> RegulatoryClock | None:
    """Mark a clock met; a recurring duty (a progress report, continuing review) starts its next clock, due
    `repeat_days` after this one was due. Returns that next clock, if any."""
    if not can.can_complete_clock(actor, clock):
        raise MonitoringError(N_("Only whoever owes this deadline can mark it met, once."))
    clock.completed_at, clock.completed_by_id = utcnow(), actor.id
    clock.completion_note = note.strip()[:TEXT_LIMIT]
    following = None
    if clock.repeat_days:
        following = RegulatoryClock(
            proposal_id=clock.proposal_id, decision_id=clock.decision_id, set_id=clock.set_id, kind=clock.kind,
            title=clock.title, owner=clock.owner, due_on=clock.due_on + timedelta(days=clock.repeat_days),
            repeat_days=clock.repeat_days,
        )
        db.session.add(following)
        db.session.flush()
    record("clock.completed", actor=actor, target=clock,
           data={"proposal_id": clock.proposal_id, "kind": clock.kind, "due_on": clock.due_on.isoformat(),
                 "next_due_on": following.due_on.isoformat() if following else None})
    return following


def file_appeal(decision: Decision, *, level: str, grounds: str, actor: User) -> Appeal:
    """The principal investigator appeals a final decision that nothing superseded yet."""
    pending = db.session.scalar(db.select(Appeal.id).where(Appeal.decision_id == decision.id,
                                                           Appeal.outcome == "pending"))
    superseded = decision.id in superseded_ids(decision.proposal_id)
    if not can.can_appeal(actor, decision, superseded, pending is not None):
        raise MonitoringError(N_("Only the principal investigator appeals a final, current decision, one appeal at "
                                 "a time."))
    if level not in APPEAL_LEVELS:
        raise MonitoringError(N_("Choose the level of the appeal."))
    appeal = Appeal(decision_id=decision.id, appellant_id=actor.id, level=level,
                    grounds=_text(grounds, N_("the grounds of the appeal")), filed_on=utcnow().date())
    db.session.add(appeal)
    record("appeal.filed", actor=actor, target=appeal, data={"decision_id": decision.id, "level": level})
    return appeal


def decide_appeal(appeal: Appeal, *, outcome: str, reviewer: str, note: str, actor: User) -> None:
    """Record how the appeal ended. An overturned or modified decision is then replaced by a new decision of
    kind "appeal" that supersedes it (made and signed like any other)."""
    if not can.can_decide_appeal(actor, appeal):
        raise MonitoringError(N_("Only a coordinator of the institution records the outcome of a pending appeal."))
    if outcome not in ("upheld", "overturned", "modified"):
        raise MonitoringError(N_("Choose how the appeal ended."))
    appeal.outcome, appeal.decided_on = outcome, utcnow().date()
    appeal.reviewer = _text(reviewer, N_("who heard the appeal"))[:200]
    appeal.outcome_note = note.strip()[:TEXT_LIMIT]
    record("appeal.decided", actor=actor, target=appeal,
           data={"decision_id": appeal.decision_id, "outcome": outcome})


def link_appeal_decision(appeal: Appeal, decision: Decision, *, actor: User) -> None:
    """Tie the decision that replaced an appealed one to its appeal."""
    if appeal.outcome not in ("overturned", "modified") or decision.supersedes_id != appeal.decision_id:
        raise MonitoringError(N_("Only a decision that replaces the appealed one answers an overturned appeal."))
    appeal.new_decision_id = decision.id
    record("appeal.answered", actor=actor, target=appeal, data={"new_decision_id": decision.id})
