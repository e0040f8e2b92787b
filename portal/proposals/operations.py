"""The write path for proposals. Each function checks its rule, writes, audits, flushes; never commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from portal.audit.canonical import canonical_json
from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.consistency.scheduling import schedule_check
from portal.criteria.model import CriteriaSet
from portal.errors import InvalidTransitionError
from portal.extensions import db
from portal.i18n.marks import N_, Label
from portal.notifications import audiences
from portal.notifications.outbox import notify
from portal.proposals.attachments import clean_display_name, discard_file, inspect_pdf, store_file
from portal.proposals.fields import FIELDS, TeamRole
from portal.proposals.lifecycle import change_state
from portal.proposals.models import (
    Attachment,
    ExternalCollaborator,
    Proposal,
    ProposalMember,
    ProposalVersion,
)
from portal.proposals.states import EDIT_STEPS, Step
from portal.proposals.submission import ProposalError, submit

EDITABLE_FIELDS = frozenset(spec.name for spec in FIELDS)
ATTESTATION = (
    "I attest that this proposal is accurate and complete to the best of my knowledge, that its "
    "screening answers describe the work proposed, and that I will report changes as amendments."
)


def create_proposal(*, title: str, actor: User, pi: User | None = None) -> Proposal:
    """Start a draft. A preparer names the PI and joins the team as preparer."""
    pi = pi or actor
    if Role.INVESTIGATOR not in pi.roles:
        raise ProposalError(N_("The principal investigator must hold the investigator role."))
    if pi.institution_id != actor.institution_id:
        raise ProposalError(N_("The principal investigator must belong to your institution."))
    proposal = Proposal(institution_id=pi.institution_id, pi=pi, created_by_id=actor.id, title=title.strip())
    if pi.id != actor.id:
        proposal.members.append(ProposalMember(user=actor, role=TeamRole.PREPARER.value))
    db.session.add(proposal)
    record("proposal.created", actor=actor, target=proposal, data={"title": proposal.title, "pi_id": pi.id})
    return proposal


def _require_editable(proposal: Proposal) -> None:
    if proposal.state_enum not in EDIT_STEPS:
        raise InvalidTransitionError(N_("A proposal that is %(state)s cannot be edited."),
                                     state=Label(proposal.state_enum.label, lower=True))


def update_proposal(proposal: Proposal, values: dict[str, Any], *, actor: User) -> list[str]:
    """Save the working copy; only known fields are taken. Returns the names of changed fields."""
    _require_editable(proposal)
    changed = []
    for name, value in values.items():
        if name not in EDITABLE_FIELDS:
            continue  # state, owner and the like are never set from input
        value = value.strip() if isinstance(value, str) else value
        if (getattr(proposal, name) or "") != (value or ""):
            setattr(proposal, name, value or (None if name in ("funding_source", "containment_level") else ""))
            changed.append(name)
    if changed:
        proposal.updated_at = utcnow()
        record("proposal.updated", actor=actor, target=proposal, data={"fields": sorted(changed)})
    return changed


def add_member(proposal: Proposal, user: User, role: TeamRole, *, actor: User) -> ProposalMember:
    _require_editable(proposal)
    if user.id == proposal.pi_id:
        raise ProposalError(N_("%(name)s is already the principal investigator."), name=user.name)
    if any(m.user_id == user.id for m in proposal.members):
        raise ProposalError(N_("%(name)s is already on the team."), name=user.name)
    member = ProposalMember(proposal=proposal, user=user, role=role.value)
    db.session.add(member)
    record("proposal.member_added", actor=actor, target=proposal, data={"user_id": user.id, "role": role.value})
    return member


def remove_member(proposal: Proposal, member: ProposalMember, *, actor: User) -> None:
    _require_editable(proposal)
    proposal.members.remove(member)
    record("proposal.member_removed", actor=actor, target=proposal, data={"user_id": member.user_id})


def add_collaborator(
    proposal: Proposal, *, name: str, affiliation: str, role: str, actor: User
) -> ExternalCollaborator:
    _require_editable(proposal)
    collaborator = ExternalCollaborator(name=name.strip(), affiliation=affiliation.strip(), role=role.strip())
    proposal.collaborators.append(collaborator)
    record(
        "proposal.collaborator_added",
        actor=actor,
        target=proposal,
        data={"name": collaborator.name, "affiliation": collaborator.affiliation},
    )
    return collaborator


def remove_collaborator(proposal: Proposal, collaborator: ExternalCollaborator, *, actor: User) -> None:
    _require_editable(proposal)
    proposal.collaborators.remove(collaborator)
    record("proposal.collaborator_removed", actor=actor, target=proposal, data={"name": collaborator.name})


def add_attachment(
    proposal: Proposal, *, filename: str | None, content: bytes, directory: str, actor: User
) -> Attachment:
    _require_editable(proposal)
    facts = inspect_pdf(content)
    storage_name = store_file(content, directory)
    try:
        attachment = Attachment(
            proposal_id=proposal.id,
            filename=clean_display_name(filename),
            storage_name=storage_name,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            pages=facts.pages,
            has_active_content=facts.has_active_content,
            uploaded_by_id=actor.id,
        )
        proposal.attachments.append(attachment)
        proposal.updated_at = utcnow()
        record(
            "attachment.uploaded",
            actor=actor,
            target=attachment,
            data={
                "proposal_id": proposal.id,
                "filename": attachment.filename,
                "sha256": attachment.sha256,
                "size": attachment.size,
            },
        )
    except Exception:
        discard_file(storage_name, directory)  # the flush failed: no row will name the file (the view covers commit)
        raise
    return attachment


def remove_attachment(proposal: Proposal, attachment: Attachment, *, actor: User) -> None:
    _require_editable(proposal)
    if attachment.removed_at is None:
        attachment.removed_at = utcnow()
        proposal.updated_at = attachment.removed_at
        record("attachment.removed", actor=actor, target=attachment, data={"proposal_id": proposal.id})


def record_screening_answers(proposal: Proposal, answers: dict[str, Any], *, actor: User) -> list[str]:
    """Replace the working copy's screening answers (keyed by question id); returns the changed ids."""
    _require_editable(proposal)
    before = json.loads(proposal.screening_answers or "{}")
    changed = sorted(k for k in set(before) | set(answers) if before.get(k) != answers.get(k))
    if changed:
        proposal.screening_answers = canonical_json(answers)
        proposal.updated_at = utcnow()
        record("proposal.screening_answered", actor=actor, target=proposal, data={"questions": changed})
    return changed


