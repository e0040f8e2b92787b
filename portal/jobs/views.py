"""A job's page: a progress bar that refreshes itself (no script needed), and the result when it is done."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user, login_required

from portal.audit.denials import deny_access
from portal.extensions import db
from portal.jobs.models import DONE, Job
from portal.jobs.permissions import can_view_job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
DOWNLOAD_NAMES = {"record_export": "decision-records.zip"}


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not can_view_job(current_user, job):
        deny_access(job)
    return job


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):  # noqa: ANN201
    return render_template("jobs/detail.html", job=_job(job_id))


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):  # noqa: ANN201
    job = _job(job_id)
    if job.state != DONE or not job.result_path or not Path(job.result_path).is_file():
        abort(404)
    response = send_file(job.result_path, mimetype="application/zip", as_attachment=True,
                         download_name=DOWNLOAD_NAMES.get(job.kind, f"job-{job.id}.zip"))
    response.headers["Cache-Control"] = "no-store"
    return response
