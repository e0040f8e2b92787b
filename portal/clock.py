"""The one source of the current time. Stored timestamps are naive UTC (SQLite keeps no zone).

`shifted()` moves this clock for the current context only: the demo seed tells its story in time (a decision
made weeks ago, whose first deadline has passed), and tests walk deadlines forward. Nothing else uses it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + _offset.get()


@contextmanager
def shifted(delta: timedelta) -> Iterator[None]:
    """Within the block, "now" is the real time plus `delta` (negative: the past)."""
    token = _offset.set(delta)
    try:
        yield
    finally:
        _offset.reset(token)


def iso(moment: datetime | None) -> str | None:
    """Canonical text of a stored UTC time, as it goes into hashes and records."""
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
