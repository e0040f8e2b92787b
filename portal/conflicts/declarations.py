"""The building block of a conflict declaration: checks and the new row, no audit event (the operation that
uses it writes the one event: conflicts.operations.declare_conflict, reviews.operations.declare_own_conflict)."""

from __future__ import annotations

from portal.auth.models import User
from portal.conflicts.models import ConflictDeclaration
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.proposals.models import Proposal


class ConflictError(PortalError):
    """A declaration was refused; the message is for the user."""


def add_declaration(proposal: Proposal, person: User, *, reason: str, actor: User) -> ConflictDeclaration:
    """A reviewer declares their own conflict, or the PI or a preparer names someone who should not review."""
    reason = " ".join(reason.split())
    if not reason:
        raise ConflictError(N_("Say briefly why there is a conflict of interest."))
    if actor.id == person.id:
        source = "self"
    elif actor.id == proposal.pi_id or any(m.user_id == actor.id for m in proposal.members):
        source = "investigator"
    else:
        raise ConflictError(N_("Only the person concerned or the proposal's team can declare a conflict."))
    if any(d.user_id == person.id and d.source == source for d in proposal.conflict_declarations):
        raise ConflictError(N_("A conflict for %(name)s has already been declared."), name=person.name)
    declaration = ConflictDeclaration(
        proposal_id=proposal.id, user_id=person.id, declared_by_id=actor.id, source=source, reason=reason[:2000]
    )
    db.session.add(declaration)
    proposal.conflict_declarations.append(declaration)
    return declaration
