"""The demo's consistency checks: each check its submissions scheduled, run inside the seed's unit of work (the
caller commits), so the coordinator sees the wastewater proposal's possible inconsistency on the triage queue."""

from __future__ import annotations

from sqlalchemy import select

from portal.consistency.job import run_check
from portal.consistency.scheduling import KIND
from portal.extensions import db
from portal.jobs.models import QUEUED, Job
from portal.jobs.operations import finish_job, start_job


def run_seeded_checks() -> int:
    jobs = db.session.scalars(select(Job).where(Job.kind == KIND, Job.state == QUEUED).order_by(Job.id)).all()
    for job in jobs:
        start_job(job)
        _result, message = run_check(job, lambda _done, _message: None)
        finish_job(job, result_path=None, message=message)
    return len(jobs)
