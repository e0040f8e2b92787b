"""What every matcher shares: passages, the criteria a check compares them with, findings, and the one interface a
lexical and a semantic matcher both implement. Pure: no database, no Flask, no model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Union

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Rows of similarities: lists from the lexical matcher, a numpy array from the semantic one.
Similarities = Union[Sequence[Sequence[float]], "NDArray"]


@dataclass(frozen=True, slots=True)
class Passage:
    field: str  # the proposal field it comes from: title, lay_summary, aims, methods_summary
    index: int  # its place in that field, from 0
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A criterion the investigator's answers denied, with the public phrases that describe what it is about."""

    set_id: str
    set_version: int
    criterion_id: str
    title: str
    indicators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """A passage that reads like a denied criterion: a possible inconsistency, for a person to look at."""

    passage: Passage
    candidate: Candidate
    indicator: str  # the indicator the passage came closest to
    similarity: float  # 0..1, the matcher's own scale


class Matcher(Protocol):
    name: str  # "lexical" or "semantic"
    version: str  # stored with each check, so a figure can be traced to what computed it
    threshold: float  # a similarity at or above it is listed

    def similarities(self, passages: Sequence[str], indicators: Sequence[str]) -> Similarities:
        """One row per passage, one column per indicator, each in 0..1."""
        ...


def find_inconsistencies(passages: Sequence[Passage], candidates: Sequence[Candidate], matcher: Matcher,
                         *, per_criterion: int = 3) -> list[Finding]:
    """For each (passage, candidate) the closest of the candidate's indicators; those at or above the matcher's
    threshold, at most `per_criterion` passages per criterion, closest first."""
    indicators = sorted({text for candidate in candidates for text in candidate.indicators})
    if not passages or not indicators:
        return []
    column = {text: i for i, text in enumerate(indicators)}
    table = matcher.similarities([p.text for p in passages], indicators)
    findings: list[Finding] = []
    for candidate in candidates:
        if not candidate.indicators:
            continue
        mine: list[Finding] = []
        for row, passage in zip(table, passages, strict=True):
            indicator = max(candidate.indicators, key=lambda text: row[column[text]])
            similarity = float(row[column[indicator]])
            if similarity >= matcher.threshold:
                mine.append(Finding(passage, candidate, indicator, round(similarity, 3)))
        mine.sort(key=lambda f: (-f.similarity, f.passage.field, f.passage.index))
        findings.extend(mine[:per_criterion])
    findings.sort(key=lambda f: (-f.similarity, f.candidate.set_id, f.candidate.criterion_id, f.passage.index))
    return findings
