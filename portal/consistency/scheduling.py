"""Scheduling a check: a building block of the operations that ask for one (a submission, a coordinator's "check
again"). It writes the check and its job but no audit event: the caller's one event names the check. The job is
handed to the runner once the request has committed, so the page never waits for a model."""

from __future__ import annotations

from flask import after_this_request, g, has_request_context

from portal.audit.canonical import canonical_json
from portal.auth.models import User
from portal.consistency.models import ConsistencyCheck
from portal.extensions import db
from portal.jobs.models import QUEUED, Job
from portal.proposals.models import ProposalVersion

KIND = "consistency_check"


def schedule_check(version: ProposalVersion, *, requested_by: User) -> ConsistencyCheck:
    job = Job(kind=KIND, owner_id=requested_by.id, state=QUEUED, total=1, params="{}",
              message="Waiting to start.")
    check = ConsistencyCheck(proposal_id=version.proposal_id, version_id=version.id, job=job,
                             requested_by_id=requested_by.id)
    db.session.add_all([job, check])
    db.session.flush()
    job.params = canonical_json({"check_id": check.id})
    _start_after_this_request(job.id)
    return check


def _start_after_this_request(job_id: int) -> None:
    """Outside a request (the demo seed, a command) the caller runs the queued checks itself
    (`flask consistency run`, portal.consistency.commands)."""
    if not has_request_context():
        return
    pending = g.setdefault("_consistency_jobs", [])
    pending.append(job_id)
    if len(pending) > 1:
        return

    @after_this_request
    def _start(response):  # noqa: ANN001, ANN202 - Flask's response hook
        from portal.jobs import runner

        # The view has committed (or given up, and the job row does not exist: the run skips it). Whatever it read
        # since, rendering the page, is a transaction that would hold SQLite's lock against a job run here.
        db.session.rollback()
        for queued in g.pop("_consistency_jobs", []):
            runner.start(queued)
        return response
