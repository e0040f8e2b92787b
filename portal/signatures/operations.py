"""The audited write of the signatures package: a refused signing attempt. Applying a signature is a building
block of the operation that needs it (portal.signatures.signing), audited in that operation's one event."""

from __future__ import annotations

from portal.audit.operations import record
from portal.auth.models import User


def record_refused_signature(meaning: str, reason: str, *, actor: User) -> None:
    """Audit a failed signing attempt; called after the refused unit of work was rolled back."""
    record("signature.refused", actor=actor, data={"meaning": meaning, "reason": reason})
