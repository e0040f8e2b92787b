"""The team: portal users (co-investigators, preparers) and named external collaborators."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.forms import ConfirmForm
from portal.auth.operations import find_user_by_email
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals import permissions as can
from portal.proposals.fields import TeamRole
from portal.proposals.forms import CollaboratorForm, MemberForm
from portal.proposals.views import back_to, bp, load_proposal


def _form_errors(form: object) -> str:
    return " ".join(f"{form[name].label.text}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())


@bp.route("/<int:proposal_id>/team", methods=["POST"])
@login_required
def add_member(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_manage_team)
    form = MemberForm()
    if not form.validate_on_submit():
        flash(_form_errors(form) or _("Check the team member's details."), "error")
        return back_to(proposal, "#team")
    user = find_user_by_email(form.email.data)
    if user is None or not user.is_active:
        flash(
            _("No active portal user has this e-mail address. "  # one msgid: adjacent literals are joined
              "Add people without an account as external collaborators."),
            "error",
        )
        return back_to(proposal, "#team")
    try:
        ops.add_member(proposal, user, TeamRole(form.role.data), actor=current_user)
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(_("%(name)s joined the team.", name=user.name), "info")
    return back_to(proposal, "#team")


@bp.route("/<int:proposal_id>/team/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(proposal_id: int, member_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_manage_team)
    member = next((m for m in proposal.members if m.id == member_id), None)
    if member is None or not ConfirmForm().validate_on_submit():
        abort(404)
    ops.remove_member(proposal, member, actor=current_user)
    db.session.commit()
    flash(_("Removed from the team."), "info")
    return back_to(proposal, "#team")


@bp.route("/<int:proposal_id>/collaborators", methods=["POST"])
@login_required
def add_collaborator(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_manage_team)
    form = CollaboratorForm()
    if not form.validate_on_submit():
        flash(_form_errors(form) or _("Check the collaborator's details."), "error")
        return back_to(proposal, "#team")
    ops.add_collaborator(
        proposal, name=form.name.data, affiliation=form.affiliation.data, role=form.role.data or "", actor=current_user
    )
    db.session.commit()
    flash(_("Collaborator added."), "info")
    return back_to(proposal, "#team")


@bp.route("/<int:proposal_id>/collaborators/<int:collaborator_id>/remove", methods=["POST"])
@login_required
def remove_collaborator(proposal_id: int, collaborator_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_manage_team)
    collaborator = next((c for c in proposal.collaborators if c.id == collaborator_id), None)
    if collaborator is None or not ConfirmForm().validate_on_submit():
        abort(404)
    ops.remove_collaborator(proposal, collaborator, actor=current_user)
    db.session.commit()
    flash(_("Collaborator removed."), "info")
    return back_to(proposal, "#team")
