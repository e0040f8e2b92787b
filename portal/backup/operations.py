"""Back up the configured database and restore a backup into it, with a manifest to check the restore against.

SQLite: the online backup API (a consistent copy while the portal runs). PostgreSQL: pg_dump -Fc reading a snapshot
exported by the transaction that computes the manifest, so file and manifest describe the same instant; pg_restore
in one transaction. Both are audited in the database they concern (security-test-plan.md §5, check 29).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine, make_url

from portal.audit.operations import record
from portal.backup.manifest import build_manifest, differences
from portal.errors import PortalError
from portal.extensions import db


class BackupError(PortalError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: dict[str, Any]


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_backup_path(instance: Path, engine: Engine, stamp: str) -> Path:
    suffix = "sqlite3" if engine.dialect.name == "sqlite" else "dump"
    return instance / "backups" / f"portal-{stamp}.{suffix}"


def create_backup(engine: Engine, out: Path) -> BackupResult:
    """Write the backup and its manifest beside it, then audit the backup in the live database; the caller commits."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise BackupError(f"{out} exists already; choose another --out so no backup is overwritten.")
    manifest = _sqlite_backup(engine, out) if engine.dialect.name == "sqlite" else _pg_backup(engine, out)
    out.chmod(0o600)  # the backup holds everything the portal holds
    manifest = {**manifest, "backup_file": out.name, "backup_sha256": file_sha256(out)}
    manifest_path = manifest_path_for(out)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    manifest_path.chmod(0o600)
    record("backup.created", actor=None, target=("backup", out.name),
           data={"sha256": manifest["backup_sha256"], "audit_head": manifest["audit_head"],
                 "tables": len(manifest["tables"]), "rows": sum(t["rows"] for t in manifest["tables"].values())})
    return BackupResult(out, manifest_path, manifest)


def _sqlite_backup(engine: Engine, out: Path) -> dict[str, Any]:
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(out)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    copy = create_engine(f"sqlite:///{out}")
    try:
        with copy.connect() as connection:
            return build_manifest(connection)
    finally:
        copy.dispose()


def _pg_backup(engine: Engine, out: Path) -> dict[str, Any]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={out}"], engine)
        return build_manifest(connection)


def _run(command: list[str], engine: Engine) -> None:
    """A PostgreSQL client tool against the configured database; the password goes by environment, not argv."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools (postgresql-client).")
    url = make_url(engine.url)
    env = {**os.environ, "PGDATABASE": url.database or "", "PGUSER": url.username or "",
           "PGHOST": str(url.query.get("host") or url.host or ""), "PGPORT": str(url.port or 5432)}
    if url.password:
        env["PGPASSWORD"] = url.password
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def database_is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        return not inspect(connection).get_table_names()


def load_manifest(path: Path) -> dict[str, Any]:
    manifest_path = manifest_path_for(path)
    if not manifest_path.exists():
        raise BackupError(f"No manifest beside the backup ({manifest_path.name}); it cannot be checked, so it is not "
                          "restored.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if file_sha256(path) != manifest.get("backup_sha256"):
        raise BackupError(f"{path.name} does not match the hash in its manifest: the file is damaged or was altered.")
    return manifest


def restore_backup(engine: Engine, path: Path) -> dict[str, Any]:
    """Replace the configured database with the backup, check it against the manifest, audit the restore there."""
    manifest = load_manifest(path)
    if manifest["dialect"] != engine.dialect.name:
        raise BackupError(f"This is a {manifest['dialect']} backup; the configured database is {engine.dialect.name}.")
    db.session.remove()
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, path)
    else:
        clean = [] if database_is_empty(engine) else ["--clean", "--if-exists"]
        _run(["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", *clean,
              f"--dbname={make_url(engine.url).database}", str(path)], engine)
    with engine.connect() as connection:
        restored = build_manifest(connection)
    problems = differences(manifest, restored)
    if problems:
        raise BackupError("The restored database does not match the backup's manifest: " + "; ".join(problems))
    record("backup.restored", actor=None, target=("backup", path.name),
           data={"sha256": manifest["backup_sha256"], "audit_head": manifest["audit_head"]})
    return manifest


def _sqlite_restore(engine: Engine, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(make_url(engine.url).database)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
