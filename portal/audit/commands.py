"""`flask audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.audit.verify import verify_chain

audit_cli = AppGroup("audit", help="Inspect the hash-chained audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the chain from genesis; exit 1 naming the first bad event."""
    status = verify_chain()
    if status.intact:
        click.echo(f"Audit chain intact: {status.count} events verified; head {status.head_hash}.")
        return
    click.echo(
        f"Audit chain BROKEN at event {status.first_bad_seq}: {status.reason}. "
        f"{status.count} events before it verified.",
        err=True,
    )
    raise SystemExit(1)
