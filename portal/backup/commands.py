"""`flask backup create [--out PATH]` and `flask backup restore PATH [--yes]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.backup.operations import BackupError, create_backup, database_is_empty, default_backup_path, restore_backup
from portal.clock import utcnow
from portal.extensions import db

backup_cli = AppGroup("backup", help="Back up the database with a manifest, and restore a backup.")


@backup_cli.command("create")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the backup file.")
def create_command(out: Path | None) -> None:
    """Back up the configured database; the manifest (row counts, hashes, audit head) is written beside it."""
    engine = db.engine
    out = out or default_backup_path(Path(current_app.instance_path), engine, utcnow().strftime("%Y%m%dT%H%M%SZ"))
    try:
        result = create_backup(engine, out)
        db.session.commit()
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    tables = result.manifest["tables"]
    click.echo(f"Backup written to {result.path} ({sum(t['rows'] for t in tables.values())} rows in {len(tables)} "
               f"tables; audit head {result.manifest['audit_head']}).")
    click.echo(f"Manifest: {result.manifest_path}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that is not empty without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the configured database with the backup, then check it against the backup's manifest."""
    engine = db.engine
    if not database_is_empty(engine) and not yes:
        click.confirm(f"Replace everything in the configured database ({engine.url.render_as_string()}) with "
                      f"{path.name}?", abort=True)
    try:
        manifest = restore_backup(engine, path)
        db.session.commit()
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path.name}: every table matches its manifest; audit head {manifest['audit_head']}. "
               "Run `flask audit verify` to walk the chain.")
