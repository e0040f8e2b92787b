"""The institution's record-signing key pair on disk. The private key lives only in its file (mode 0600).

No database row ever holds it: a copy of the database, or of a backup, cannot sign records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.errors import PortalError
from portal.records import signing
from portal.records.files import write_atomically, write_exclusively

log = logging.getLogger("portal.records")
PRIVATE_MODE = 0o600


class KeyProblem(PortalError):
    """A signing or verification key is missing, unreadable or would be overwritten."""


@dataclass(frozen=True)
class KeyPaths:
    private: Path
    public: Path


def generate_key_files(paths: KeyPaths, *, force: bool = False) -> str:
    """Write a new key pair and return its key id. Refuses to replace existing files unless forced."""
    existing = [str(path) for path in (paths.private, paths.public) if path.exists()]
    if existing and not force:
        raise KeyProblem(
            f"A key already exists at {', '.join(existing)}. Records signed with it verify only with its public "
            "key: keep it, or pass --force to replace it (and keep the old public key to verify old records)."
        )
    private_key = signing.new_private_key()
    paths.private.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths.public.parent.mkdir(parents=True, exist_ok=True)
    if force:
        write_atomically(paths.private, signing.private_pem(private_key), mode=PRIVATE_MODE)
    else:
        write_exclusively(paths.private, signing.private_pem(private_key), mode=PRIVATE_MODE)
    write_atomically(paths.public, signing.public_pem(private_key.public_key()), mode=0o644)
    return signing.key_id(private_key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        return signing.load_private_pem(_read(path, "private"))
    except (ValueError, TypeError) as error:
        raise KeyProblem(f"The file at {path} is not an Ed25519 private key in PEM form.") from error


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        return signing.load_public_pem(_read(path, "public"))
    except (ValueError, TypeError) as error:
        raise KeyProblem(f"The file at {path} is not an Ed25519 public key in PEM form.") from error


def ensure_key_pair(paths: KeyPaths, *, reason: str) -> None:
    """Create the pair if there is none (demo and tests only), and say so in the log."""
    if paths.private.exists():
        return
    try:
        key = generate_key_files(paths, force=paths.public.exists())
    except FileExistsError:
        return  # another worker created it a moment ago
    log.warning("No record-signing key at %s; created a new one (%s) for %s.", paths.private, key, reason)


def _read(path: Path, kind: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyProblem(
            f"No record-signing {kind} key at {path}. Run `flask --app app records keygen` "
            f"or set PORTAL_RECORDS_{kind.upper()}_KEY to the key file."
        ) from None
    except OSError as error:
        raise KeyProblem(f"Cannot read the record-signing {kind} key at {path}: {error.strerror}.") from error
