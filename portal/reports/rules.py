"""What the governance report filters on, how its figures are shown, and how a CSV cell is made safe. Pure.

Concordance: the screen *refers* a case when its provisional outcome is of high severity or prohibited (the
outcomes that send a proposal to a review entity); the committee *determines dual use* when the determination it
recorded under that set is a dual-use one. The two agree when both hold or neither does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

DEFAULT_SMALL_CELL = 5
REFERRING_SEVERITIES = ("high", "prohibited")
DUE_SOON_DAYS = 14
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReportFilters:
    since: date | None = None
    until: date | None = None
    institution_id: int | None = None
    committee_id: int | None = None
    set_id: str = ""
    outcome: str = ""
    determination: str = ""

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))


def shown_count(count: int, threshold: int, suppress: bool) -> str:
    """A count as the reader sees it: below the threshold, a cross-institution reader sees "<threshold"."""
    if suppress and count < threshold:
        return f"<{threshold}"
    return str(count)


def shown_share(part: int, whole: int, threshold: int, suppress: bool) -> str:
    """A percentage; hidden when the whole, the part or the rest is a small cell, since with the whole (or the
    share alone) it would give the suppressed count away."""
    if whole == 0 or (suppress and min(whole, part, whole - part) < threshold):
        return "—"
    return f"{round(100 * part / whole)}%"


def shown_days(seconds: float | None, count: int, threshold: int, suppress: bool) -> str:
    """A duration in days; hidden when it summarises fewer decisions than the threshold (a median of one
    decision is that decision's own time)."""
    if seconds is None or (suppress and count < threshold):
        return "—"
    return f"{seconds / 86400:.1f}"


def neutral_csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def median_ranks(count: int) -> tuple[int, int]:
    """The 1-based ranks whose mean is the median of `count` sorted values (the same rank twice when odd)."""
    return (count + 1) // 2, (count + 2) // 2


def nearest_rank(count: int, percent: int) -> int:
    """The nearest-rank percentile's 1-based rank: ceil(percent/100 × count), in integers."""
    return (percent * count + 99) // 100
