"""`flask jobs worker` and `flask jobs requeue-stale`: the job side of running with Redis."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs: the Redis queue's worker, and rescuing jobs a dead worker left.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, cron) instead of waiting.")
def worker_command(burst: bool) -> None:
    """Run queued jobs (needs PORTAL_REDIS_URL). Starts by queueing again the jobs stuck past their lease."""
    from portal.jobs.queue import requeue_stale, work

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.UsageError("PORTAL_REDIS_URL is not set: jobs run in the web workers' threads, not on a queue.")
    _say(requeue_stale(app), "queued again")
    work(app, burst=burst)


@jobs_cli.command("requeue-stale")
def requeue_stale_command() -> None:
    """Queue again the jobs left `running` or `queued` longer than JOBS_LEASE_SECONDS (without Redis: run them)."""
    from portal.jobs.queue import requeue_stale

    app = current_app._get_current_object()
    _say(requeue_stale(app), "queued again" if app.config.get("REDIS_URL") else "run again")


def _say(ids: list[int], done: str) -> None:
    click.echo(f"{len(ids)} stale job(s) {done}" + (f": {', '.join(map(str, ids))}." if ids else "."))
