"""What-if re-screening pages: ask (a shipped set or an uploaded edited copy, and a scope), watch the job's
progress, read the summary. Each write view: load, authorise, validate, one operation, commit."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.audit.denials import deny_access
from portal.extensions import db
from portal.jobs import runner
from portal.jobs.models import DONE, Job
from portal.reports.permissions import report_scope
from portal.reports.rules import DEFAULT_SMALL_CELL, shown_count
from portal.reports.whatif import shown_summary
from portal.reports.whatif_forms import WhatIfForm
from portal.reports.whatif_job import read_summary
from portal.reports.whatif_operations import request_whatif
from portal.reports.whatif_permissions import can_run_whatif, can_view_whatif
from portal.reports.whatif_queries import Scope, count_versions, institution_names, listed_changes, my_whatifs
from portal.reports.whatif_source import load_set_bytes
from portal.screenings.queries import display_order
from portal.screenings.registry import all_sets

bp = Blueprint("whatif", __name__, url_prefix="/reports/whatif")
LIST_LIMIT = 500  # changed versions listed on the page; the counts cover them all


@bp.app_context_processor
def _whatif_link() -> dict[str, Any]:
    return {"can_run_whatif": can_run_whatif}  # the criteria set page links here for those who may


def _form() -> WhatIfForm:
    return WhatIfForm().offer(display_order(all_sets().values()))


@bp.route("", methods=["GET", "POST"])
@login_required
def start():  # noqa: ANN201
    if not can_run_whatif(current_user):
        abort(404)
    form = _form()
    reach = report_scope(current_user)
    page = partial(render_template, "reports/whatif.html", form=form,
                   institutions=institution_names(reach.institution_ids), earlier=my_whatifs(current_user))
    if request.method == "GET":
        form.set_id.data = request.args.get("set_id", "") if request.args.get("set_id") in all_sets() else ""
        return page(problems=[])
    if not form.validate_on_submit():
        return page(problems=[]), 400
    upload = None
    if form.set_id.data:
        criteria_set = all_sets()[form.set_id.data]
    else:
        file = form.document.data
        filename = Path(file.filename).name[:200] or "uploaded.yaml"
        content = file.read()
        criteria_set, problems = load_set_bytes(Path(current_app.config["CRITERIA_DIR"]), filename, content)
        if criteria_set is None:
            return page(problems=[str(p) for p in problems]), 400
        upload = {"filename": filename, "text": content.decode("utf-8")}
    scope = Scope(reach.institution_ids, form.since.data)
    job = request_whatif(criteria_set, scope, total=count_versions(scope), upload=upload,
                         actor=current_user._get_current_object())
    job_id = job.id  # read before the commit: reading it after would open a transaction the job must wait for
    db.session.commit()
    runner.start(job_id)  # the registry knows its work: a worker elsewhere runs it by id alone
    return redirect(url_for("whatif.result", job_id=job_id))


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not can_view_whatif(current_user, job):
        deny_access(job)
    return job


def _shown(job: Job) -> tuple[dict[str, Any] | None, list, bool]:
    """The summary as this reader may see it, the changed versions they may see listed, and whether small cells
    are suppressed for them."""
    summary = read_summary(job) if job.state == DONE else None
    reach = report_scope(current_user)
    if summary is None:
        return None, [], reach.cross_institution
    threshold = current_app.config.get("REPORT_SMALL_CELL", DEFAULT_SMALL_CELL)
    shown = shown_summary(summary, partial(_cell, threshold=threshold, suppress=reach.cross_institution))
    listed = (listed_changes(current_user, Scope.from_dict(summary["scope"]), summary["changes"])
              if reach.lists_cases else [])
    return shown, listed, reach.cross_institution


def _cell(count: int, threshold: int, suppress: bool) -> int | str:
    """A count as a number (the JSON keeps numbers), or the suppressed text the reports show."""
    text = shown_count(count, threshold, suppress)
    return count if text == str(count) else text


@bp.route("/<int:job_id>")
@login_required
def result(job_id: int):  # noqa: ANN201
    job = _job(job_id)
    summary, listed, suppressed = _shown(job)
    return render_template("reports/whatif_job.html", job=job, summary=summary, listed=listed[:LIST_LIMIT],
                           more=max(0, len(listed) - LIST_LIMIT), suppressed=suppressed,
                           lists_cases=report_scope(current_user).lists_cases)


@bp.route("/<int:job_id>/summary.json")
@login_required
def summary_json(job_id: int):  # noqa: ANN201
    summary, listed, _suppressed = _shown(_job(job_id))
    if summary is None:
        abort(404)
    summary["changed_versions"] = [
        {"proposal_id": c.proposal_id, "title": c.title, "version": c.version_number, "from": c.before, "to": c.after}
        for c in listed
    ]
    response = jsonify(summary)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'attachment; filename="whatif-{job_id}.json"'
    return response
