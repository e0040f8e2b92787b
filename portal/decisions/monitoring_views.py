"""After the decision: evidence for conditions, clocks met, appeals. Each write view: load, authorise, validate,
call one operation, commit; a refusal comes back to the decision page with its message."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from portal.decisions import monitoring as ops
from portal.decisions import permissions as can
from portal.decisions.forms import AppealForm, AppealOutcomeForm, ClockForm, EvidenceForm, ReviewEvidenceForm
from portal.decisions.models import Appeal, Condition, Decision, RegulatoryClock
from portal.decisions.queries import superseded_ids
from portal.decisions.views import bp, load_decision
from portal.errors import PortalError
from portal.extensions import db


def page_context(decision: Decision, superseded: set[int]) -> dict[str, object]:
    appeals = list(db.session.scalars(db.select(Appeal).where(Appeal.decision_id == decision.id).order_by(Appeal.id)))
    pending = any(a.outcome == "pending" for a in appeals)
    return {
        "appeals": appeals,
        "may_appeal": can.can_appeal(current_user, decision, decision.id in superseded, pending),
        "may_correct": can.can_correct(current_user, decision, decision.id in superseded),
        "may_review": can.can_review_evidence(current_user, decision.proposal),
        "may_read_record": can.can_read_record(current_user, decision),
    }


def _back(decision_id: int, anchor: str = ""):  # noqa: ANN202
    return redirect(url_for("decisions.detail", decision_id=decision_id) + anchor)


def _run(decision_id: int, anchor: str, write, done: str):  # noqa: ANN001, ANN202
    """Call one operation, commit, and come back to the decision page with what happened."""
    try:
        write()
        db.session.commit()
    except (PortalError, StaleDataError) as refusal:
        db.session.rollback()
        message = (refusal.translated() if isinstance(refusal, PortalError)
                   else _("Someone else changed this at the same moment."))
        flash(_("%(message)s Nothing was saved.", message=message), "error")
        return _back(decision_id, anchor)
    flash(done, "info")
    return _back(decision_id, anchor)


def _condition(condition_id: int) -> tuple[Condition, Decision]:
    condition = db.session.get(Condition, condition_id)
    if condition is None:
        abort(404)
    return condition, load_decision(condition.decision_id)


def _form_errors(form) -> str:  # noqa: ANN001
    return " ".join(e for field in form for e in field.errors) or _("Check the form and try again.")


@bp.route("/conditions/<int:condition_id>/evidence", methods=["POST"])
@login_required
def evidence(condition_id: int):  # noqa: ANN201
    condition, decision = _condition(condition_id)
    if not can.can_submit_evidence(current_user, condition, decision.proposal):
        abort(403)
    form = EvidenceForm()
    if not form.validate():
        flash(_form_errors(form), "error")
        return _back(decision.id, "#plan")
    actor = current_user._get_current_object()
    return _run(decision.id, "#plan", lambda: ops.submit_evidence(condition, evidence=form.evidence.data, actor=actor),
                _("Evidence submitted: a coordinator will verify it."))


@bp.route("/conditions/<int:condition_id>/review", methods=["POST"])
@login_required
def review(condition_id: int):  # noqa: ANN201
    from flask import request

    condition, decision = _condition(condition_id)
    if not can.can_review_evidence(current_user, decision.proposal):
        abort(403)
    form = ReviewEvidenceForm()
    if not form.validate():
        flash(_form_errors(form), "error")
        return _back(decision.id, "#plan")
    accept = request.form.get("action") == "accept"
    actor = current_user._get_current_object()
    return _run(decision.id, "#plan",
                lambda: ops.review_evidence(condition, accept=accept, note=form.note.data or "", actor=actor),
                _("Condition verified.") if accept else _("Evidence returned with your note."))


@bp.route("/clocks/<int:clock_id>/complete", methods=["POST"])
@login_required
def complete_clock(clock_id: int):  # noqa: ANN201
    clock = db.session.get(RegulatoryClock, clock_id)
    if clock is None:
        abort(404)
    decision = load_decision(clock.decision_id)
    if not can.can_complete_clock(current_user, clock):
        abort(403)
    form = ClockForm()
    if not form.validate():
        flash(_form_errors(form), "error")
        return _back(decision.id, "#clocks")
    actor = current_user._get_current_object()
    return _run(decision.id, "#clocks", lambda: ops.complete_clock(clock, note=form.note.data or "", actor=actor),
                _("“%(title)s” marked as met. The next one is scheduled.", title=clock.title) if clock.repeat_days
                else _("“%(title)s” marked as met.", title=clock.title))


@bp.route("/decisions/<int:decision_id>/appeal", methods=["POST"])
@login_required
def appeal(decision_id: int):  # noqa: ANN201
    decision = load_decision(decision_id)
    context = page_context(decision, superseded_ids(decision.proposal_id))
    if not context["may_appeal"]:
        abort(403)  # the operation refuses too; say so before reading the form, as the page offers no such button
    form = AppealForm()
    if not form.validate():
        flash(_form_errors(form), "error")
        return _back(decision.id, "#appeals")
    actor = current_user._get_current_object()
    return _run(decision.id, "#appeals",
                lambda: ops.file_appeal(decision, level=form.level.data, grounds=form.grounds.data, actor=actor),
                _("Appeal filed. The review coordinator will record how it ends."))


@bp.route("/appeals/<int:appeal_id>/outcome", methods=["POST"])
@login_required
def appeal_outcome(appeal_id: int):  # noqa: ANN201
    appeal_row = db.session.get(Appeal, appeal_id)
    if appeal_row is None:
        abort(404)
    decision = load_decision(appeal_row.decision_id)
    if not can.can_decide_appeal(current_user, appeal_row):
        abort(403)
    form = AppealOutcomeForm()
    if not form.validate():
        flash(_form_errors(form), "error")
        return _back(decision.id, "#appeals")
    actor = current_user._get_current_object()

    def write() -> None:
        ops.decide_appeal(appeal_row, outcome=form.outcome.data, reviewer=form.reviewer.data,
                          note=form.note.data or "", actor=actor)

    done = _("Appeal outcome recorded.")
    if form.outcome.data != "upheld":
        done = _("Appeal outcome recorded. Record the decision that replaces the appealed one: use “Correct or replace "
                 "this decision”.")
    return _run(decision.id, "#appeals", write, done)
