"""Compiling a set's clocks and determinations from its validated data.

An outcome's `clocks:` start when a screening reaches that outcome; a determination's `clocks` start
when a committee's decision records it. Both are written the same way (schema.json `$defs/clock`), so
both are compiled by `compile_clock`. The schema has already refused unknown keys, unknown owners,
unknown decision outcomes and day counts below one; the builder reports duplicate ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.criteria.model import Clock, Determination


def compile_clock(data: Mapping[str, Any]) -> Clock:
    return Clock(
        kind=data["kind"],
        title=data["title"],
        due_days=data["due_days"],
        owner=data["owner"],
        repeat_days=data.get("repeat_days"),
    )


def compile_outcome_clocks(section: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, tuple[Clock, ...]]:
    return {outcome_id: tuple(compile_clock(c) for c in clocks) for outcome_id, clocks in section.items()}


def compile_determinations(items: Iterable[Mapping[str, Any]]) -> tuple[Determination, ...]:
    return tuple(
        Determination(
            id=item["id"],
            title=" ".join(item["title"].split()),
            dual_use=item["dual_use"],
            clocks=tuple(compile_clock(c) for c in item.get("clocks", ())),
            forbids=tuple(item.get("forbids", ())),
            description=" ".join(item.get("description", "").split()),
        )
        for item in items
    )
