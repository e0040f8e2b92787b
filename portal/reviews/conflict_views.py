"""A reviewer declares a conflict of interest with the proposal of their assignment and steps back from it.
Load, authorise (the assigned reviewer's own page, as the review form), validate, one operation, commit."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.conflicts.forms import DeclareConflictForm
from portal.errors import PortalError
from portal.extensions import db
from portal.reviews import operations as ops
from portal.reviews.review_views import current_review_page, load_assignment
from portal.reviews.views import bp


@bp.route("/assignments/<int:assignment_id>/conflict", methods=["POST"])
@login_required
def declare_conflict(assignment_id: int):  # noqa: ANN201
    assignment = load_assignment(assignment_id)
    form = DeclareConflictForm()
    if not form.validate():
        flash(" ".join(form.reason.errors) or _("Check the form and try again."), "error")
        return current_review_page(assignment, conflict_form=form, status=400)
    try:
        ops.declare_own_conflict(assignment, reason=form.reason.data, actor=current_user._get_current_object())
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return current_review_page(assignment, conflict_form=form, status=409)
    flash(_("You declared a conflict of interest and were taken off this review. The proposal and its reviews are "
            "no longer shown to you; the coordinator will assign someone else."), "info")
    return redirect(url_for("home.dashboard"))

