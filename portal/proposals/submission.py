"""Signing and freezing the working copy as the next version: the core that submitting, amending and
resubmitting share. It writes no audit event: the operation around it records one, with `Submission.facts`
(the state it moved through, the version, the signature and every screening of the new version)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from portal.audit.canonical import canonical_json, sha256_hex
from portal.auth.models import User
from portal.clock import utcnow
from portal.criteria.model import CriteriaSet
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Label, Labels, Message
from portal.proposals.completeness import missing
from portal.proposals.lifecycle import change_state, joined, require_step
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.snapshot import latest_snapshot, take_snapshot
from portal.proposals.states import EDIT_STEPS, ProposalState, Step
from portal.screenings.models import Screening
from portal.screenings.recording import record_screenings, screening_facts
from portal.signatures.models import Signature
from portal.signatures.signing import sign, signature_facts

MEANINGS = {Step.SUBMIT: "submitted", Step.AMEND: "amendment submitted", Step.RESUBMIT: "resubmitted"}


class ProposalError(PortalError):
    """A proposal operation was refused; the message is for the user."""


@dataclass
class Submission:
    step: Step
    version: ProposalVersion
    signature: Signature
    snapshot: dict[str, Any]
    moves: list[dict[str, str]]
    screenings: list[Screening] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {
            **joined(self.moves),
            "version": {
                "id": self.version.id,
                "number": self.version.number,
                "content_sha256": self.version.content_sha256,
                "attachments": [a["sha256"] for a in self.snapshot["attachments"]],
            },
            "signature": signature_facts(self.signature),
            "screenings": screening_facts(self.screenings),
        }


def _check(proposal: Proposal, actor: User, snapshot: dict[str, Any], attested: bool,
           criteria_sets: Sequence[CriteriaSet] | None) -> Step:
    if actor.id != proposal.pi_id:
        raise ProposalError(N_("Only the principal investigator can sign and submit this proposal."))
    step = EDIT_STEPS.get(proposal.state_enum)
    if step is None:
        require_step(proposal, Step.SUBMIT)  # refuses with the lifecycle's own message
    missing_now = [
        Message(message, **{key: Label(value) if key == "field" else value for key, value in values.items()})
        for message, values in missing(snapshot, criteria_sets or ())
    ]
    if missing_now:
        raise ProposalError(N_("The proposal is not complete yet: %(missing)s"), missing=Labels(missing_now, sep=" "))
    previous = latest_snapshot(proposal)
    if previous is not None and sha256_hex(previous) == sha256_hex(snapshot):
        raise ProposalError(N_("Nothing has changed since version %(number)s; there is nothing to submit."),
                            number=proposal.version_count)
    if not attested:
        raise ProposalError(N_("Tick the attestation to confirm it before signing."))
    return step


def submit(
    proposal: Proposal,
    *,
    actor: User,
    password: str,
    printed_name: str,
    attested: bool,
    criteria_sets: Sequence[CriteriaSet] | None,
) -> Submission:
    """With `criteria_sets` (the institution's active sets) the new version is screened under each of them in
    the same transaction, and a first submission moves on to "screened"."""
    snapshot = take_snapshot(proposal)
    step = _check(proposal, actor, snapshot, attested, criteria_sets)
    content_sha256 = sha256_hex(snapshot)
    meaning = f"{MEANINGS[step]} as principal investigator"
    signature = sign(content_sha256, meaning=meaning, password=password, printed_name=printed_name, actor=actor)
    version = ProposalVersion(
        proposal_id=proposal.id,
        number=proposal.version_count + 1,
        step=step.value,
        snapshot=canonical_json(snapshot),
        content_sha256=content_sha256,
        signature=signature,
        created_by_id=actor.id,
    )
    proposal.versions.append(version)  # keeps a loaded collection current within this transaction
    proposal.version_count = version.number
    if proposal.submitted_at is None:
        proposal.submitted_at = utcnow()
    db.session.flush()  # the screenings and the event name the version by id
    submission = Submission(step, version, signature, snapshot, [change_state(proposal, step)])
    if criteria_sets is not None:
        submission.screenings = record_screenings(version, criteria_sets)
        if proposal.state_enum is ProposalState.SUBMITTED:
            submission.moves.append(change_state(proposal, Step.SCREEN))
    return submission
