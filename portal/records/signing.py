"""The record's fingerprint and the institution's Ed25519 signature over it. Pure (stdlib + cryptography).

The fingerprint is "sha256:" + the SHA-256 of the record's canonical JSON (portal.audit.canonical), so any
change to any field changes it. The signature is over the fingerprint's ASCII text: whoever holds the
public key can check that the institution's portal produced exactly this record.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.audit.canonical import sha256_hex

ALGORITHM = "Ed25519"
ENVELOPE_KEYS = ("record", "fingerprint", "signature", "key_id", "algorithm")


class KeyFormatError(ValueError):
    """A key file does not hold an Ed25519 key in PEM form."""


def fingerprint(record: dict[str, Any]) -> str:
    return f"sha256:{sha256_hex(record)}"


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: its raw bytes hashed, the first 16 hex digits."""
    return f"ed25519:{hashlib.sha256(raw_public_bytes(public_key)).hexdigest()[:16]}"


def sign_record(record: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """The signed envelope that is embedded in the PDF as record.json."""
    print_ = fingerprint(record)
    signature = private_key.sign(print_.encode("ascii"))
    return {
        "record": record,
        "fingerprint": print_,
        "signature": base64.b64encode(signature).decode("ascii"),
        "key_id": key_id(private_key.public_key()),
        "algorithm": ALGORITHM,
    }


def envelope_problems(envelope: object) -> list[str]:
    """What makes this object unusable as an envelope (empty when its shape is right)."""
    if not isinstance(envelope, dict):
        return ["record.json does not hold a JSON object"]
    problems = [f"the envelope has no {key!r}" for key in ENVELOPE_KEYS if key not in envelope]
    if "record" in envelope and not isinstance(envelope["record"], dict):
        problems.append("the envelope's 'record' is not a JSON object")
    for key in ("fingerprint", "signature", "key_id", "algorithm"):
        if key in envelope and not isinstance(envelope[key], str):
            problems.append(f"the envelope's {key!r} is not text")
    if isinstance(envelope.get("algorithm"), str) and envelope["algorithm"] != ALGORITHM:
        problems.append(f"unsupported signature algorithm {envelope['algorithm']!r} (expected {ALGORITHM})")
    return problems


def signature_valid(envelope: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """Whether the envelope's signature is the key's signature over the envelope's stated fingerprint."""
    try:
        signature = base64.b64decode(envelope["signature"], validate=True)
        public_key.verify(signature, envelope["fingerprint"].encode("ascii"))
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return True


# -- keys as bytes (PEM): files are keys.py's business -------------------------------------------
def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_pem(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("the private key is not an Ed25519 key")
    return key


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError("the public key is not an Ed25519 key")
    return key
