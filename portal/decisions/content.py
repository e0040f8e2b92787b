"""What the signers of a decision sign: its content, rebuilt from the stored row, hashed with sha256_hex.

One definition serves both ends: make_decision fixes the hash from it, and `flask audit verify` rebuilds it from
the rows to prove that nothing a signer saw was changed afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from portal.decisions.models import Decision


def signed_content(decision: Decision, *, version_sha256: str) -> dict[str, Any]:
    """The decision's fixed content; `version_sha256` is the hash of the proposal version it decides on."""
    return {
        "proposal_id": decision.proposal_id,
        "version_sha256": version_sha256,
        "committee_id": decision.committee_id,
        "kind": decision.kind,
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "determinations": json.loads(decision.determinations),
        "judgments": json.loads(decision.judgments),
        "conditions": [
            {"description": c.description, "owner": c.owner, "due_on": c.due_on.isoformat()}
            for c in sorted(decision.conditions, key=lambda c: c.position)
        ],
        "meeting_item_id": decision.meeting_item_id,
        "supersedes_id": decision.supersedes_id,
    }
