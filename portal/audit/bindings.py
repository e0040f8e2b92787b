"""The signature binding rule of `flask audit verify`: every signature still matches what it signed.

The chain proves the events; this proves the signed rows. For each signature, the content it names (a decision,
rebuilt from its row, or a proposal version's snapshot) must hash to the signature's content hash, and that hash
must be the one the audit chain recorded when the signature was made. A database owner who edits a signed
rationale breaks the first; one who also rewrites the stored hashes breaks the second, which the chain and its
anchors vouch for.

It reads every decision and version, so it runs in the CLI only (the /audit page keeps to the chain walk).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.canonical import sha256_hex
from portal.audit.models import AuditEvent
from portal.decisions.content import signed_content
from portal.decisions.models import Decision
from portal.extensions import db
from portal.proposals.models import ProposalVersion
from portal.signatures.models import Signature

RULE = "signature binding: every signature's content hash equals the hash of what it signed"


@dataclass(frozen=True)
class BindingProblem:
    signature_id: int
    signed: str  # what the signature is over, e.g. "decision 4"
    reason: str

    def describe(self) -> str:
        return f"signature {self.signature_id} on {self.signed}: {self.reason}"


def verify_signature_bindings() -> list[BindingProblem]:
    """Every signature checked against its content and against the hash the audit chain recorded for it."""
    recorded = _recorded_hashes()
    return [problem for problem in _problems(recorded) if problem]


def _problems(recorded: dict[int, str]) -> Iterator[BindingProblem | None]:
    for decision in db.session.scalars(select(Decision).order_by(Decision.id)):
        content_hash = sha256_hex(signed_content(decision, version_sha256=decision.version.content_sha256))
        for link in decision.signatures:
            yield _check(link.signature, f"decision {decision.id}", content_hash, recorded)
    for version in db.session.scalars(select(ProposalVersion).order_by(ProposalVersion.id)):
        what = f"version {version.number} of proposal {version.proposal_id}"
        yield _check(version.signature, what, sha256_hex(json.loads(version.snapshot)), recorded)


def _check(signature: Signature, signed: str, content_hash: str, recorded: dict[int, str]) -> BindingProblem | None:
    if content_hash != signature.content_sha256:
        return BindingProblem(signature.id, signed, "the content no longer hashes to what was signed "
                                                    "(it was changed after signing)")
    if signature.id not in recorded:
        return BindingProblem(signature.id, signed, "no audit event records it (the event that made it is gone)")
    if recorded[signature.id] != signature.content_sha256:
        return BindingProblem(signature.id, signed, "its content hash differs from the one the audit chain recorded "
                                                    "at signing (the signature or its hash was rewritten)")
    return None


def _recorded_hashes() -> dict[int, str]:
    """Signature id -> the content hash named by the event that made it (`signature_facts` in its data)."""
    recorded: dict[int, str] = {}
    query = select(AuditEvent.data).where(AuditEvent.data.contains('"signature":{')).order_by(AuditEvent.seq)
    for data in db.session.scalars(query.execution_options(yield_per=1000)):
        facts = json.loads(data).get("signature")
        if isinstance(facts, dict) and isinstance(facts.get("id"), int):
            recorded[facts["id"]] = facts.get("content_sha256")
    return recorded
