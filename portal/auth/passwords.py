"""Password hashing (argon2id) and the password policy. No Flask here."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
# Long passphrases are welcome (ASVS v5.0.0-6.2.9 asks for at least 64); argon2 hashes every character, so
# nothing is truncated the way bcrypt cuts at 72 bytes. The cap only bounds the work one request can cause.
MAX_LENGTH = 1024
COMMON_PASSWORDS_FILE = "common_passwords.txt"

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
# Verified against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("an unknown account has no password at all")


def use_cheapest_hashing_for_tests() -> None:
    """The test suite hashes thousands of passwords; argon2's cheapest profile keeps it fast."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY_HASH = _hasher.hash("an unknown account has no password at all")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The bundled top-10,000 list (see the file's header for its source), read once, never fetched."""
    text = files("portal.auth").joinpath(COMMON_PASSWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if email and lowered == email.lower():
        return "Do not use your e-mail address as your password."
    if name and lowered == name.lower():
        return "Do not use your name as your password."
    if len(set(password)) < 4:
        return "Use more varied characters."
    if lowered in common_passwords():
        return (
            "This is one of the most commonly used passwords, so it is among the first an attacker tries. "
            "Choose another."
        )
    return None
