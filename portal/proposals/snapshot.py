"""The frozen form of a proposal: what a version stores and what its hash covers."""

from __future__ import annotations

import json
from typing import Any

from portal.proposals.fields import FIELDS
from portal.proposals.models import Proposal


def take_snapshot(proposal: Proposal) -> dict[str, Any]:
    return {
        "proposal_id": proposal.id,
        "fields": {spec.name: getattr(proposal, spec.name) or "" for spec in FIELDS},
        "pi": {"id": proposal.pi.id, "name": proposal.pi.name, "email": proposal.pi.email},
        "team": [
            {"user_id": m.user_id, "name": m.user.name, "email": m.user.email, "role": m.role} for m in proposal.members
        ],
        "collaborators": [
            {"name": c.name, "affiliation": c.affiliation, "role": c.role} for c in proposal.collaborators
        ],
        "attachments": [
            {"id": a.id, "filename": a.filename, "sha256": a.sha256, "size": a.size, "pages": a.pages}
            for a in proposal.current_attachments
        ],
        "screening_answers": json.loads(proposal.screening_answers or "{}"),
    }


def latest_snapshot(proposal: Proposal) -> dict[str, Any] | None:
    """The snapshot of the newest signed version, if any."""
    return json.loads(proposal.versions[-1].snapshot) if proposal.versions else None
