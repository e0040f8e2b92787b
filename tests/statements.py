"""Counting the SQL statements a page runs: a page's count must not grow with its rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import event

from portal.extensions import db


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client: FlaskClient, path: str) -> int:
    """How many statements one GET of `path` runs; the page must answer 200."""
    with counted_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)
