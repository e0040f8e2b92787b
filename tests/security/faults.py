"""Failures injected into a request's unit of work (security-test-plan.md §5 "Fault injection", check 21): an
OperationalError raised by a SQLAlchemy session event after the state change was flushed, or just before the
commit, once everything (business rows and audit event) is flushed. Only requests are hit, never the test body."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

POINTS = ("after_flush", "before_commit")


# No "locked" in the default message: that one is the 503 path of portal/errors.py (test_database_locked.py).
DISK_ERROR = "disk I/O error (injected)"


@dataclass
class Fault:
    point: str
    message: str = DISK_ERROR
    flushed: bool = False
    fired: int = 0

    def error(self) -> OperationalError:
        self.fired += 1
        return OperationalError(f"injected at {self.point}", {}, Exception(self.message))


@contextmanager
def failing(point: str, message: str = DISK_ERROR) -> Iterator[Fault]:
    """While active, the first flush (after_flush) or the first commit after a flush (before_commit) of any
    request raises OperationalError, whose driver error says `message`."""
    fault = Fault(point, message)

    def after_flush(_session: Session, _context: object) -> None:
        if not has_request_context():
            return
        fault.flushed = True
        if point == "after_flush" and not fault.fired:
            raise fault.error()

    def before_commit(_session: Session) -> None:
        if has_request_context() and point == "before_commit" and fault.flushed and not fault.fired:
            raise fault.error()

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "before_commit", before_commit)
    try:
        yield fault
    finally:
        event.remove(Session, "after_flush", after_flush)
        event.remove(Session, "before_commit", before_commit)
