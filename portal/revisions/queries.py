"""Read paths for revision requests."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from portal.committees.models import Committee
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.revisions.models import RevisionItem, RevisionRequest


def requests_for(proposal_id: int) -> list[RevisionRequest]:
    """Every request sent for the proposal, oldest first, with items (two statements)."""
    return list(
        db.session.scalars(
            select(RevisionRequest).where(RevisionRequest.proposal_id == proposal_id).order_by(RevisionRequest.id)
        )
    )


def open_request(proposal_id: int) -> RevisionRequest | None:
    return db.session.scalar(
        select(RevisionRequest).where(
            RevisionRequest.proposal_id == proposal_id, RevisionRequest.answered_version_id.is_(None)
        )
    )


def rounds_sent(proposal_id: int, committee_id: int) -> int:
    return len(
        db.session.scalars(
            select(RevisionRequest.id).where(
                RevisionRequest.proposal_id == proposal_id, RevisionRequest.committee_id == committee_id
            )
        ).all()
    )


def requested_changes(proposal_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per proposal, every change the committees asked for, as "Round N: text" (for meeting minutes: the basis
    for required changes). One statement."""
    ids = sorted(set(proposal_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(RevisionRequest.proposal_id, RevisionRequest.round, RevisionItem.text)
        .join(RevisionItem, RevisionItem.request_id == RevisionRequest.id)
        .where(RevisionRequest.proposal_id.in_(ids))
        .order_by(RevisionRequest.proposal_id, RevisionRequest.id, RevisionItem.position)
    )
    found: dict[int, list[str]] = {}
    for proposal_id, round_number, text in rows:
        found.setdefault(proposal_id, []).append(f"Round {round_number}: {text}")
    return found


def round_limit_reached(proposal: Proposal, committee: Committee) -> str | None:
    """Why the committee may not ask for another round, or None when it may."""
    sent = rounds_sent(proposal.id, committee.id)
    if sent >= committee.max_revision_rounds:
        return (
            f"{committee.name} allows at most {committee.max_revision_rounds} revision round"
            f"{'s' if committee.max_revision_rounds != 1 else ''} and this proposal has had {sent}: "
            "the committee must now decide on it."
        )
    return None
