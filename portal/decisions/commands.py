"""`flask records export --decision ID --out FILE.pdf`: a final decision's signed record, written atomically."""

from __future__ import annotations

from pathlib import Path

import click

from portal.audit.operations import record
from portal.decisions.models import Decision
from portal.decisions.record import build_record
from portal.errors import PortalError
from portal.extensions import db
from portal.records import service
from portal.records.commands import records_cli
from portal.records.shape import RecordShapeError


@records_cli.command("export")
@click.option("--decision", "decision_id", type=int, required=True, help="The decision's number.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the PDF.")
def export_command(decision_id: int, out: Path) -> None:
    """Sign and render a final decision's record as PDF/A-3b with record.json embedded."""
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise click.ClickException(f"There is no decision {decision_id}.")
    if not decision.final:
        raise click.ClickException(f"Decision {decision_id} is not final yet: it awaits signatures.")
    try:
        signed = service.sign_and_render(build_record(decision))
        service.write_pdf(out, signed.pdf)
    except (RecordShapeError, PortalError) as problem:
        db.session.rollback()
        raise click.ClickException(f"Nothing was written: {problem}") from problem
    # Audited only once the file is in place: a failed write leaves neither a file nor an "exported" event.
    envelope = signed.envelope
    record("record.exported", actor=None, target=decision,
           data={"record_id": envelope["record"]["record_id"], "fingerprint": envelope["fingerprint"],
                 "key_id": envelope["key_id"]})
    db.session.commit()
    click.echo(f"Wrote {out}: {envelope['record']['record_id']}, {envelope['fingerprint']}")
