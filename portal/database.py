"""Engine settings that the ORM cannot express: SQLite pragmas and write transactions.

SQLite has a single writer. A deferred transaction that reads and then writes fails at once with
"database is locked" when another connection writes, whatever the busy timeout. So requests that
may write (anything but GET/HEAD/OPTIONS) and CLI commands open `BEGIN IMMEDIATE`, which waits
politely for the lock instead; reads stay deferred and, under WAL, never block a writer.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engine(app: Flask, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DB-API types
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")


def may_write() -> bool:
    """True unless we are serving a read-only HTTP method."""
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def compare_column_type(context, inspected_column, metadata_column, inspected_type, metadata_type) -> bool | None:  # noqa: ANN001 - Alembic's hook
    """Alembic's type comparison, except that a VARCHAR length is no difference on SQLite, which never enforces
    one: widening a column there would mean rebuilding a table other tables reference, for nothing."""
    if context.dialect.name == "sqlite" and isinstance(inspected_type, String) and isinstance(metadata_type, String):
        return False
    return None  # Alembic's default comparison


MAX_ID = 999_999_999  # nine digits: within an INTEGER key on PostgreSQL (int4) and SQLite alike


class IdConverter(IntegerConverter):
    """`<int:…>` in every route matches at most nine digits: a longer number is a plain 404, not an overflow inside
    the database driver (a 500 on SQLite, a DataError on PostgreSQL). The limit is in the pattern, not a range check
    after it, so every method of the path answers 404 alike (werkzeug would answer 405 for some)."""

    regex = r"\d{1,9}"
