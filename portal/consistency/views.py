"""The one page action of consistency checks: a coordinator's "Check again". The findings are shown on the
proposal page and the review form (templates/consistency/_panel.html), loaded by those pages' views."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.consistency import operations as ops
from portal.consistency.permissions import can_request_check
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals.views import load_proposal

bp = Blueprint("consistency", __name__)


@bp.route("/proposals/<int:proposal_id>/consistency/check", methods=["POST"])
@login_required
def check_again(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_request_check)
    try:
        ops.request_check(proposal, actor=current_user._get_current_object())
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(_("The text of version %(number)s is being checked again; the result shows below when it is ready.",
                number=proposal.version_count), "info")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id, _anchor="consistency"))
