"""The write path of decisions: make one (its content fixed and hashed), sign it, and when enough people have
signed, make it final: the proposal moves on, a superseded decision's clocks stop and the new clocks start.
Each function checks its rule, writes, audits, flushes; the caller commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from portal.audit.canonical import canonical_json, sha256_hex
from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.decisions import permissions as can
from portal.decisions.content import signed_content
from portal.decisions.models import FINAL, Condition, Decision, DecisionSignature, RegulatoryClock
from portal.decisions.queries import pending_decision, superseded_ids
from portal.decisions.rules import (
    APPROVALS,
    OUTCOME_LABELS,
    DecisionDraft,
    SetFacts,
    chosen,
    clock_schedule,
    decision_problems,
    out_of_scope_determinations,
    signatures_required,
)
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Label, english_ngettext
from portal.institutions.models import Institution
from portal.notifications import audiences
from portal.notifications.outbox import notify
from portal.proposals.lifecycle import change_state, joined
from portal.proposals.models import Proposal
from portal.proposals.states import ProposalState, Step
from portal.signatures.signing import sign, signature_facts


class DecisionError(PortalError):
    """A decision step was refused; the message is for the user."""


class DecisionIncomplete(PortalError):
    """The decision form is missing something; `problems` maps each field to what it needs."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_incomplete(english_ngettext, len(problems)))
        self.problems = problems

    def translated(self) -> str:
        from flask_babel import ngettext

        return _incomplete(ngettext, len(self.problems))


def _incomplete(ngettext: Callable[..., str], count: int) -> str:
    return ngettext(
        "The decision is not complete: %(num)d point to finish. Nothing was saved; your entries are kept below.",
        "The decision is not complete: %(num)d points to finish. Nothing was saved; your entries are kept below.",
        count,
    )


def _determinations(sets: Sequence[SetFacts], draft: DecisionDraft) -> list[dict]:
    return [
        {
            "set_id": facts.set_id,
            "set_title": facts.set_title,
            "set_version": facts.set_version,
            "set_digest": facts.set_digest,
            "determination_id": determination.id,
            "title": determination.title,
            "dual_use": determination.dual_use,
            "rationale": draft.determinations[facts.set_id][1].strip(),
            "provisional_outcome_id": facts.provisional_id,
            "provisional_outcome_title": facts.provisional_title,
        }
        for facts, determination in chosen(sets, draft)
    ]


def _judgments(sets: Sequence[SetFacts], draft: DecisionDraft) -> list[dict]:
    return [
        {
            "set_id": facts.set_id,
            "criterion": criterion,
            "question": question,
            "answer": draft.judgments[(facts.set_id, criterion)][0],
            "rationale": draft.judgments[(facts.set_id, criterion)][1].strip(),
        }
        for facts in sets
        for criterion, question in facts.judgments
    ]


def _check_kind(proposal: Proposal, kind: str, supersedes: Decision | None) -> None:
    # Two people deciding at once: on PostgreSQL the second waits on this row lock, then reads the proposal and
    # the first decision as committed (SQLite's BEGIN IMMEDIATE already serialises whole write requests).
    db.session.refresh(proposal, with_for_update=True)
    if pending_decision(proposal.id) is not None:
        raise DecisionError(N_("A decision on this proposal is waiting for signatures: it must be signed first."))
    if kind in ("committee", "administrative"):
        if proposal.state_enum is not ProposalState.AWAITING_DECISION:
            raise DecisionError(N_("The proposal is %(state)s, not awaiting a decision."),
                                state=Label(proposal.state_enum.label, lower=True))
        return
    if supersedes is None or not supersedes.final or supersedes.proposal_id != proposal.id:
        raise DecisionError(N_("A correction or an appeal decision replaces a final decision on this proposal."))
    if supersedes.id in superseded_ids(proposal.id):
        raise DecisionError(N_("That decision was already superseded; correct the latest one."))


def make_decision(
    proposal: Proposal,
    committee: Committee | None,
    sets: Sequence[SetFacts],
    draft: DecisionDraft,
    *,
    actor: User,
    kind: str = "committee",
    meeting_item_id: int | None = None,
    supersedes: Decision | None = None,
) -> Decision:
    """Record the decision the committee (or, out of scope, the coordinator) reached. Its content is fixed here
    and hashed; signatures follow. Nothing is saved when anything is missing."""
    _check_kind(proposal, kind, supersedes)
    today = utcnow().date()
    problems = decision_problems(sets, draft, today)
    if problems:
        raise DecisionIncomplete(problems)
    determinations, judgments = _determinations(sets, draft), _judgments(sets, draft)
    version = proposal.versions[-1]
    decision = Decision(
        proposal_id=proposal.id,
        version_id=version.id,
        committee_id=committee.id if committee else None,
        meeting_item_id=meeting_item_id,
        kind=kind,
        outcome=draft.outcome,
        rationale=draft.rationale.strip(),
        determinations=canonical_json(determinations),
        judgments=canonical_json(judgments),
        required_signatures=signatures_required(d for _, d in chosen(sets, draft)),
        supersedes_id=supersedes.id if supersedes else None,
        created_by_id=actor.id,
        record_language=db.session.get(Institution, proposal.institution_id).record_language,
    )
    decision.conditions = [
        Condition(proposal_id=proposal.id, position=n, description=c.description.strip()[:5000], owner=c.owner,
                  due_on=c.due_on)
        for n, c in enumerate(draft.conditions, 1)
    ]
    # The hash every signer signs, over the row as stored: `flask audit verify` rebuilds it the same way.
    decision.content_sha256 = sha256_hex(signed_content(decision, version_sha256=version.content_sha256))
    db.session.add(decision)
    record(
        "decision.made",
        actor=actor,
        target=decision,
        data={"proposal_id": proposal.id, "kind": kind, "outcome": draft.outcome,
              "content_sha256": decision.content_sha256, "required_signatures": decision.required_signatures,
              "supersedes_id": decision.supersedes_id},
    )
    return decision


