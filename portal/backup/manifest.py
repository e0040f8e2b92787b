"""What a backup held: row counts and content hashes per table, and the audit chain's head.

The manifest is computed over the exact snapshot that was backed up (the backup file itself on SQLite, the
exported snapshot pg_dump read on PostgreSQL), so a restore can be checked against it table by table.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.engine import Connection

FORMAT = 1


def _plain(value: Any) -> Any:
    """A JSON form of a column value that is stable within one dialect."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal | float):
        return repr(value)
    return str(value)


def table_digest(connection: Connection, table: Table) -> dict[str, Any]:
    """Rows in primary-key order, one canonical JSON line each, hashed together."""
    order = list(table.primary_key.columns) or list(table.columns)
    digest, rows = hashlib.sha256(), 0
    for row in connection.execute(select(table).order_by(*order)):
        digest.update(json.dumps(list(row), default=_plain, ensure_ascii=False).encode("utf-8") + b"\n")
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _audit_head(connection: Connection, tables: dict[str, Table]) -> dict[str, Any] | None:
    events = tables.get("audit_events")
    if events is None:
        return None
    head = connection.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
    return {"seq": head.seq, "hash": head.hash} if head else {"seq": 0, "hash": None}


def build_manifest(connection: Connection) -> dict[str, Any]:
    """The manifest of everything the connection sees (call it inside the snapshot being backed up)."""
    metadata = MetaData()
    names = sorted(inspect(connection).get_table_names())
    tables = {name: Table(name, metadata, autoload_with=connection) for name in names}
    return {
        "format": FORMAT,
        "dialect": connection.dialect.name,
        "tables": {name: table_digest(connection, table) for name, table in tables.items()},
        "audit_head": _audit_head(connection, tables),
    }


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Each table whose count or hash differs, and a different audit head, in words."""
    problems = []
    for name in sorted(set(expected["tables"]) | set(actual["tables"])):
        want, got = expected["tables"].get(name), actual["tables"].get(name)
        if want is None or got is None:
            problems.append(f"table {name} is {'missing from the restore' if got is None else 'not in the backup'}")
        elif want != got:
            problems.append(f"table {name}: {want['rows']} rows backed up, {got['rows']} restored, or content differs")
    if expected.get("audit_head") != actual.get("audit_head"):
        problems.append(f"audit head {expected.get('audit_head')} backed up, {actual.get('audit_head')} restored")
    return problems
