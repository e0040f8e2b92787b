"""Which committee kinds the screenings of a version call for, and why. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def proposed_kinds(screenings: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Committee kind -> the reasons (set and outcome) that route the proposal there, in order seen."""
    kinds: dict[str, list[str]] = {}
    for result in screenings:
        reason = f"{result.get('set_title', result['set_id'])}: {result['outcome']['title']}"
        for kind in result.get("routing", []):
            kinds.setdefault(kind, []).append(reason)
    return kinds


def all_out_of_scope(screenings: Iterable[dict[str, Any]]) -> bool:
    """Out of scope under every set, with no unsure answer: eligible for an administrative determination."""
    results = list(screenings)
    return all(r["outcome"]["severity"] == "none" and not r["unsure"] for r in results)
