"""Units of work that PostgreSQL refused because of a concurrent change, retried whole (SQLSTATE 40001, 40P01).

Under REPEATABLE READ or SERIALIZABLE, PostgreSQL refuses a transaction that would overwrite a row changed since
its snapshot (40001), and at any level it breaks a deadlock by failing one side (40P01). Neither is a bug: the
same work, started again on a fresh snapshot, usually succeeds. So `run_in_txn` re-runs the whole unit (never a
part of it) after a rollback, up to three attempts with a growing, jittered pause; when every attempt conflicts it
raises ConcurrentChangeError, which the error pages show as a 409 "try again", never a 500.

Requests run READ COMMITTED and serialise their hot rows with row and advisory locks, so they do not meet 40001 in
practice; a request is not re-run automatically (a view may read the form, flash or send mail around its commit).
Should one meet 40001/40P01 anyway, portal/errors.py answers with the same 409 page. `run_in_txn` is for units of
work that want a consistent snapshot (REPEATABLE READ) and can safely run again: CLI commands and jobs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from portal.errors import ConcurrentChangeError
from portal.extensions import db

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
Result = TypeVar("Result")


def is_concurrent_change(error: BaseException) -> bool:
    """True for PostgreSQL's serialization failure or deadlock, as SQLAlchemy wraps them (psycopg 3)."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_in_txn(
    unit: Callable[[], Result],
    *,
    attempts: int = 3,
    isolation_level: str | None = None,
    pause_seconds: float = 0.02,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Run `unit` in a transaction of its own and commit; on 40001/40P01 roll back and run it again.

    `unit` must do all its reads and writes through db.session and may run more than once: no side effects
    outside the database (mail goes after this returns). `isolation_level` ("REPEATABLE READ", say) applies to
    this transaction only.
    """
    if db.session().in_transaction():
        raise RuntimeError("run_in_txn begins its own transaction: commit or roll back the session first")
    for attempt in range(1, attempts + 1):
        try:
            if isolation_level is not None:
                db.session.connection(execution_options={"isolation_level": isolation_level})
            result = unit()
            db.session.commit()
            return result
        except DBAPIError as error:
            db.session.rollback()
            if not is_concurrent_change(error):
                raise
            if attempt == attempts:
                raise ConcurrentChangeError() from error
            # Doubling pauses with jitter, so two units that collided do not collide again in lockstep.
            sleep(pause_seconds * 2 ** (attempt - 1) * (1 + random.random()))  # noqa: S311 - not for secrets
    raise AssertionError("unreachable: the last attempt returns or raises")
