"""Throwaway databases for the suite: a migrated template per run, a fresh copy per test.

PORTAL_TEST_DB selects the backend: "sqlite" (default) or "postgresql". On PostgreSQL the
template is cloned with CREATE DATABASE … TEMPLATE, and a released copy is emptied (TRUNCATE … RESTART
IDENTITY) and kept for the next test of the process: creating and dropping a database per test was ~0.25 s, half
of the PostgreSQL pass. A copy whose schema no longer matches the template, or that cannot be emptied at once
(a lock held elsewhere), is dropped instead; the template itself must hold no rows for this, else every copy is
dropped as before.
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


# Everything a test might change about a copy's schema (tests disable append-only triggers to tamper, migrations
# tests downgrade and upgrade): columns, the migration version, triggers and whether they fire, constraints, indexes.
_SCHEMA_SIGNATURE = """
    SELECT md5(
      coalesce((SELECT string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable, ','
                                  ORDER BY table_name, column_name)
                FROM information_schema.columns WHERE table_schema = 'public'), '')
      || '|' || coalesce((SELECT string_agg(version_num, ',') FROM alembic_version), '')
      || '|' || coalesce((SELECT string_agg(tgrelid::regclass::text || '.' || tgname || ':' || tgenabled::text, ','
                                            ORDER BY tgrelid::regclass::text, tgname)
                          FROM pg_trigger WHERE NOT tgisinternal), '')
      || '|' || coalesce((SELECT string_agg(conrelid::regclass::text || '.' || conname || ':' || convalidated::text, ','
                                            ORDER BY conrelid::regclass::text, conname)
                          FROM pg_constraint WHERE connamespace = 'public'::regnamespace), '')
      || '|' || coalesce((SELECT string_agg(indexname, ',' ORDER BY indexname)
                          FROM pg_indexes WHERE schemaname = 'public'), ''))
"""


@contextmanager
def _connection_to(name: str) -> Iterator[psycopg.Connection]:
    url = make_url(PG_ADMIN_URL)
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password,
                         dbname=name, autocommit=True, connect_timeout=5) as conn:
        yield conn


class TemplateDatabase:
    """A migrated, empty database that each test copies."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self.pg_template = f"portal_tpl_{self.run_id}"
        self.sqlite_template = workdir / "template.db"
        self._emptied: list[str] = []  # released PostgreSQL copies, emptied, ready for the next test
        self._reset: tuple[str, str] | None | bool = False  # (TRUNCATE statement, schema signature); None: cannot

    def empty_url(self) -> str:
        if BACKEND == "postgresql":
            return create_pg_database(self.pg_template)
        return f"sqlite:///{self.sqlite_template}"

    def copy_url(self, tmp_path: Path) -> str:
        if BACKEND == "postgresql":
            if self._emptied:
                return pg_url(self._emptied.pop())
            name = f"portal_t_{self.run_id}_{uuid.uuid4().hex[:8]}"
            return create_pg_database(name, template=self.pg_template)
        target = tmp_path / "portal.db"
        shutil.copyfile(self.sqlite_template, target)
        return f"sqlite:///{target}"

    def release(self, url: str) -> None:
        if BACKEND == "postgresql":
            name = make_url(url).database
            if self._empty(name):
                self._emptied.append(name)
            else:
                drop_pg_database(name)

    def _reset_plan(self) -> tuple[str, str] | None:
        """How to empty a copy (one TRUNCATE of every table but alembic_version) and the schema signature a copy
        must still have; None when the template holds rows (a truncated copy would then differ from it)."""
        if self._reset is False:
            with _connection_to(self.pg_template) as conn:
                tables = [row[0] for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                    "ORDER BY tablename")]
                holds_rows = any(conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] for t in tables)
                signature = conn.execute(_SCHEMA_SIGNATURE).fetchone()[0]
            listed = ", ".join(f'"{t}"' for t in tables)
            self._reset = None if holds_rows or not tables else (f"TRUNCATE {listed} RESTART IDENTITY CASCADE",
                                                                signature)
        return self._reset

    def _empty(self, name: str) -> bool:
        """Empty a released copy back to the template's state; False when it cannot be (then it is dropped)."""
        plan = self._reset_plan()
        if plan is None:
            return False
        truncate, signature = plan
        try:
            with _connection_to(name) as conn:
                conn.execute("SET lock_timeout = '2s'")
                if conn.execute(_SCHEMA_SIGNATURE).fetchone()[0] != signature:
                    return False  # a test changed the schema (or left it half migrated): start from the template
                conn.execute(truncate)
        except psycopg.Error:
            return False
        return True

    def close(self) -> None:
        if BACKEND == "postgresql":
            for name in self._emptied:
                drop_pg_database(name)
            drop_pg_database(self.pg_template)
