"""`flask records keygen | verify | render`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.errors import PortalError
from portal.records import service
from portal.records.keys import KeyProblem, generate_key_files
from portal.records.shape import RecordShapeError

records_cli = AppGroup("records", help="Sign, render and verify decision records.")


@records_cli.command("keygen")
@click.option("--force", is_flag=True, help="Replace an existing key pair (old records then need the old public key).")
def keygen_command(force: bool) -> None:
    """Create the institution's Ed25519 record-signing key pair at the configured paths."""
    paths = service.key_paths()
    try:
        key = generate_key_files(paths, force=force)
    except (KeyProblem, FileExistsError) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Created record-signing key {key}.")
    click.echo(f"  private key (keep secret, mode 0600): {paths.private}")
    click.echo(f"  public key (give to anyone who verifies records): {paths.public}")


@records_cli.command("verify")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also trust this public key (for records signed with an earlier key). Repeatable.",
)
def verify_command(pdf: Path, public_keys: tuple[Path, ...]) -> None:
    """Exit 0 and print VALID if the record is intact and signed by a trusted key; else print why and exit 1."""
    try:
        result = service.verify(pdf.read_bytes(), public_keys)
    except KeyProblem as problem:
        click.echo(f"NOT VERIFIED: {problem}", err=True)
        raise SystemExit(1) from problem
    if result.valid:
        click.echo(f"VALID {result.record_id}")
        click.echo(f"  fingerprint {result.fingerprint}")
        click.echo(f"  key id {result.key_id}")
        return
    click.echo(f"INVALID {pdf.name}", err=True)
    for reason in result.reasons:
        click.echo(f"  - {reason}", err=True)
    raise SystemExit(1)


@records_cli.command("render")
@click.argument("record_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
def render_command(record_json: Path, pdf: Path) -> None:
    """Sign a decision record (JSON, as portal.decisions builds it) and write its PDF/A-3b file."""
    try:
        record = json.loads(record_json.read_text(encoding="utf-8"))
        signed = service.sign_and_render(record)
        service.write_pdf(pdf, signed.pdf)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{record_json} is not JSON: {error}") from error
    except (RecordShapeError, PortalError) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Wrote {pdf} ({signed.envelope['record']['record_id']}, {signed.envelope['fingerprint']}).")
