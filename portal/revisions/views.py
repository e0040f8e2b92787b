"""Revision requests: the chair or coordinator writes the items, previews exactly what the investigators will
read, confirms and sends; the team answers item by item, then resubmits from the proposal's submit page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from portal.committees.models import Committee
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.proposals.views import load_proposal
from portal.reviews.models import SUBMITTED
from portal.reviews.permissions import managing_committees
from portal.reviews.queries import assignments_with_reviews, routed_committees
from portal.revisions import operations as ops
from portal.revisions.forms import BLANK_ITEMS, AnswersForm, RevisionRequestForm, answers_from, item_drafts
from portal.revisions.models import RevisionRequest
from portal.revisions.permissions import can_answer_revisions, can_request_revisions
from portal.revisions.queries import round_limit_reached, rounds_sent

bp = Blueprint("revisions", __name__)


def _suggested(proposal: Proposal) -> list[tuple[ops.ItemDraft, str]]:
    """The investigator-addressed comments of the submitted reviews of the latest version, with their authors."""
    latest = proposal.versions[-1].id
    return [
        (ops.ItemDraft(a.review.investigator_comment, a.review.id), a.reviewer.name)
        for a in assignments_with_reviews(proposal.id)
        if a.version_id == latest and a.review and a.review.state == SUBMITTED and a.review.investigator_comment
    ]


def _render(
    template: str,
    proposal: Proposal,
    committees: list[Committee],
    committee: Committee,
    drafts: list[tuple[ops.ItemDraft, str | None]],
    form: RevisionRequestForm,
    status: int = 200,
):  # noqa: ANN202
    return render_template(
        template,
        proposal=proposal,
        committees=committees,
        committee=committee,
        drafts=drafts,
        blank=BLANK_ITEMS,
        form=form,
        limit=round_limit_reached(proposal, committee),
        next_round=_rounds(proposal, committee) + 1,
    ), status


def _rounds(proposal: Proposal, committee: Committee) -> int:
    return rounds_sent(proposal.id, committee.id)


@bp.route("/proposals/<int:proposal_id>/revision-request", methods=["GET", "POST"])
@login_required
def compose(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_request_revisions)
    committees = managing_committees(current_user, proposal, routed_committees(proposal.id))
    form = RevisionRequestForm()
    chosen = request.values.get("committee_id", type=int)
    committee = next((c for c in committees if c.id == chosen), committees[0])
    if request.method == "GET":
        return _render("revisions/compose.html", proposal, committees, committee, _suggested(proposal), form)
    if not form.validate():
        abort(400)
    drafts = [(d, None) for d in item_drafts(request.form)]
    action = request.form.get("action")
    if action == "edit":
        return _render("revisions/compose.html", proposal, committees, committee, drafts, form)
    if not drafts:
        flash(_("Write at least one item for the investigators, or tick one of the reviewers' comments."), "error")
        return _render("revisions/compose.html", proposal, committees, committee, drafts, form, 400)
    if action != "send":
        return _render("revisions/preview.html", proposal, committees, committee, drafts, form)
    try:
        ops.send_revision_request(
            proposal,
            committee,
            [d for d, _ in drafts],
            confirmed=form.confirm.data,
            actor=current_user._get_current_object(),
        )
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _render("revisions/preview.html", proposal, committees, committee, drafts, form, 400)
    flash(ngettext("Revision request sent to the investigators (%(num)d item).",
                   "Revision request sent to the investigators (%(num)d items).", len(drafts)), "info")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#revisions")


@bp.route("/proposals/<int:proposal_id>/revision-requests/<int:request_id>/answers", methods=["POST"])
@login_required
def answer(proposal_id: int, request_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_answer_revisions)
    revision_request = db.session.get(RevisionRequest, request_id)
    if revision_request is None or revision_request.proposal_id != proposal.id:
        abort(404)
    if not AnswersForm().validate():
        abort(400)
    try:
        changed = ops.answer_items(
            revision_request,
            answers_from(request.form, [item.id for item in revision_request.items]),
            actor=current_user._get_current_object(),
        )
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#revisions")
    left = len(revision_request.unanswered)
    saved = _("Answers saved.") if changed else _("No changes to save.")
    still = (ngettext("%(num)d item still to answer.", "%(num)d items still to answer.", left) if left
             else _("Every item is answered: make your changes to the proposal, then sign and submit them."))
    flash(saved + " " + still, "info")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#revisions")


@bp.app_context_processor
def revision_predicates() -> dict[str, object]:
    return {"can_request_revisions": can_request_revisions, "can_answer_revisions": can_answer_revisions}