def sign_decision(decision: Decision, *, password: str, printed_name: str, actor: User) -> DecisionSignature:
    """Sign the decision's content after re-entering the password; the last required signature makes it final.
    One person signs once: a dual-use determination needs two different people. One event, `decision.signed`,
    names the signature and, for the last one, what becoming final did."""
    if decision.final:
        raise DecisionError(N_("This decision is already final."))
    if any(s.signer_id == actor.id for s in decision.signatures):
        raise DecisionError(
            N_("You have already signed this decision; a second signature must come from someone else.")
        )
    role = can.signer_role(actor, decision)
    if role is None:
        raise DecisionError(N_("You cannot sign this decision."))
    where = f" of {decision.committee.name}" if decision.committee else ""
    meaning = f"{OUTCOME_LABELS[decision.outcome]}: signed as {role}{where}"
    signature = sign(decision.content_sha256, meaning=meaning, password=password, printed_name=printed_name,
                     actor=actor)
    link = DecisionSignature(decision_id=decision.id, signer_id=actor.id, signature=signature)
    decision.signatures.append(link)
    db.session.flush()
    final = _finalize(decision) if len(decision.signatures) >= decision.required_signatures else None
    record("decision.signed", actor=actor, target=decision, data={
        "proposal_id": decision.proposal_id, "signature_id": signature.id, "signature": signature_facts(signature),
        "role": role, "signatures": len(decision.signatures), "required_signatures": decision.required_signatures,
        "finalized": final})
    if final is not None:
        _notify_final(decision)
    return link


def _notify_final(decision: Decision) -> None:
    """The review office and the committee's chair hear the decision is final; the team hears its record is
    available. Nobody's name is in either message: the team never learns who reviewed or signed."""
    proposal = decision.proposal
    link = f"/decisions/{decision.id}"
    common = {"title": proposal.title, "outcome": decision.outcome_label,
              "committee": decision.committee.name if decision.committee else ""}
    staff = audiences.institution_staff(proposal.institution_id, Role.COORDINATOR)
    if decision.committee is not None:
        today = utcnow().date()
        staff += [m.user for m in decision.committee.members
                  if m.role == MemberRole.CHAIR.value and m.active_on(today)]
    notify("decision_signed", staff, params=common, proposal=proposal, link=link)
    notify("record_available", audiences.team(proposal), params=common, proposal=proposal, link=link)


def _finalize(decision: Decision) -> dict[str, object]:
    """The decision becomes final: the proposal moves on, a superseded decision's open clocks stop, the new
    clocks start. Returns what happened, for the signing event."""
    now = utcnow()
    decision.state, decision.finalized_at = FINAL, now
    proposal = decision.proposal
    moves = []
    if proposal.state_enum is ProposalState.AWAITING_DECISION:
        moves.append(change_state(proposal, Step.DECIDE))
    if decision.outcome in APPROVALS and proposal.state_enum is ProposalState.DECIDED:
        moves.append(change_state(proposal, Step.ACTIVATE))
    stopped = 0
    if decision.supersedes is not None:
        for clock in db.session.scalars(
            db.select(RegulatoryClock).where(
                RegulatoryClock.decision_id == decision.supersedes_id, RegulatoryClock.completed_at.is_(None)
            )
        ):
            clock.superseded_at = now
            stopped += 1
    clocks = _start_clocks(decision, now.date())
    return {"outcome": decision.outcome, "proposal": joined(moves) if moves else None, "clocks": len(clocks),
            "clocks_stopped": stopped, "supersedes_id": decision.supersedes_id}


def _start_clocks(decision: Decision, decided_on: date) -> list[RegulatoryClock]:
    """The clocks of the determinations as the sets define them now (the sets the decision form offered)."""
    from portal.decisions.queries import set_facts

    facts = {f.set_id: f for f in set_facts(decision.proposal)}
    pairs = [
        (facts[entry["set_id"]], determination)
        for entry in decision.determination_list()
        if entry["set_id"] in facts
        for determination in facts[entry["set_id"]].determinations
        if determination.id == entry["determination_id"]
    ]
    clocks = [
        RegulatoryClock(proposal_id=decision.proposal_id, decision_id=decision.id, set_id=set_id, kind=clock.kind,
                        title=clock.title, owner=clock.owner, due_on=due_on, repeat_days=clock.repeat_days)
        for set_id, clock, due_on in clock_schedule(decided_on, pairs)
    ]
    db.session.add_all(clocks)
    return clocks


def decide_out_of_scope(proposal: Proposal, sets: Sequence[SetFacts], *, actor: User) -> Decision:
    """The administrative determination: out of scope under every set, decided and signed by a coordinator."""
    if not can.can_decide_administratively(actor, proposal):
        raise DecisionError(N_("Only a coordinator decides a proposal that triage confirmed as out of scope."))
    determinations = out_of_scope_determinations(sets)
    if determinations is None:
        raise DecisionError(N_("A set offers no determination that is out of scope; the committee must decide."))
    reason = "Out of scope under every applied set."
    draft = DecisionDraft(
        determinations=determinations,
        judgments={(f.set_id, c): ("no", reason) for f in sets for c, _question in f.judgments},
        outcome="approved",
        rationale="Out of scope under every applied set, with no unsure answer; no committee review is required.",
    )
    return make_decision(proposal, None, sets, draft, actor=actor, kind="administrative")
