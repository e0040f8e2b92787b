"""`flask consistency run`: run the checks that are waiting, here, one after the other. A submission made outside
a request (the demo seed, an import) schedules its check but nobody starts it; `--backfill` first schedules a check
for every submitted latest version that has none (a portal upgraded to this feature)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.auth.models import User
from portal.consistency.models import ConsistencyCheck
from portal.consistency.scheduling import KIND, schedule_check
from portal.extensions import db
from portal.jobs import runner
from portal.jobs.models import QUEUED, Job
from portal.proposals.models import ProposalVersion

consistency_cli = AppGroup("consistency", help="Consistency checks of proposal text against screening answers.")


@consistency_cli.command("run")
@click.option("--backfill", is_flag=True, help="First schedule a check of every latest version that has none.")
def run_command(backfill: bool) -> None:
    """Run every waiting check in this process and say how many ran."""
    app = current_app._get_current_object()
    if backfill:
        click.echo(f"scheduled {_backfill()}")
    waiting = list(db.session.scalars(
        select(Job.id).where(Job.kind == KIND, Job.state == QUEUED).order_by(Job.id)))
    db.session.remove()
    outcomes = [runner.run(app, job_id) for job_id in waiting]
    click.echo(f"checked {outcomes.count('done')}, failed {outcomes.count('failed')}")


def _backfill() -> int:
    latest = select(ProposalVersion.proposal_id, func.max(ProposalVersion.number).label("number")).group_by(
        ProposalVersion.proposal_id).subquery()
    versions = db.session.scalars(
        select(ProposalVersion)
        .join(latest, (ProposalVersion.proposal_id == latest.c.proposal_id)
              & (ProposalVersion.number == latest.c.number))
        .where(~select(ConsistencyCheck.id).where(ConsistencyCheck.version_id == ProposalVersion.id).exists())
        .order_by(ProposalVersion.id)
    ).all()
    for version in versions:
        schedule_check(version, requested_by=db.session.get(User, version.created_by_id))
    db.session.commit()
    return len(versions)
