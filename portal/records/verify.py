"""Verify a decision-record PDF: its embedded record.json, fingerprint and signature. Pure (stdlib, pypdf,
cryptography).

Every check that can run does, so that the result names every problem, not just the first:

    result = verify_pdf(content, trusted_keys)   # trusted_keys: {key id: Ed25519PublicKey}
    result.valid, result.reasons, result.record_id, result.fingerprint, result.key_id
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.records.pdfcheck import PdfUnreadable, inspect_pdf
from portal.records.signing import envelope_problems, fingerprint, signature_valid

ATTACHMENT_NAME = "record.json"
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

ALTERED = "fingerprint mismatch: the record was altered"
SIGNATURE_INVALID = "signature invalid: the signature does not match the record's fingerprint"
NO_ATTACHMENT = "no record.json attachment: this is not a decision record of the portal"


@dataclass(frozen=True)
class Verification:
    valid: bool
    reasons: tuple[str, ...] = ()
    record_id: str | None = None
    fingerprint: str | None = None  # recomputed from the record, when there is one
    key_id: str | None = None
    record: dict[str, Any] | None = field(default=None, compare=False)


def verify_pdf(content: bytes, trusted_keys: Mapping[str, Ed25519PublicKey]) -> Verification:
    try:
        contents = inspect_pdf(content)
    except PdfUnreadable as error:
        return Verification(False, (f"not a readable PDF: {error}",))
    reasons: list[str] = []
    if contents.active:
        reasons.append(f"the PDF contains JavaScript or other active content ({', '.join(sorted(contents.active))})")
    others = [name for name in contents.embedded_names if name != ATTACHMENT_NAME]
    if others:
        reasons.append(f"the PDF embeds files other than record.json: {', '.join(others)}")
    copies = contents.embedded.get(ATTACHMENT_NAME, [])
    if not copies:
        return Verification(False, (*reasons, NO_ATTACHMENT))
    if len(copies) > 1:
        reasons.append("the PDF embeds record.json more than once")
    return _with_reasons(verify_json(copies[0], trusted_keys), reasons)


def verify_json(data: bytes, trusted_keys: Mapping[str, Ed25519PublicKey]) -> Verification:
    if len(data) > MAX_ATTACHMENT_BYTES:
        return Verification(False, (f"record.json is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB",))
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Verification(False, (f"record.json is not valid JSON ({error})",))
    return verify_envelope(envelope, trusted_keys)


def verify_envelope(envelope: Any, trusted_keys: Mapping[str, Ed25519PublicKey]) -> Verification:
    problems = envelope_problems(envelope)
    if problems:
        return Verification(False, tuple(problems))
    record = envelope["record"]
    reasons = []
    try:
        computed = fingerprint(record)
    except ValueError as error:  # floats have no canonical form
        return Verification(False, (f"the record cannot be fingerprinted: {error}",), key_id=envelope["key_id"])
    if computed != envelope["fingerprint"]:
        reasons.append(f"{ALTERED} (it states {envelope['fingerprint']}, its content gives {computed})")
    key = trusted_keys.get(envelope["key_id"])
    if key is None:
        known = ", ".join(sorted(trusted_keys)) or "none"
        reasons.append(f"unknown key id {envelope['key_id']}: this portal trusts {known}")
    elif not signature_valid(envelope, key):
        reasons.append(SIGNATURE_INVALID)
    record_id = record.get("record_id")
    return Verification(
        valid=not reasons,
        reasons=tuple(reasons),
        record_id=record_id if isinstance(record_id, str) else None,
        fingerprint=computed,
        key_id=envelope["key_id"],
        record=record,
    )


def _with_reasons(result: Verification, earlier: list[str]) -> Verification:
    if not earlier:
        return result
    return Verification(
        False, (*earlier, *result.reasons), result.record_id, result.fingerprint, result.key_id, result.record
    )
