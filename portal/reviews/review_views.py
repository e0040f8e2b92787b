"""The review form of one assignment, and the reviews page of a proposal. A reviewer's page is the reviewer's
alone: anyone else, investigators included, gets 404. Each write view: load, authorise, validate, call one
operation, commit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.conflicts.forms import DeclareConflictForm
from portal.consistency.permissions import can_see_inconsistencies
from portal.consistency.queries import latest_check
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.proposals.models import Proposal
from portal.proposals.views import FIELD_LABELS, load_proposal
from portal.reviews import operations as ops
from portal.reviews.forms import ReviewForm, review_values, values_of
from portal.reviews.models import ACTIVE, Assignment, Recommendation
from portal.reviews.permissions import can_manage_review, can_read_reviews, can_write_review, visible_reviews
from portal.reviews.queries import assignments_with_reviews, previous_review, routed_committees
from portal.reviews.rules import ADVICE, ReviewValues, criterion_items
from portal.reviews.views import bp
from portal.revisions.queries import requests_for
from portal.screenings.queries import screenings_for_version, screenings_for_versions

CHANGED = N_(
    "This review was changed since you opened it (in another window or session). Your text is below and was not "
    "saved: copy what you need, reload the page to see the saved review, then save again."
)


def load_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    load_proposal(assignment.proposal_id)  # 404 and an audit event for those who may not see the proposal
    if not can_write_review(current_user, assignment):
        abort(404)  # the page's existence is not revealed, to investigators least of all
    return assignment


def _form_page(
    assignment: Assignment,
    form: ReviewForm,
    values: ReviewValues,
    problems: dict[str, str] | None = None,
    status: int = 200,
    prefilled_from: int | None = None,
    conflict_form: DeclareConflictForm | None = None,
):  # noqa: ANN202
    proposal = assignment.proposal
    items = criterion_items(screenings_for_version(assignment.version_id))
    review = assignment.review
    reviewed = previous_review(assignment)
    answered = [r for r in requests_for(proposal.id) if r.answered_version_id == assignment.version_id]
    return render_template(
        "reviews/review_form.html",
        assignment=assignment,
        proposal=proposal,
        items=items,
        form=form,
        values=values,
        problems=problems or {},
        # Criteria to show unfolded: those with a problem, and those the reviewer disagrees on.
        opened={
            item.key
            for item in items
            if any(k.endswith(item.key) for k in problems or {})
            or getattr(values.assessments.get(item.key), "agree", None) is False
        },
        review=review,
        editable=review is None or not review.submitted,
        latest=proposal.versions[-1],
        reviewed_version=reviewed.version if reviewed else None,
        prefilled_from=prefilled_from,
        answered_requests=answered,
        ADVICE=ADVICE,
        Recommendation=Recommendation,
        conflict_form=conflict_form or DeclareConflictForm(formdata=None),
        # The reviewer may read it (portal.consistency.permissions: the routed committees' members); saving the
        # review records the check shown (reviews.operations.save_review).
        consistency_check=latest_check(assignment.version_id)
        if can_see_inconsistencies(current_user, proposal, routed_committees(proposal.id)) else None,
        field_labels=FIELD_LABELS,
    ), status


def current_review_page(assignment: Assignment, *, conflict_form: DeclareConflictForm, status: int):  # noqa: ANN201
    """The review form as saved, for a refusal met elsewhere on the page (the conflict declaration)."""
    review = assignment.review
    form = ReviewForm(formdata=None, lock_version=review.lock_version if review else "")
    items = criterion_items(screenings_for_version(assignment.version_id))
    return _form_page(assignment, form, values_of(review, items), status=status, conflict_form=conflict_form)


@bp.route("/assignments/<int:assignment_id>/review", methods=["GET", "POST"])
@login_required
def review_form(assignment_id: int):  # noqa: ANN201
    assignment = load_assignment(assignment_id)
    items = criterion_items(screenings_for_version(assignment.version_id))
    if request.method == "GET":
        review = assignment.review
        prefilled_from = None
        if review is None:
            earlier = previous_review(assignment)
            review, prefilled_from = earlier, (earlier.version.number if earlier else None)
        form = ReviewForm(formdata=None, lock_version=assignment.review.lock_version if assignment.review else "")
        return _form_page(assignment, form, values_of(review, items), prefilled_from=prefilled_from)
    form = ReviewForm()
    values = review_values(request.form, items)
    if not form.validate():
        flash(" ".join(e for field in form for e in field.errors) or _("Check the form and try again."), "error")
        return _form_page(assignment, form, values, status=400)
    opened = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
    submit = request.form.get("action") == "submit"
    try:
        actor = current_user._get_current_object()
        ops.save_review(assignment, items, values, opened_lock=opened, submit=submit, actor=actor)
        db.session.commit()
    except ops.ReviewIncomplete as incomplete:
        db.session.rollback()
        flash(incomplete.translated(), "error")
        return _form_page(assignment, form, values, incomplete.problems, status=400)
    except (ops.ReviewChanged, StaleDataError, IntegrityError):
        db.session.rollback()
        flash(_(CHANGED), "error")
        return _form_page(assignment, form, values, status=409)
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _form_page(assignment, form, values, status=409)
    if submit:
        flash(
            _("Your review was submitted to the committee. Nothing goes to the investigators unless a revision "
              "request includes it."),
            "info",
        )
        return redirect(url_for("reviews.proposal_reviews", proposal_id=assignment.proposal_id))
    flash(_("Draft saved. Only you can see it until you submit it."), "info")
    return redirect(url_for("reviews.review_form", assignment_id=assignment.id))


def _reviews_page(proposal: Proposal, status: int = 200):  # noqa: ANN202
    routed = routed_committees(proposal.id)
    # A proposal withdrawn before it was ever submitted has no version, so nothing to review: 404, not a 500.
    if not proposal.versions or not can_read_reviews(current_user, proposal, routed):
        abort(404)
    assignments = assignments_with_reviews(proposal.id)
    reviews = [a.review for a in assignments if a.review is not None]
    shown = {r.id for r in visible_reviews(current_user, proposal, routed, reviews)}
    latest = proposal.versions[-1]
    current = [a for a in assignments if a.state == ACTIVE and a.version_id == latest.id]
    mine = next((a for a in current if a.reviewer_id == current_user.id), None)
    versions = sorted({a.version_id for a in assignments if a.review is not None and a.review.id in shown})
    return render_template(
        "reviews/reviews.html",
        proposal=proposal,
        latest=latest,
        committees=routed,
        current=current,
        earlier=[a for a in assignments if a.version_id != latest.id and a.review and a.review.id in shown],
        shown=shown,
        mine=mine,
        items_by_version={v: criterion_items(r) for v, r in screenings_for_versions(versions).items()},
        manage=can_manage_review(current_user, proposal),
        ADVICE=ADVICE,
    ), status


@bp.route("/proposals/<int:proposal_id>/reviews")
@login_required
def proposal_reviews(proposal_id: int):  # noqa: ANN201
    return _reviews_page(load_proposal(proposal_id))


@bp.route("/proposals/<int:proposal_id>/reviews/complete", methods=["POST"])
@login_required
def complete(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_manage_review)
    form = ReviewForm()
    if not form.validate():
        abort(400)
    try:
        ops.complete_review(proposal, actor=current_user._get_current_object())
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _reviews_page(proposal, status=409)
    flash(_("The review is complete: the proposal now awaits the committee's decision."), "info")
    return redirect(url_for("reviews.proposal_reviews", proposal_id=proposal.id))


@bp.app_context_processor
def review_links() -> dict[str, object]:
    """For the proposal page: the reviews link, and the reviewer's own assignment."""

    def may_read_reviews(user: object, proposal: Proposal) -> bool:
        return can_read_reviews(user, proposal, routed_committees(proposal.id))

    def my_assignment(user: object, proposal: Proposal) -> Assignment | None:
        latest = proposal.versions[-1].id if proposal.versions else None
        return next(
            (
                a
                for a in getattr(proposal, "review_assignments", ())
                if a.reviewer_id == getattr(user, "id", None) and a.state == ACTIVE and a.version_id == latest
            ),
            None,
        )

    return {"may_read_reviews": may_read_reviews, "my_assignment": my_assignment}
