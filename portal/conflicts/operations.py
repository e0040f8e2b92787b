"""Declaring conflicts of interest. A declaration takes effect on the next request: nothing is cached."""

from __future__ import annotations

from portal.audit.operations import record
from portal.auth.models import User
from portal.conflicts.declarations import ConflictError, add_declaration
from portal.conflicts.models import ConflictDeclaration
from portal.proposals.models import Proposal

__all__ = ["ConflictError", "declare_conflict"]


def declare_conflict(proposal: Proposal, person: User, *, reason: str, actor: User) -> ConflictDeclaration:
    """A reviewer declares their own conflict, or the PI or a preparer names someone who should not review."""
    declaration = add_declaration(proposal, person, reason=reason, actor=actor)
    # The reason is kept out of the audit data: it may be personal, and the log is read more widely.
    record("conflict.declared", actor=actor, target=proposal,
           data={"user_id": person.id, "source": declaration.source})
    return declaration
