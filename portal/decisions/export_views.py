"""The decision register and its bulk export. Each write view: load, authorise, validate, one operation, commit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.decisions.export import EXPORT_LIMIT, can_open_register, register
from portal.decisions.forms import DecisionForm
from portal.decisions.views import bp
from portal.extensions import db
from portal.jobs import runner
from portal.jobs.operations import create_job


@bp.route("/decisions")
@login_required
def register_page():  # noqa: ANN201
    if not can_open_register(current_user):
        abort(404)
    return render_template("decisions/register.html", rows=register(current_user), form=DecisionForm(),
                           limit=EXPORT_LIMIT)


@bp.route("/decisions/export", methods=["POST"])
@login_required
def export():  # noqa: ANN201
    if not can_open_register(current_user):
        abort(404)
    if not DecisionForm().validate():
        abort(400)
    visible = {row.decision_id for row in register(current_user)}
    wanted = [int(v) for v in request.form.getlist("decision_id") if v.isdigit()]
    chosen = sorted({i for i in wanted if i in visible})
    if not chosen:
        flash(_("Tick at least one decision to export."), "error")
        return render_template("decisions/register.html", rows=register(current_user), form=DecisionForm(),
                               limit=EXPORT_LIMIT), 400
    if len(chosen) > EXPORT_LIMIT:
        flash(_("Export at most %(limit)d records at a time.", limit=EXPORT_LIMIT), "error")
        return redirect(url_for("decisions.register_page"))
    job = create_job("record_export", {"decision_ids": chosen}, total=len(chosen),
                     actor=current_user._get_current_object())
    job_id = job.id  # read before the commit: reading it after would open a transaction the job must wait for
    db.session.commit()
    runner.start(job_id)  # the registry knows its work: a worker elsewhere runs it by id alone
    return redirect(url_for("jobs.detail", job_id=job_id))
