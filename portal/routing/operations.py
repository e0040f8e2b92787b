"""Triage: the coordinator confirms or overrides the committees the screening proposes."""

from __future__ import annotations

from collections.abc import Sequence

from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.notifications import audiences
from portal.notifications.outbox import notify
from portal.proposals.lifecycle import change_state, require_step
from portal.proposals.models import Proposal
from portal.proposals.states import Step
from portal.reviews.permissions import acting_chair_id
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
            proposal=proposal,  # keeps a loaded proposal.routes current: the chairs' access is read from it
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
    _notify_triaged(proposal, chosen)
    return routes


def confirm_out_of_scope(proposal: Proposal, *, reason: str, actor: User) -> None:
    """Out of scope under every set: on to an administrative determination instead of a committee."""
    reason = " ".join(reason.split())
    if not reason:
        raise TriageError(N_("Say why the proposal needs no committee review."))
    moved = change_state(proposal, Step.CONFIRM_OUT_OF_SCOPE)
    record("proposal.confirm_out_of_scope", actor=actor, target=proposal, data={**moved, "reason": reason})
    notify("triage_done", audiences.team(proposal), proposal=proposal, link=f"/proposals/{proposal.id}",
           params=_triage_params(proposal, [], out_of_scope=True))


def _triage_params(proposal: Proposal, committees: list[str], *, for_team: bool = True,
                   out_of_scope: bool = False) -> dict[str, object]:
    return {"title": proposal.title, "committees": committees, "institution": proposal.pi.institution.name,
            "for_team": for_team, "out_of_scope": out_of_scope}


def _chairs(committee: Committee, proposal: Proposal) -> list[User]:
    """Its chairs, and its deputy when the deputy acts for a conflicted (or missing) chair; `notify` then drops
    whoever may not see the proposal, a conflicted chair first of all."""
    today = utcnow().date()
    chairs = [m.user for m in committee.members if m.role == MemberRole.CHAIR.value and m.active_on(today)]
    deputy = next((m for m in committee.members if m.user_id == committee.deputy_id and m.active_on(today)), None)
    if deputy is not None and acting_chair_id(committee, proposal) == deputy.user_id:
        chairs.append(deputy.user)
    return chairs


def _notify_triaged(proposal: Proposal, chosen: Sequence[Committee]) -> None:
    """The team hears which committees will review; each committee's chair hears there is a proposal to assign.
    Committee names only: the team learns no person's name, a chair only the committees they act for."""
    names = [c.name for c in chosen]
    team = audiences.team(proposal)
    notify("triage_done", team, proposal=proposal, link=f"/proposals/{proposal.id}",
           params=_triage_params(proposal, names))
    acting_for: dict[int, list[str]] = {}
    chairs: list[User] = []
    for committee in chosen:
        for chair in _chairs(committee, proposal):
            if chair in team:  # conflicted: the team's own message is all they get
                continue
            acting_for.setdefault(chair.id, []).append(committee.name)
            chairs.append(chair)
    notify("triage_done", chairs, proposal=proposal, link=f"/proposals/{proposal.id}/assignments",
           params=lambda user: _triage_params(proposal, acting_for[user.id], for_team=False))
