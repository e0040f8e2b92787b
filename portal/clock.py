"""The one source of the current time. Stored timestamps are naive UTC (SQLite keeps no zone)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def iso(moment: datetime | None) -> str | None:
    """Canonical text of a stored UTC time, as it goes into hashes and records."""
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
