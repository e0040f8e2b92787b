"""The assignments page of a proposal: who reviews it for each committee it was routed to, and suggestions.
Shown to the coordinators of the institution and the (acting) chair of each routed committee; investigators
never see reviewers' names. Each write view: load, authorise, validate, call one operation, commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.conflicts.queries import proposal_facts
from portal.conflicts.rules import ProposalFacts, conflict_reasons
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Message
from portal.proposals.models import Proposal
from portal.proposals.views import load_proposal
from portal.reviews import operations as ops
from portal.reviews.forms import AssignForm, WithdrawAssignmentForm
from portal.reviews.models import ACTIVE, Assignment
from portal.reviews.permissions import assignable_committees, can_assign
from portal.reviews.queries import active_loads, assignments_for, routed_committees
from portal.reviews.rules import Candidate, Suggestion, default_due_on, suggest, words

bp = Blueprint("reviews", __name__)


@dataclass(frozen=True)
class Panel:
    committee: Committee
    current: list[Assignment]  # active assignments, any version
    suggestions: list[Suggestion]
    excluded: list[tuple[str, list[str]]]  # (name, reasons) of members who may not review this version
    default_due: str


def _panel(
    committee: Committee, proposal: Proposal, rows: list[Assignment], facts: ProposalFacts, loads: dict[int, int]
) -> Panel:
    today = utcnow().date()
    version_id = proposal.versions[-1].id
    mine = [a for a in rows if a.committee_id == committee.id]
    current = [a for a in mine if a.state == ACTIVE]
    taken = {a.reviewer_id: a.state for a in mine if a.version_id == version_id}
    candidates, excluded = [], []
    for member in committee.members:
        if taken.get(member.user_id) == ACTIVE:
            continue
        reasons = conflict_reasons(member.user_id, member.user.department_id, facts)
        if not member.user.is_active:
            reasons.append(Message(N_("account is not active")))
        if not member.active_on(today):
            reasons.append(Message(N_("access ended on %(date)s"), date=member.access_until.isoformat()))
        if member.user_id in taken:
            reasons.append(Message(N_("assignment to this version was withdrawn")))
        if reasons:
            excluded.append((member.user.name, reasons))
        candidates.append(Candidate(member.user_id, member.user.name, frozenset(member.expertise_tags), tuple(reasons)))
    assigned_now = sum(1 for a in current if a.version_id == version_id)
    wanted = committee.reviewers_per_proposal - assigned_now
    expertise_words = words(f"{proposal.title} {proposal.lay_summary}")
    return Panel(
        committee,
        current,
        suggest(candidates, loads, expertise_words, wanted),
        excluded,
        default_due_on(utcnow().date(), committee.review_due_days).isoformat(),
    )


def _page(proposal: Proposal, form: AssignForm, withdraw_form: WithdrawAssignmentForm, status: int = 200):  # noqa: ANN202
    committees = assignable_committees(current_user, proposal, routed_committees(proposal.id))
    rows = assignments_for(proposal.id)
    facts = proposal_facts(proposal)
    loads = active_loads(m.user_id for c in committees for m in c.members)
    panels = [_panel(c, proposal, rows, facts, loads) for c in committees]
    return render_template(
        "reviews/assignments.html", proposal=proposal, panels=panels, form=form, withdraw_form=withdraw_form
    ), status


def _refused(
    proposal: Proposal,
    message: str,
    form: AssignForm | None = None,
    withdraw_form: WithdrawAssignmentForm | None = None,
):  # noqa: ANN202
    db.session.rollback()
    flash(message, "error")
    return _page(
        proposal, form or AssignForm(formdata=None), withdraw_form or WithdrawAssignmentForm(formdata=None), 400
    )


@bp.route("/proposals/<int:proposal_id>/assignments", methods=["GET", "POST"])
@login_required
def assignments(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_assign)
    form = AssignForm()
    if not form.is_submitted():
        return _page(proposal, form, WithdrawAssignmentForm(formdata=None))
    if not form.validate():
        errors = [e for field in form for e in field.errors]
        return _refused(proposal, " ".join(errors) or _("Check the form and try again."), form)
    committees = assignable_committees(current_user, proposal, routed_committees(proposal.id))
    committee = next((c for c in committees if c.id == form.committee_id.data), None)
    member_user = db.session.get(User, form.reviewer_id.data)
    if committee is None:
        return _refused(proposal, _("Choose one of the committees whose reviewers you may assign."), form)
    if member_user is None:
        return _refused(proposal, _("Choose a member of %(committee)s.", committee=committee.name), form)
    try:
        assignment = ops.assign_reviewer(
            proposal, committee, member_user, due_on=form.due_on.data, actor=current_user._get_current_object()
        )
        db.session.commit()
    except PortalError as refusal:
        return _refused(proposal, refusal.translated(), form)
    except IntegrityError:
        return _refused(proposal, _("%(name)s is already assigned to this version.", name=member_user.name), form)
    flash(_("%(name)s will review for %(committee)s, due %(date)s.", name=member_user.name, committee=committee.name,
            date=assignment.due_on.isoformat()), "info")
    return redirect(url_for("reviews.assignments", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/assignments/<int:assignment_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int, assignment_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can_assign)
    assignment = db.session.get(Assignment, assignment_id)
    allowed = {c.id for c in assignable_committees(current_user, proposal, routed_committees(proposal.id))}
    if assignment is None or assignment.proposal_id != proposal.id or assignment.committee_id not in allowed:
        abort(404)
    form = WithdrawAssignmentForm()
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        return _refused(proposal, " ".join(errors) or _("Check the form and try again."), withdraw_form=form)
    try:
        ops.withdraw_assignment(assignment, reason=form.reason.data or "", actor=current_user._get_current_object())
        db.session.commit()
    except PortalError as refusal:
        return _refused(proposal, refusal.translated(), withdraw_form=form)
    flash(_("%(name)s's assignment was withdrawn.", name=assignment.reviewer.name), "info")
    return redirect(url_for("reviews.assignments", proposal_id=proposal.id))


@bp.app_context_processor
def assign_predicate() -> dict[str, object]:
    """For the "Assign reviewers" link on the proposal page."""
    return {"can_assign": can_assign}
