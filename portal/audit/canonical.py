"""Canonical JSON: the byte form that hashes and signatures are computed over. Pure."""

from __future__ import annotations

import hashlib
import json
from typing import Any


class NotCanonicalError(ValueError):
    """A value has no canonical form (floats, for instance, round differently across systems)."""


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise NotCanonicalError("floats have no canonical form; store numbers as integers or strings")
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text kept as is, no floats."""
    _reject_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
