"""The screening questionnaire of a proposal, and the criteria sets pages."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.forms import ConfirmForm
from portal.auth.permissions import can_administer_accounts
from portal.criteria.engine import screen
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals import permissions as can
from portal.proposals.completeness import unanswered_screening_questions
from portal.proposals.views import load_proposal
from portal.screenings import operations as ops
from portal.screenings.forms import answers_from, build_screening_form, field_name
from portal.screenings.queries import activation_map, active_sets_for, display_order
from portal.screenings.questionnaire import all_questions, sections, settle, shown_questions
from portal.screenings.registry import STATUS_LABELS, all_sets, localized, localized_sets

bp = Blueprint("screenings", __name__)


@bp.route("/proposals/<int:proposal_id>/screening", methods=["GET", "POST"])
@login_required
def questionnaire(proposal_id: int):  # noqa: ANN201
    """Server-side branching: saving shows the follow-up questions that now apply."""
    proposal = load_proposal(proposal_id)
    editable = can.can_edit_proposal(current_user, proposal)
    criteria_sets = localized_sets(active_sets_for(proposal.institution_id))  # shown in the reader's language
    questions = all_questions(criteria_sets)
    saved = json.loads(proposal.screening_answers or "{}")
    form = build_screening_form(questions, saved)
    status = 200
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            answers = settle(criteria_sets, answers_from(form, questions))
            before = shown_questions(criteria_sets, saved)
            proposal_ops.record_screening_answers(proposal, answers, actor=current_user)
            db.session.commit()
            appeared = len(shown_questions(criteria_sets, answers) - before)
            message = _("Answers saved.")
            if appeared:
                message += " " + _("%(num)d more question(s) now apply.", num=appeared)
            flash(message, "info")
            return redirect(url_for("screenings.questionnaire", proposal_id=proposal.id) + "#questions")
        flash(_("Some answers need attention; nothing was saved yet."), "error")
        status = 400
    shown = shown_questions(criteria_sets, saved)
    snapshot = {"screening_answers": saved}
    return render_template(
        "screenings/questionnaire.html",
        proposal=proposal,
        form=form,
        editable=editable,
        sections=sections(criteria_sets),
        shown=shown,
        field_name=field_name,
        unanswered=unanswered_screening_questions(snapshot, criteria_sets),
        previews=[_preview(s, saved) for s in criteria_sets],
        criteria_sets=criteria_sets,
    ), status


def _preview(criteria_set, answers):  # noqa: ANN001, ANN202
    result = screen(criteria_set, answers).to_dict()
    result.update(
        set_title=criteria_set.title,
        policy_status=criteria_set.policy_status,
        routing=list(criteria_set.routing.get(result["outcome"]["id"], ())),
    )
    return result


@bp.route("/criteria")
@login_required
def criteria_sets():  # noqa: ANN201
    """Every shipped set, and which of them this institution applies."""
    active = activation_map(current_user.institution_id)
    return render_template(
        "screenings/criteria_sets.html",
        sets=display_order(localized_sets(all_sets().values())),
        active=active,
        status_labels=STATUS_LABELS,
        can_manage=can_administer_accounts(current_user),
        confirm_form=ConfirmForm(),
    )


@bp.route("/criteria/<set_id>")
@login_required
def criteria_set(set_id: str):  # noqa: ANN201
    criteria_set = all_sets().get(set_id)
    if criteria_set is None:
        abort(404)
    return render_template("screenings/criteria_set.html", s=localized(criteria_set), status_labels=STATUS_LABELS)


@bp.route("/criteria/<set_id>/<any(activate, deactivate):change>", methods=["POST"])
@login_required
def toggle(set_id: str, change: str):  # noqa: ANN201
    if not can_administer_accounts(current_user):
        abort(404)
    criteria_set = all_sets().get(set_id)
    if criteria_set is None or not ConfirmForm().validate_on_submit():
        abort(404)
    ops.set_criteria_set_active(current_user.institution, criteria_set, change == "activate", actor=current_user)
    db.session.commit()
    flash(
        (_("%(set)s is now applied at %(institution)s. Versions already screened keep their screenings.",
           set=criteria_set.title, institution=current_user.institution.name) if change == "activate" else
         _("%(set)s is now no longer applied at %(institution)s. Versions already screened keep their screenings.",
           set=criteria_set.title, institution=current_user.institution.name)),
        "info",
    )
    return redirect(url_for("screenings.criteria_sets"))
