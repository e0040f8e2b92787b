"""The Redis queue (RQ) behind `runner.start` when PORTAL_REDIS_URL is set, and the worker that drains it.

The queue carries only the job id: the row in `jobs` is the truth (state, parameters, progress), so any worker with
the database and the instance folder can run any job, and the web page shows progress whichever host runs it."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from flask import Flask
from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.job import Job as QueuedJob
from sqlalchemy import and_, or_, select

from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.models import QUEUED, RUNNING, Job

PERFORM = "portal.jobs.runner.perform"
RETRY_INTERVALS = [10, 60, 300]  # seconds before the first, second and third re-run


def redis_connection(app: Flask) -> Redis:
    return Redis.from_url(app.config["REDIS_URL"])


def job_queue(app: Flask, connection: Redis | None = None) -> Queue:
    return Queue(app.config["REDIS_QUEUE"], connection=connection or redis_connection(app))


def enqueue(app: Flask, job_id: int) -> QueuedJob:
    """Queue the (committed) job. RQ re-runs it if its worker dies mid-way, once the worker's heartbeat lapses."""
    retries = int(app.config["JOBS_RETRIES"])
    return job_queue(app).enqueue(
        PERFORM, job_id,
        job_timeout=int(app.config["JOBS_TIMEOUT_SECONDS"]),
        retry=Retry(max=retries, interval=RETRY_INTERVALS[:retries]) if retries else None,
        description=f"portal job {job_id}",
    )


def stale_job_ids(app: Flask) -> list[int]:
    """Jobs nobody seems to be running: `running` or `queued` for longer than the lease."""
    since = utcnow() - timedelta(seconds=int(app.config["JOBS_LEASE_SECONDS"]))
    return list(db.session.scalars(
        select(Job.id).where(or_(and_(Job.state == RUNNING, Job.started_at < since),
                                 and_(Job.state == QUEUED, Job.created_at < since))).order_by(Job.id)
    ))


def requeue_stale(app: Flask) -> list[int]:
    """Queue the stale jobs again (run them here, one after the other, without Redis). A run that was in fact
    still alive loses its claim to the new one and keeps nothing (portal.jobs.runner)."""
    from portal.jobs import runner

    ids = stale_job_ids(app)
    db.session.commit()  # end the reading transaction before anything waits on a lock
    for job_id in ids:
        if app.config.get("REDIS_URL"):
            enqueue(app, job_id)
        else:
            runner.run(app, job_id)
    return ids


class PortalWorker(SimpleWorker):
    """Runs each queued job in this process (no fork: the app and its connection pool were made once, before any
    job) inside an app context of its own, so each job has a fresh database session. The records renderer already
    runs in child processes with their own limits, so a job cannot take the worker down by memory alone."""

    app: Flask

    def execute_job(self, job: QueuedJob, queue: Queue) -> None:
        with self.app.app_context():
            super().execute_job(job, queue)


def work(app: Flask, *, burst: bool = False) -> bool:
    """Drain the queue (until empty with `burst`), with the scheduler that delays retries."""
    connection = redis_connection(app)
    # Named after its queue and host, so an operator (or a test) can tell whose worker a key in Redis is.
    name = f"{app.config['REDIS_QUEUE']}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:6]}"
    worker = PortalWorker([job_queue(app, connection)], connection=connection, name=name)
    worker.app = app
    return worker.work(burst=burst, with_scheduler=True)
