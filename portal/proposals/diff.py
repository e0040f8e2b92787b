"""Differences between two snapshots, field by field and word by word. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from portal.proposals.fields import FIELDS, display_value

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class ListDiff:
    label: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[a0:a1])))
            continue
        if a1 > a0:
            segments.append(Segment("removed", "".join(a[a0:a1])))
        if b1 > b0:
            segments.append(Segment("added", "".join(b[b0:b1])))
    return tuple(segments)


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    diffs = []
    for spec in FIELDS:
        before = display_value(spec.name, old["fields"].get(spec.name))
        after = display_value(spec.name, new["fields"].get(spec.name))
        diffs.append(FieldDiff(spec.name, spec.label, before != after, word_diff(before, after)))
    return diffs


def _list_diff(label: str, old: list[str], new: list[str]) -> ListDiff:
    return ListDiff(
        label,
        tuple(x for x in new if x not in old),
        tuple(x for x in old if x not in new),
        tuple(x for x in new if x in old),
    )


def diff_lists(old: dict[str, Any], new: dict[str, Any]) -> list[ListDiff]:
    def team(s: dict[str, Any]) -> list[str]:
        return [f"{m['name']} ({m['role'].replace('_', '-')})" for m in s["team"]]

    def collaborators(s: dict[str, Any]) -> list[str]:
        return [f"{c['name']}, {c['affiliation']}" for c in s["collaborators"]]

    def attachments(s: dict[str, Any]) -> list[str]:
        return [f"{a['filename']} (SHA-256 {a['sha256'][:12]}…)" for a in s["attachments"]]

    def answers(s: dict[str, Any]) -> list[str]:
        return [f"{k}: {v}" for k, v in sorted(s.get("screening_answers", {}).items())]

    return [
        _list_diff("Team", team(old), team(new)),
        _list_diff("External collaborators", collaborators(old), collaborators(new)),
        _list_diff("Attachments", attachments(old), attachments(new)),
        _list_diff("Screening answers", answers(old), answers(new)),
    ]
