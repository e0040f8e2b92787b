"""The database as the security checks compare it: every table's row count and content hash (as the backup
manifest digests them), read on a fresh connection so that only committed rows count.

The tables are the models' (the migrations are tested to make exactly these): reflecting the schema from the
database, as a backup must, costs hundreds of catalog queries on PostgreSQL, and the sweeps compare states
thousands of times."""

from __future__ import annotations

from portal.backup.manifest import table_digest
from portal.extensions import db


def database_state(*, without: tuple[str, ...] = ()) -> dict[str, dict]:
    """Each table's {rows, sha256}, less the tables named in `without`."""
    db.session.commit()  # end the test's own transaction: on SQLite it would hold the write lock
    with db.engine.connect() as connection:
        return {name: table_digest(connection, table) for name, table in sorted(db.metadata.tables.items())
                if name not in without}
