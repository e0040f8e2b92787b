"""Anchors: signed receipts of the chain's head, kept outside the database (security-test-plan §3, item 5).

The append-only triggers stop the portal, not a database owner: an owner can cut the tail of the chain, or
rewrite it from genesis with freshly computed hashes, and the chain alone would still verify. An anchor is
`{seq, hash, time}` of the head at one moment, signed with the institution's Ed25519 record key (the one
decision records are signed with; the envelope names its key id) and written, atomically, as a file of its
own in a folder outside the database: PORTAL_AUDIT_ANCHOR_DIR, by default <instance>/audit-anchors/. Ship
that folder off the host. `flask audit verify` checks every anchor against the chain; events after the
newest anchor are protected by the chain only, so `flask audit checkpoint` belongs in a frequent cron job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.audit.canonical import canonical_json
from portal.clock import iso, utcnow
from portal.records import service
from portal.records.files import write_atomically
from portal.records.signing import sign_record
from portal.records.verify import verify_json

KIND = "audit-anchor"
SUFFIX = ".anchor.json"
HASH_LENGTH = 64


@dataclass(frozen=True)
class Anchor:
    """One anchor file as read back: what it states, and why it cannot be trusted (None when it can)."""

    name: str
    seq: int | None = None
    hash: str | None = None
    time: str | None = None
    problem: str | None = None


def anchor_folder(override: Path | None = None) -> Path:
    configured = current_app.config.get("AUDIT_ANCHOR_DIR")
    return Path(override or configured or Path(current_app.instance_path) / "audit-anchors")


def write_anchor(folder: Path, *, seq: int, head_hash: str) -> tuple[Path, str]:
    """Sign {seq, hash, time} and write it as a new file; returns the file and the signing key's id."""
    record = {"kind": KIND, "seq": seq, "hash": head_hash, "time": iso(utcnow())}
    envelope = sign_record(record, service.signing_key())
    stamp = record["time"].replace("-", "").replace(":", "").replace(".", "")
    # Named by seq first, so a listing sorts by position in the chain; the time keeps two anchors apart.
    path = folder / f"{seq:012d}-{stamp}{SUFFIX}"
    write_atomically(path, canonical_json(envelope).encode("utf-8") + b"\n")
    return path, envelope["key_id"]


def read_anchors(folder: Path) -> list[Anchor]:
    """Every anchor file in the folder, in file-name order; none when the folder does not exist."""
    paths = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    if not paths:
        return []
    trusted = service.trusted_keys()  # only when there is something to check: keys may be absent elsewhere
    return [_read_one(path, trusted) for path in paths]


def _read_one(path: Path, trusted: dict) -> Anchor:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Anchor(path.name, problem=f"it cannot be read ({error.strerror})")
    result = verify_json(data, trusted)
    record = result.record if isinstance(result.record, dict) else {}
    seq, head_hash, time = record.get("seq"), record.get("hash"), record.get("time")
    if not result.valid:
        return Anchor(path.name, _int_or_none(seq), problem="; ".join(result.reasons))
    if record.get("kind") != KIND or not isinstance(seq, int) or seq < 1 or not _is_hash(head_hash):
        return Anchor(path.name, _int_or_none(seq), problem="it is signed but is not an audit anchor")
    return Anchor(path.name, seq, head_hash, time if isinstance(time, str) else None)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == HASH_LENGTH and all(c in "0123456789abcdef" for c in value)


def describe(anchor: Anchor) -> str:
    return f"anchor {anchor.name}" + (f" of {anchor.time}" if anchor.time else "")

