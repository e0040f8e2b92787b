"""What-if re-screening: past submitted versions screened again under a (changed) criteria set, compared with the
screenings stored under the same set id. Pure: the caller loads the rows and the set; nothing here is stored.

    tally = Tally.for_set(criteria_set)
    tally.add(criteria_set, rows)          # as many batches as the caller likes
    summary = tally.summary()              # counts per change, the set's digest, the changed versions
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from portal.criteria.engine import screen
from portal.criteria.model import CriteriaSet


class Prior(NamedTuple):
    """One submitted version as stored: its snapshot (canonical JSON of every field, answers included), and the
    outcome its stored screening under the set id gave (None when the version was never screened under that id).
    The snapshot is parsed only when its turn comes: ten thousand parsed answer sets held at once would cost more
    in garbage collection than the screening itself."""

    version_id: int
    proposal_id: int
    snapshot: str
    stored_outcome: str | None


@dataclass(frozen=True, slots=True)
class Change:
    version_id: int
    proposal_id: int
    before: str | None  # None: newly screened
    after: str


@dataclass
class Tally:
    set_id: str
    set_version: int
    set_digest: str
    set_title: str
    outcome_titles: dict[str, str]
    screened: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    @classmethod
    def for_set(cls, criteria_set: CriteriaSet) -> Tally:
        titles = {o.id: o.title for o in criteria_set.all_outcomes}
        return cls(criteria_set.id, criteria_set.version, criteria_set.digest, criteria_set.title, titles)

    def add(self, criteria_set: CriteriaSet, rows: Iterable[Prior]) -> None:
        """Screen each row under the set; only the outcome is compared, as the stored screening's outcome is."""
        for row in rows:
            after = screen(criteria_set, answers_of(row.snapshot)).outcome_id
            self.screened += 1
            if after == row.stored_outcome:
                self.unchanged += 1
            else:
                self.changes.append(Change(row.version_id, row.proposal_id, row.stored_outcome, after))

    def summary(self) -> dict[str, Any]:
        """What the job keeps and the pages and the CLI show. JSON-ready."""
        changed = Counter((c.before, c.after) for c in self.changes if c.before is not None)
        new = Counter(c.after for c in self.changes if c.before is None)
        return {
            "set": {"id": self.set_id, "version": self.set_version, "digest": self.set_digest,
                    "title": self.set_title},
            "outcome_titles": dict(sorted(self.outcome_titles.items())),
            "screened": self.screened,
            "unchanged": self.unchanged,
            "changed": sum(changed.values()),
            "newly_screened": sum(new.values()),
            "transitions": [{"from": before, "to": after, "count": count}
                            for (before, after), count in sorted(changed.items(), key=_by_count)],
            "new_outcomes": [{"to": after, "count": count}
                             for after, count in sorted(new.items(), key=lambda item: (-item[1], item[0]))],
            "changes": [{"version_id": c.version_id, "proposal_id": c.proposal_id, "from": c.before, "to": c.after}
                        for c in self.changes],
        }


def _by_count(item: tuple[tuple[str, str], int]) -> tuple[int, str, str]:
    (before, after), count = item
    return -count, before, after


def answers_of(snapshot: str) -> Mapping[str, Any]:
    """The screening answers of a stored version snapshot (canonical JSON of every field)."""
    return json.loads(snapshot).get("screening_answers") or {}


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The summary as plain text: the CLI prints it, and a test reads it."""
    s = summary["set"]
    titles = summary["outcome_titles"]
    lines = [
        f"What-if: {s['id']} version {s['version']}, digest {s['digest']}",
        f"{summary['screened']} version(s) re-screened: {summary['unchanged']} unchanged, "
        f"{summary['changed']} would change, {summary['newly_screened']} never screened under this set id.",
    ]
    lines += [f"  {t['count']:>6}  {t['from']} -> {t['to']}  ({titles.get(t['to'], t['to'])})"
              for t in summary["transitions"]]
    lines += [f"  {t['count']:>6}  (not screened before) -> {t['to']}" for t in summary["new_outcomes"]]
    lines.append("Nothing was stored: the screenings on record are unchanged.")
    return lines


def shown_summary(summary: Mapping[str, Any], shown: Callable[[int], str]) -> dict[str, Any]:
    """The summary's figures as a reader sees them (`shown` suppresses small cells where it must), with titles,
    and without the changed versions: those are listed, where allowed, by the caller."""
    titles = summary["outcome_titles"]
    return {
        "set": summary["set"],
        "scope": summary.get("scope"),
        "source": summary.get("source"),
        **{key: shown(summary[key]) for key in ("screened", "unchanged", "changed", "newly_screened")},
        "transitions": [{"from": t["from"], "from_title": titles.get(t["from"], t["from"]), "to": t["to"],
                         "to_title": titles.get(t["to"], t["to"]), "count": shown(t["count"])}
                        for t in summary["transitions"]],
        "new_outcomes": [{"to": t["to"], "to_title": titles.get(t["to"], t["to"]), "count": shown(t["count"])}
                         for t in summary["new_outcomes"]],
    }
