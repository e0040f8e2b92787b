from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.auth.models import User
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.decisions.queries import clocks_owed
from portal.extensions import db
from portal.meetings.queries import meetings_for
from portal.proposals import queries
from portal.proposals.permissions import INSTITUTION_READERS
from portal.proposals.states import NEXT_STEP, ProposalState
from portal.reviews.queries import my_assignments

bp = Blueprint("home", __name__)


@bp.route("/")
def index():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return redirect(url_for("auth.sign_in"))


@bp.route("/dashboard")
@login_required
def dashboard():  # noqa: ANN201
    """One page, a section per role the user holds."""
    user = current_user._get_current_object()
    context: dict[str, object] = {"Role": Role, "ProposalState": ProposalState, "NEXT_STEP": NEXT_STEP}
    if user.has_role(Role.INVESTIGATOR):
        context["my_proposals"] = queries.my_proposals(user)
    if user.has_role(*INSTITUTION_READERS):
        context["queue"] = queries.institution_queue(user)
    if user.has_role(Role.COORDINATOR, Role.GOVERNANCE, Role.CHAIR):
        context["state_counts"] = queries.institution_state_counts(user)
    if user.has_role(Role.REVIEWER, Role.CHAIR):
        context["my_assignments"] = my_assignments(user)
    if user.has_role(Role.REVIEWER, Role.CHAIR, Role.COORDINATOR):
        context["upcoming_meetings"] = meetings_for(user, upcoming=True, limit=5)
    if user.has_role(Role.INVESTIGATOR, Role.COORDINATOR):
        context["clocks_owed"] = clocks_owed(user, utcnow().date())
    if user.has_role(Role.ADMIN):
        context["pending_accounts"] = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.institution_id == user.institution_id, User.status == AccountStatus.PENDING.value)
        )
    return render_template("home/dashboard.html", **context)
