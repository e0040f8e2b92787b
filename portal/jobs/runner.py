"""Running jobs: by id alone, in any process, at least once, with the effect of exactly once.

Where a job runs: with PORTAL_REDIS_URL set, `start` puts it on the RQ queue (portal.jobs.queue) and a
`flask jobs worker` process runs `perform(job_id)`; without it, a daemon thread of the web worker runs it, or the
request itself under JOBS_RUN_INLINE (the tests), so no thread outlives a test.

The guarantee. A job may be *run* more than once: RQ retries a job whose worker died (Retry, up to JOBS_RETRIES),
and `flask jobs worker` / `flask jobs requeue-stale` queue again a job left `running` (or `queued`) longer than
JOBS_LEASE_SECONDS. It *takes effect* once:
- a job already done (or failed, which its owner has been told) is skipped;
- each run claims the job by stamping `started_at` in a committed write, and a re-run starts over: progress from
  zero, and the files an earlier run left in the kind's results folder (job-<id>-…, temporary files included) are
  removed first;
- results are written atomically (the export through records.files.replacing), so a killed run leaves no partial
  result under the name a job points at;
- completion is one transaction that first re-reads the job under a row lock and goes ahead only if the run's
  claim still holds: the state `done`, the result path, `job.finished` and the work's own audit events (e.g.
  `records.exported`) are committed together or not at all. A run whose claim was taken over rolls back and
  deletes its file, so there is one completion event and one result file.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app

from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import operations as ops
from portal.jobs.models import RUNNING, Job
from portal.jobs.registry import Work, kind_of

log = logging.getLogger("portal.jobs")


def start(job_id: int, work: Work | None = None) -> None:
    """Hand the (committed) job to whatever runs jobs here. `work` defaults to its kind's registered work."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from portal.jobs.queue import enqueue  # only a deployment with Redis needs rq and redis imported

        enqueue(app, job_id)
    elif app.config.get("JOBS_RUN_INLINE"):
        run(app, job_id, work)
    else:
        threading.Thread(target=run, args=(app, job_id, work), name=f"job-{job_id}", daemon=True).start()


def perform(job_id: int) -> str:
    """The queue's entry point: run the job in the current app context. Says what happened, for the worker's log."""
    return run(current_app._get_current_object(), job_id)


def run(app: Flask, job_id: int, work: Work | None = None) -> str:
    """Claim the job, run its work, and complete it if the claim still holds: "done", "failed", "skipped" (it had
    already ended or does not exist) or "superseded" (another run took it over)."""
    with app.app_context():
        claim = _claim(app, job_id)
        if claim is None:
            return "skipped"
        job = db.session.get(Job, job_id)
        work = work or kind_of(job.kind).function()
        result_path: str | None = None
        try:
            result_path, message = work(job, _progress(app, job_id, claim))
        except PortalError as problem:
            db.session.rollback()
            return _settle(job_id, claim, failure=str(problem))
        except Exception:  # noqa: BLE001 - a job must end in a state its owner can read, whatever went wrong
            log.exception("job %s failed", job_id)
            db.session.rollback()
            return _settle(job_id, claim, failure="The job failed on our side; nothing was kept.")
        return _settle(job_id, claim, result_path=result_path, message=message)


def _claim(app: Flask, job_id: int) -> datetime | None:
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.finished:
        db.session.rollback()
        return None
    again = job.state == RUNNING  # an earlier run died, or was given up on: this one starts over
    ops.start_job(job, again=again)
    claim = job.started_at
    db.session.commit()
    if again:
        _remove_files_of(app, job)
    return claim


def _remove_files_of(app: Flask, job: Job) -> None:
    folder = Path(app.instance_path) / kind_of(job.kind).results_folder
    for pattern in (f"job-{job.id}-*", f".job-{job.id}-*"):  # results, and temporary files being written
        for leftover in folder.glob(pattern):
            leftover.unlink(missing_ok=True)


def _holds(job: Job | None, claim: datetime) -> bool:
    return job is not None and job.state == RUNNING and job.started_at == claim


def _settle(job_id: int, claim: datetime, *, result_path: str | None = None, message: str = "",
            failure: str | None = None) -> str:
    """The run's end, in one transaction with whatever the work recorded, if the run still holds the job."""
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if not _holds(job, claim):
        db.session.rollback()  # its audit events go too: the run that took over writes its own
        if result_path:
            Path(result_path).unlink(missing_ok=True)
        log.warning("job %s: this run was superseded; its result was discarded", job_id)
        return "superseded"
    if failure is not None:
        ops.fail_job(job, message=failure)
    else:
        ops.finish_job(job, result_path=result_path, message=message)
    db.session.commit()
    return "failed" if failure is not None else "done"


def _progress(app: Flask, job_id: int, claim: datetime):  # noqa: ANN202 - Callable[[int, str], None]
    def progress(done: int, message: str) -> None:
        # Called from the work's own threads: each tick writes through a context of its own.
        with app.app_context():
            row = db.session.get(Job, job_id, with_for_update=True)
            if _holds(row, claim):
                row.done, row.message = min(done, row.total), message[:500]  # bookkeeping: not audited
            db.session.commit()
        _wait_while_held(app)

    return progress


def _wait_while_held(app: Flask) -> None:
    """Tests only: the killed-worker drill holds a run here, mid-way, to kill its worker. Creating the hold file
    arms it; the run announces itself in <file>.reached and waits until the file is gone."""
    hold = app.config.get("JOBS_TEST_HOLD_FILE")
    if not (hold and app.config.get("TESTING") and Path(hold).exists()):
        return
    Path(f"{hold}.reached").write_text(str(os.getpid()))
    while Path(hold).exists():
        time.sleep(0.05)
