"""The audit chain's status over the API, for those who may open the /audit page (audit.permissions)."""

from __future__ import annotations

from portal.api.audit_schemas import AuditStatus
from portal.api.problems import ApiProblem
from portal.api.spec import operation
from portal.audit.permissions import can_read_audit
from portal.audit.queries import chain_status
from portal.auth.api_tokens import Scope
from portal.auth.models import User


@operation("/audit/status", summary="Check the audit chain", tag="Audit", scope=Scope.AUDIT_READ,
           response=AuditStatus)
def audit_status(user: User) -> AuditStatus:
    """Walks the hash chain from its first event and checks every anchor, as the audit page does: whether it is
    intact, how many events were verified, and where and why it breaks. For institution administrators (403 for
    anyone else, whatever the token's scopes)."""
    if not can_read_audit(user):
        raise ApiProblem(403, "Only institution administrators may check the audit chain.")
    status, anchor_problem = chain_status()
    return AuditStatus(intact=status.intact, events_verified=status.count, first_bad_seq=status.first_bad_seq,
                       reason=status.reason, head_hash=status.head_hash, anchors_checked=status.anchors,
                       anchored_seq=status.anchored_seq, anchor_problem=anchor_problem)
