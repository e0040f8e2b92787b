"""Ranking the members who could review a proposal. Pure: facts in, an ordered list out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> set[str]:
    """The lower-case words of a text, for matching expertise tags against a proposal."""
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    expertise: frozenset[str]  # tags, e.g. {"immunology", "public health"}
    excluded: tuple[str, ...] = ()  # why the person may not review; empty when eligible


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    load: int  # active assignments, on any proposal
    matches: tuple[str, ...]  # expertise tags found in the proposal's words
    suggested: bool  # among the first `wanted`


def matching_tags(tags: Iterable[str], expertise_words: set[str]) -> tuple[str, ...]:
    """Tags all of whose words occur in the proposal: "public health" needs both words."""
    return tuple(sorted(t for t in tags if words(t) and words(t) <= expertise_words))


def suggest(
    candidates: Iterable[Candidate], load: Mapping[int, int], expertise_words: set[str], wanted: int
) -> list[Suggestion]:
    """Eligible candidates, fewest active assignments first, then most matching expertise, then by name;
    the first `wanted` are marked as suggested."""
    ranked = sorted(
        (
            (load.get(c.user_id, 0), matching_tags(c.expertise, expertise_words), c)
            for c in candidates
            if not c.excluded
        ),
        key=lambda row: (row[0], -len(row[1]), row[2].name.lower(), row[2].user_id),
    )
    return [
        Suggestion(c.user_id, c.name, n, matches, suggested=i < max(wanted, 0))
        for i, (n, matches, c) in enumerate(ranked)
    ]
