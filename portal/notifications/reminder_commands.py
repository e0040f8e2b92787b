"""`flask clocks remind` (cron: daily, or more often: each reminder is sent once): remind whoever owes a regulatory
clock, a review or a condition as it falls due and while it is overdue, then send the e-mail."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.commands import QUEUE_HELP, enqueue_or_exit
from portal.notifications.reminders import remind
from portal.notifications.sender import send_due

clocks_cli = AppGroup("clocks", help="Deadlines: reminders of clocks, reviews and conditions as they fall due.")


@clocks_cli.command("remind")
@click.option("--queue", "queued", is_flag=True, help=QUEUE_HELP)
def remind_command(queued: bool) -> None:
    """Write today's reminders (each stage once, however often this runs), commit, then send the e-mail."""
    app = current_app._get_current_object()
    if queued:
        enqueue_or_exit(app, "portal.notifications.reminders.remind_queued", "portal: reminders")
        return
    reminded = remind(utcnow().date())
    db.session.commit()
    report = send_due(app)
    click.echo(f"reminded {reminded}, sent {report.sent}, to retry {report.retried}, failed {report.failed}")
