"""The write path of jobs. People create them; the runner moves them on. Each writes one audit event. (Progress
ticks are bookkeeping that nobody answers for, written by the runner itself: auditing each would flood the
chain with events that say nothing.)"""

from __future__ import annotations

from typing import Any

from portal.audit.canonical import canonical_json
from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job


def create_job(kind: str, params: dict[str, Any], *, total: int, actor: User) -> Job:
    job = Job(kind=kind, owner_id=actor.id, state=QUEUED, total=total, params=canonical_json(params),
              message="Waiting to start.")
    db.session.add(job)
    record("job.created", actor=actor, target=job, data={"kind": kind, "total": total})
    return job


def start_job(job: Job, *, again: bool = False) -> None:
    """A run claims the job: its start time is the claim (portal.jobs.runner). `again`: an earlier run was lost and
    this one starts over, from no progress."""
    job.state, job.started_at, job.done = RUNNING, utcnow(), 0
    job.message = "Started again after an interruption." if again else "Started."
    record("job.started", actor=None, target=job, data={"kind": job.kind, **({"again": True} if again else {})})


def finish_job(job: Job, *, result_path: str, message: str) -> None:
    job.state, job.finished_at, job.done = DONE, utcnow(), job.total
    job.result_path, job.message = result_path, message[:500]
    record("job.finished", actor=None, target=job, data={"kind": job.kind, "total": job.total})


def fail_job(job: Job, *, message: str) -> None:
    job.state, job.finished_at, job.message = FAILED, utcnow(), message[:500]
    record("job.failed", actor=None, target=job, data={"kind": job.kind, "message": message[:500]})
