"""The database as the security checks compare it: every table's row count and content hash (the backup
manifest), read on a fresh connection so that only committed rows count."""

from __future__ import annotations

from portal.backup.manifest import build_manifest
from portal.extensions import db


def database_state(*, without: tuple[str, ...] = ()) -> dict[str, dict]:
    """Each table's {rows, sha256}, less the tables named in `without`."""
    db.session.commit()  # end the test's own transaction: on SQLite it would hold the write lock
    with db.engine.connect() as connection:
        tables = build_manifest(connection)["tables"]
    return {name: digest for name, digest in tables.items() if name not in without}
