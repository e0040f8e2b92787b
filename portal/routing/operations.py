"""Triage: the coordinator confirms or overrides the committees the screening proposes."""

from __future__ import annotations

from collections.abc import Sequence

from portal.audit.operations import record
from portal.auth.models import User
from portal.committees.models import Committee
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.proposals.lifecycle import change_state, require_step
from portal.proposals.models import Proposal
from portal.proposals.states import Step
from portal.routing.models import ProposalCommittee


class TriageError(PortalError):
    """Triage was refused; the message is for the user."""


def triage_proposal(
    proposal: Proposal, chosen: Sequence[Committee], *, proposed: Sequence[Committee], reason: str, actor: User
) -> list[ProposalCommittee]:
    """Send the latest version to the chosen committees; a choice other than the proposal needs a reason."""
    require_step(proposal, Step.TRIAGE)  # before any route is added: a refusal leaves nothing to write
    reason = " ".join(reason.split())
    if not chosen:
        raise TriageError(N_("Choose at least one committee, or confirm the proposal as out of scope."))
    if any(c.institution_id != proposal.institution_id for c in chosen):
        raise TriageError(N_("Committees must belong to the proposal's institution."))
    overridden = {c.id for c in chosen} != {c.id for c in proposed}
    if overridden and not reason:
        raise TriageError(N_("You chose other committees than the screening proposes: give the reason."))
    version = proposal.versions[-1]
    proposed_ids = {c.id for c in proposed}
    routes = [
        ProposalCommittee(
            proposal_id=proposal.id,
            committee_id=c.id,
            version_id=version.id,
            proposed=c.id in proposed_ids,
            assigned_by_id=actor.id,
            reason=reason,
        )
        for c in chosen
    ]
    db.session.add_all(routes)
    moved = change_state(proposal, Step.TRIAGE)
    record(
        "proposal.triaged",
        actor=actor,
        target=proposal,
        data={
            **moved,
            "version": version.number,
            "proposed": sorted(proposed_ids),
            "chosen": sorted(c.id for c in chosen),
            "overridden": overridden,
            **({"reason": reason} if reason else {}),
        },
    )
    return routes


def confirm_out_of_scope(proposal: Proposal, *, reason: str, actor: User) -> None:
    """Out of scope under every set: on to an administrative determination instead of a committee."""
    reason = " ".join(reason.split())
    if not reason:
        raise TriageError(N_("Say why the proposal needs no committee review."))
    moved = change_state(proposal, Step.CONFIRM_OUT_OF_SCOPE)
    record("proposal.confirm_out_of_scope", actor=actor, target=proposal, data={**moved, "reason": reason})
