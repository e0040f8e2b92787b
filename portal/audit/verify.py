"""Walking the chain from genesis: is every event where it was, as it was, and as every anchor saw it?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.anchors import Anchor, describe
from portal.audit.canonical import sha256_hex
from portal.audit.models import GENESIS_HASH, AuditEvent
from portal.extensions import db


@dataclass(frozen=True)
class ChainStatus:
    intact: bool
    count: int  # events verified (before the first bad one)
    first_bad_seq: int | None = None
    reason: str | None = None
    head_hash: str | None = None
    anchors: int = 0  # anchors checked
    anchored_seq: int | None = None  # the newest anchored event


@dataclass(frozen=True)
class _Walk:
    count: int
    head_hash: str
    problem: tuple[int, str] | None
    seen: dict[int, str]  # the hashes of the anchored events the walk reached


def verify_chain(anchors: Sequence[Anchor] = ()) -> ChainStatus:
    walk = _walk({a.seq for a in anchors if a.seq is not None})
    problems = [walk.problem] if walk.problem else []
    problems += [p for p in (_anchor_problem(a, walk) for a in anchors) if p]
    anchored = max((a.seq for a in anchors if a.seq is not None and a.problem is None), default=None)
    if problems:
        # The earliest place wins: a gap names the missing event, a bad anchor the event it vouches for.
        seq, reason = min(problems, key=lambda p: p[0])
        verified = min(walk.count, max(seq - 1, 0))
        return ChainStatus(False, verified, seq, reason, anchors=len(anchors), anchored_seq=anchored)
    return ChainStatus(True, walk.count, head_hash=walk.head_hash, anchors=len(anchors), anchored_seq=anchored)


def _walk(wanted: set[int]) -> _Walk:
    expected_seq, prev_hash, count, seen = 1, GENESIS_HASH, 0, {}
    result = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    try:
        for event in result.scalars():
            problem = _problem(event, expected_seq, prev_hash)
            if problem:
                return _Walk(count, prev_hash, (min(event.seq, expected_seq), problem), seen)
            if event.seq in wanted:
                seen[event.seq] = event.hash
            count += 1
            expected_seq, prev_hash = event.seq + 1, event.hash
    finally:
        result.close()  # a server-side cursor on PostgreSQL
    return _Walk(count, prev_hash, None, seen)


def _problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"sequence gap: expected event {expected_seq}, found {event.seq}"
    if event.prev_hash != prev_hash:
        return "its previous-hash does not match the event before it"
    if sha256_hex(event.hashed_fields()) != event.hash:
        return "its content does not match its hash (the event was altered)"
    return None


def _anchor_problem(anchor: Anchor, walk: _Walk) -> tuple[int, str] | None:
    if anchor.problem is not None or anchor.seq is None:
        return anchor.seq or 0, f"{describe(anchor)} is not valid: {anchor.problem}"
    if anchor.seq in walk.seen:
        if walk.seen[anchor.seq] == anchor.hash:
            return None
        return anchor.seq, (f"its hash differs from {describe(anchor)}: the chain was rewritten at or before "
                            "this event")
    if walk.problem is not None and walk.problem[0] <= anchor.seq:
        return None  # the chain breaks before the anchored event; that break is the first place
    return walk.count + 1, (f"the chain ends at event {walk.count} but {describe(anchor)} vouches for event "
                            f"{anchor.seq}: events {walk.count + 1} to {anchor.seq} were removed")
