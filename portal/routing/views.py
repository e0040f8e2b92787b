"""The coordinator's triage queue and the triage of one proposal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.consistency.queries import latest_checks
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals.views import load_proposal
from portal.routing import operations as ops
from portal.routing.forms import OutOfScopeForm, TriageForm
from portal.routing.permissions import can_see_triage_queue, can_triage
from portal.routing.queries import institution_committees, proposed_committees, triage_queue
from portal.routing.rules import all_out_of_scope
from portal.screenings.queries import screenings_for_version

bp = Blueprint("routing", __name__)


@bp.route("/triage")
@login_required
def queue():  # noqa: ANN201
    if not can_see_triage_queue(current_user):
        abort(404)
    committees = institution_committees(current_user.institution_id)
    rows = []
    for proposal, results in triage_queue(current_user):
        proposed, _kinds = proposed_committees(results, committees)
        rows.append((proposal, results, proposed))
    # One statement for the whole queue: each check carries its count of possible inconsistencies.
    checks = latest_checks([proposal.versions[-1].id for proposal, _results, _proposed in rows])
    return render_template("routing/queue.html", rows=rows, committees=committees, checks=checks)


@bp.route("/proposals/<int:proposal_id>/triage", methods=["GET", "POST"])
@login_required
def triage(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_triage)
    results = screenings_for_version(proposal.versions[-1].id)
    committees = institution_committees(proposal.institution_id)
    proposed, kinds = proposed_committees(results, committees)
    form, out_form = TriageForm(prefix="triage"), OutOfScopeForm(prefix="scope")
    form.offer(committees)
    if not form.is_submitted():
        form.committees.data = [c.id for c in proposed]
    status = 200
    if _posted("triage") and form.validate_on_submit():
        chosen = [c for c in committees if c.id in (form.committees.data or [])]
        try:
            ops.triage_proposal(proposal, chosen, proposed=proposed, reason=form.reason.data or "", actor=current_user)
        except PortalError as refusal:
            db.session.rollback()
            flash(refusal.translated(), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("Sent to %(committees)s.", committees=", ".join(c.name for c in chosen)), "info")
            return redirect(url_for("routing.queue"))
    elif _posted("scope") and out_form.validate_on_submit():
        try:
            ops.confirm_out_of_scope(proposal, reason=out_form.reason.data or "", actor=current_user)
        except PortalError as refusal:
            db.session.rollback()
            flash(refusal.translated(), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("Confirmed as out of scope; it now awaits an administrative determination."), "info")
            return redirect(url_for("routing.queue"))
    return render_template(
        "routing/triage.html",
        proposal=proposal,
        results=results,
        form=form,
        out_form=out_form,
        proposed=proposed,
        kinds=kinds,
        committees=committees,
        out_of_scope=bool(results) and all_out_of_scope(results),
    ), status


def _posted(prefix: str) -> bool:
    """Which of the page's two forms was sent (their fields carry the form's prefix)."""
    return request.method == "POST" and request.form.get("form") == prefix
