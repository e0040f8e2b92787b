"""Running jobs in-process: a daemon thread per job with its own application context and database session.
With JOBS_RUN_INLINE (the tests) the work runs before the request returns, so no thread outlives a test."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import operations as ops
from portal.jobs.models import Job

log = logging.getLogger("portal.jobs")
Work = Callable[[Job, Callable[[int, str], None]], tuple[str, str]]  # (job, progress) -> (result path, message)


def start(job_id: int, work: Work) -> None:
    """Run `work` for the (committed) job; it reports progress and returns where its result is."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_RUN_INLINE"):
        run(app, job_id, work)
        return
    threading.Thread(target=run, args=(app, job_id, work), name=f"job-{job_id}", daemon=True).start()


def run(app: Flask, job_id: int, work: Work) -> None:
    with app.app_context():
        job = db.session.get(Job, job_id)
        ops.start_job(job)
        db.session.commit()

        def progress(done: int, message: str) -> None:
            # Called from the work's own threads: each tick writes through a context of its own.
            with app.app_context():
                row = db.session.get(Job, job_id)
                row.done, row.message = min(done, row.total), message[:500]  # bookkeeping: not audited
                db.session.commit()

        try:
            result_path, message = work(job, progress)
        except PortalError as problem:
            db.session.rollback()
            ops.fail_job(db.session.get(Job, job_id), message=str(problem))
        except Exception:  # noqa: BLE001 - a job must end in a state its owner can read, whatever went wrong
            log.exception("job %s failed", job_id)
            db.session.rollback()
            ops.fail_job(db.session.get(Job, job_id), message="The job failed on our side; nothing was kept.")
        else:
            ops.finish_job(db.session.get(Job, job_id), result_path=result_path, message=message)
        db.session.commit()
