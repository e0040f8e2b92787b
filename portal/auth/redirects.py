"""Where to send someone after signing in: only ever a path on this site. Pure."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """Accept a local path (one leading slash, no scheme, no host, no control characters)."""
    if not target:
        return default
    candidate = target.replace("\\", "/")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return default
    if not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate
