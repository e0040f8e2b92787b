"""`flask notify send` (cron: every minute, unless a queue is configured) and `flask notify digest` (cron: daily).

`--queue` puts the work on the Redis queue (PORTAL_REDIS_URL) for `flask jobs worker` instead of doing it here."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.notifications.digests import write_due_digests
from portal.notifications.sender import send_due

notify_cli = AppGroup("notify", help="Send notification e-mail.")

QUEUE_HELP = "Put the work on the Redis queue for `flask jobs worker` instead of running it (needs PORTAL_REDIS_URL)."


def enqueue_or_exit(app: Flask, function: str, description: str) -> None:
    """Queue `function` (an importable name the worker runs in an app context); without Redis, say so and exit 1."""
    if not app.config.get("REDIS_URL"):
        click.echo("--queue needs PORTAL_REDIS_URL: without a Redis queue, run the command without --queue.", err=True)
        raise SystemExit(1)
    from portal.jobs.queue import job_queue

    queue = job_queue(app)
    job = queue.enqueue(function, description=description)
    click.echo(f"queued {job.id} on {queue.name}")


@notify_cli.command("send")
@click.option("--queue", "queued", is_flag=True, help=QUEUE_HELP)
def send_command(queued: bool) -> None:
    """Send the e-mail that is due: new messages, retries whose time has come, and messages a crashed sender left."""
    app = current_app._get_current_object()
    if queued:
        enqueue_or_exit(app, "portal.notifications.sender.send_queued", "portal: send e-mail")
        return
    report = send_due(app)
    click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}, "
               f"already delivered {report.suppressed}, withheld {report.withheld}")


@notify_cli.command("digest")
def digest_command() -> None:
    """Gather each person's digest notifications into one e-mail, then send."""
    written = write_due_digests()
    db.session.commit()
    report = send_due(current_app._get_current_object())
    click.echo(f"digests {written}, sent {report.sent}")
