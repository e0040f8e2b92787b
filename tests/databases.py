"""Throwaway databases for the suite: a migrated template per run, a fresh copy per test.

PORTAL_TEST_DB selects the backend: "sqlite" (default) or "postgresql". On PostgreSQL the
template is cloned with CREATE DATABASE … TEMPLATE, which is fast and leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

BACKEND = os.environ.get("PORTAL_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("PORTAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with _admin_connection():
            return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}"


@contextmanager
def _admin_connection() -> Iterator[psycopg.Connection]:
    url = make_url(PG_ADMIN_URL)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        dbname=url.database,
        password=url.password,
        autocommit=True,
        connect_timeout=5,
    ) as conn:
        yield conn


def pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create_pg_database(name: str, template: str | None = None) -> str:
    with _admin_connection() as conn:
        clause = f" TEMPLATE {template}" if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TemplateDatabase:
    """A migrated, empty database that each test copies."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self.pg_template = f"portal_tpl_{self.run_id}"
        self.sqlite_template = workdir / "template.db"

    def empty_url(self) -> str:
        if BACKEND == "postgresql":
            return create_pg_database(self.pg_template)
        return f"sqlite:///{self.sqlite_template}"

    def copy_url(self, tmp_path: Path) -> str:
        if BACKEND == "postgresql":
            name = f"portal_t_{self.run_id}_{uuid.uuid4().hex[:8]}"
            return create_pg_database(name, template=self.pg_template)
        target = tmp_path / "portal.db"
        shutil.copyfile(self.sqlite_template, target)
        return f"sqlite:///{target}"

    def release(self, url: str) -> None:
        if BACKEND == "postgresql":
            drop_pg_database(make_url(url).database)

    def close(self) -> None:
        if BACKEND == "postgresql":
            drop_pg_database(self.pg_template)