def submit_proposal(
    proposal: Proposal,
    *,
    actor: User,
    password: str,
    printed_name: str,
    attested: bool,
    criteria_sets: Sequence[CriteriaSet] | None = None,
) -> ProposalVersion:
    """Sign and freeze the working copy as the next version (submission or amendment), screened under
    `criteria_sets` when given. One event, `proposal.submit` or `proposal.amend`, names the version, the
    signature and each screening."""
    done = submit(proposal, actor=actor, password=password, printed_name=printed_name, attested=attested,
                  criteria_sets=criteria_sets)
    facts = done.facts()
    if done.screenings:
        # The text is compared with what the answers denied, after the commit and off the page (a job).
        facts["consistency_check"] = schedule_check(done.version, requested_by=actor).id
    record(f"proposal.{done.step.value}", actor=actor, target=proposal, data=facts)
    _notify_submitted(proposal, done.version.number, resubmitted=done.step == Step.AMEND)
    return done.version


def _notify_submitted(proposal: Proposal, version: int, *, resubmitted: bool) -> None:
    """The team hears their submission arrived; the review office hears there is work (coordinators)."""
    team = audiences.team(proposal)
    team_ids = {user.id for user in team}
    recipients = [*team, *audiences.institution_staff(proposal.institution_id, Role.COORDINATOR)]
    notify("resubmitted" if resubmitted else "submission_received", recipients, proposal=proposal,
           link=f"/proposals/{proposal.id}",
           params=lambda user: {"title": proposal.title, "version": version, "for_team": user.id in team_ids,
                                "institution": proposal.pi.institution.name})


def withdraw_proposal(proposal: Proposal, *, reason: str, actor: User) -> None:
    if actor.id != proposal.pi_id:
        raise ProposalError(N_("Only the principal investigator can withdraw this proposal."))
    if not reason.strip():
        raise ProposalError(N_("Say briefly why the proposal is withdrawn."))
    moved = change_state(proposal, Step.WITHDRAW)
    record("proposal.withdraw", actor=actor, target=proposal, data={**moved, "reason": reason.strip()})
