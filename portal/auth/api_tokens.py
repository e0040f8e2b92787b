"""Personal API tokens as rules: the scopes a token may carry, how a token looks, how it is hashed, how long it lasts.

Pure: no framework imports (tests/test_layering.py). The database side is in token_models.py and
token_operations.py; the JSON API (portal/api/) checks a request's token through token_operations."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Literal

from portal.i18n.marks import N_


class Scope(StrEnum):
    PROPOSALS_READ = "proposals:read"
    PROPOSALS_WRITE = "proposals:write"
    DECISIONS_READ = "decisions:read"
    REPORTS_READ = "reports:read"
    AUDIT_READ = "audit:read"


SCOPE_LABELS: dict[Scope, str] = {
    Scope.PROPOSALS_READ: N_("Read the proposals you can see, their versions, diffs and screenings."),
    Scope.PROPOSALS_WRITE: N_("Create and edit your draft proposals, as you can on the proposal pages."),
    Scope.DECISIONS_READ: N_("Read the decisions you can see, with their conditions and signatures."),
    Scope.REPORTS_READ: N_("Read the governance reports you can open in the portal."),
    Scope.AUDIT_READ: N_("Read the audit log events you can see on the audit page."),
}

TOKEN_PREFIX = "dur_"  # noqa: S105 - the public start of every token, not a secret
PREFIX_SHOWN = 12  # characters of the token kept in clear, so people recognise it in their list
EXPIRY_CHOICES = (7, 30, 90, 365)  # days
DEFAULT_EXPIRY = 90
MAX_LIVE_TOKENS = 20  # per person: unrevoked and unexpired
_TOKEN_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{16,100}")

TokenState = Literal["active", "expired", "revoked"]


def new_token_text() -> str:
    """A new token: the prefix and 32 random bytes (256 bits), URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    """SHA-256 hex of the whole token.

    A fast hash is right here, unlike for passwords: a token carries 256 random bits, so there is no dictionary
    to try against a leaked hash, and a slow hash would only make every API request slow."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_token(raw: str) -> bool:
    """The prefix and 16 to 100 URL-safe characters: anything else is refused before the database is asked."""
    return isinstance(raw, str) and _TOKEN_SHAPE.fullmatch(raw) is not None


def shown_prefix(raw: str) -> str:
    return raw[:PREFIX_SHOWN]


def parse_scopes(stored: str) -> frozenset[Scope]:
    """The scopes of a stored space-separated list; a word that is no longer a scope is ignored."""
    known = {s.value for s in Scope}
    return frozenset(Scope(word) for word in stored.split() if word in known)


def join_scopes(scopes: frozenset[Scope] | set[Scope]) -> str:
    """Stored in the order Scope declares them, so the same set is always the same text."""
    return " ".join(s.value for s in Scope if s in scopes)


def token_state(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> TokenState:
    if revoked_at is not None:
        return "revoked"
    return "expired" if expires_at <= now else "active"
