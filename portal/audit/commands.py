"""`flask audit verify` and `flask audit checkpoint`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.audit.anchors import anchor_folder, read_anchors, write_anchor
from portal.audit.bindings import RULE, verify_signature_bindings
from portal.audit.verify import ChainStatus, verify_chain
from portal.errors import PortalError

audit_cli = AppGroup("audit", help="Inspect the hash-chained audit log.")

ANCHORS_OPTION = click.option(
    "--anchors",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder of anchor files (default: PORTAL_AUDIT_ANCHOR_DIR, else <instance>/audit-anchors).",
)


def _checked(folder: Path | None) -> tuple[Path, ChainStatus]:
    """The chain and every anchor verified; exits 1 naming the first bad event when anything fails."""
    folder = anchor_folder(folder)
    try:
        status = verify_chain(read_anchors(folder))
    except PortalError as problem:  # a missing or unreadable public key
        click.echo(f"Audit anchors cannot be checked: {problem}", err=True)
        raise SystemExit(1) from problem
    if not status.intact:
        click.echo(
            f"Audit chain BROKEN at event {status.first_bad_seq}: {status.reason}. "
            f"{status.count} events before it verified.",
            err=True,
        )
        raise SystemExit(1)
    return folder, status


@audit_cli.command("verify")
@ANCHORS_OPTION
def verify_command(folder: Path | None) -> None:
    """Recompute the chain from genesis, check every anchor and every signature's binding to what it signed;
    exit 1 naming the first bad event or every broken signature."""
    folder, status = _checked(folder)
    click.echo(f"Audit chain intact: {status.count} events verified; head {status.head_hash}.")
    _check_bindings()
    if status.anchored_seq is None:
        click.echo(f"No anchors in {folder}: run `flask audit checkpoint` to anchor the head outside the database.")
        return
    click.echo(
        f"{status.anchors} anchors checked; the newest vouches for event {status.anchored_seq} "
        f"({status.count - status.anchored_seq} events after it are not anchored yet)."
    )


def _check_bindings() -> None:
    problems = verify_signature_bindings()
    for problem in problems:
        click.echo(f"Signature binding BROKEN: {problem.describe()}.", err=True)
    if problems:
        click.echo(f"{len(problems)} signatures fail the rule ({RULE}).", err=True)
        raise SystemExit(1)
    click.echo("Every signature still matches what it signed and the hash the chain recorded.")


@audit_cli.command("checkpoint")
@ANCHORS_OPTION
def checkpoint_command(folder: Path | None) -> None:
    """Sign the verified head of the chain and write it as a new anchor file outside the database."""
    folder, status = _checked(folder)  # never vouch for a chain that no longer verifies
    if status.count == 0:
        click.echo("The audit chain is empty: there is nothing to anchor yet.")
        return
    try:
        path, key_id = write_anchor(folder, seq=status.count, head_hash=status.head_hash or "")
    except PortalError as problem:  # no signing key, or the file could not be written
        click.echo(f"No anchor written: {problem}", err=True)
        raise SystemExit(1) from problem
    click.echo(f"Anchored event {status.count} (hash {status.head_hash}), signed by {key_id}: {path}")
