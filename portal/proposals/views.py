"""Proposal pages: create, read, edit, sign and submit, withdraw. Each write view: load, authorise,
validate, call one operation, commit."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.audit.canonical import sha256_hex
from portal.audit.denials import deny_access
from portal.auth.operations import find_user_by_email
from portal.consistency.permissions import can_request_check, can_see_inconsistencies
from portal.consistency.queries import latest_check
from portal.decisions.queries import decisions_for
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals import permissions as can
from portal.proposals.completeness import unanswered_screening_questions
from portal.proposals.display import display_value, missing_items
from portal.proposals.fields import FIELD_BY_NAME, FIELDS, TEAM_ROLE_LABELS
from portal.proposals.forms import (
    AttachmentForm,
    CollaboratorForm,
    MemberForm,
    NewProposalForm,
    ProposalForm,
    SubmitForm,
    WithdrawForm,
)
from portal.proposals.models import Proposal
from portal.proposals.snapshot import latest_snapshot, take_snapshot
from portal.proposals.states import EDIT_STEPS, Step
from portal.reviews.queries import routed_committees
from portal.revisions import operations as revisions
from portal.revisions.queries import open_request, requests_for
from portal.screenings.queries import active_sets_for, screenings_for_version
from portal.signatures.operations import record_refused_signature
from portal.signatures.signing import SignatureRefused

bp = Blueprint("proposals", __name__, url_prefix="/proposals")

Check = Callable[[object, Proposal], bool]


FIELD_LABELS = {name: spec.label for name, spec in FIELD_BY_NAME.items()}


def load_proposal(proposal_id: int, allowed: Check = can.can_view_proposal) -> Proposal:
    """404 for what the user may not see (existence is not revealed); 403 for what they may not do."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    if not can.can_view_proposal(current_user, proposal):
        deny_access(proposal)
    if not allowed(current_user, proposal):
        abort(403)
    return proposal


def back_to(proposal: Proposal, anchor: str = ""):  # noqa: ANN201
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + anchor)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():  # noqa: ANN201
    if not can.can_create_proposal(current_user):
        abort(403)
    form = NewProposalForm()
    if form.validate_on_submit():
        pi = None
        if form.pi_email.data:
            pi = find_user_by_email(form.pi_email.data)
            if pi is None or not pi.is_active:
                form.pi_email.errors.append(_("No active portal user has this e-mail address."))
        if not form.pi_email.errors:
            try:
                proposal = ops.create_proposal(title=form.title.data, actor=current_user, pi=pi)
            except PortalError as refusal:
                form.pi_email.errors.append(refusal.translated())
            else:
                db.session.commit()
                flash(_("Draft created. Fill in the sections below; you can save and come back at any time."), "info")
                return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    return render_template("proposals/new.html", form=form)


@bp.route("/<int:proposal_id>")
@login_required
def detail(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    working = take_snapshot(proposal)
    latest = latest_snapshot(proposal)
    criteria_sets = active_sets_for(proposal.institution_id)
    return render_template(
        "proposals/detail.html",
        proposal=proposal,
        fields=FIELDS,
        display_value=display_value,
        missing=missing_items(working, criteria_sets),
        criteria_sets=criteria_sets,
        unanswered=unanswered_screening_questions(working, criteria_sets),
        screenings=screenings_for_version(proposal.versions[-1].id) if proposal.versions else [],
        versions=proposal.versions,
        unsubmitted_changes=latest is not None
        and sha256_hex(latest) != sha256_hex(working)
        and proposal.state_enum in EDIT_STEPS,
        revision_requests=requests_for(proposal.id) if proposal.version_count else [],
        decisions=decisions_for(proposal.id) if proposal.version_count else [],
        member_form=MemberForm(),
        collaborator_form=CollaboratorForm(),
        attachment_form=AttachmentForm(),
        can=can,
        team_roles=TEAM_ROLE_LABELS,
        **consistency_context(proposal),
    )


def consistency_context(proposal: Proposal) -> dict[str, object]:
    """The possible inconsistencies panel, for those who may see it (never the investigators)."""
    if not proposal.version_count or can.is_on_team(current_user, proposal):
        return {"shows_consistency": False}
    if not can_see_inconsistencies(current_user, proposal, routed_committees(proposal.id)):
        return {"shows_consistency": False}
    return {"shows_consistency": True, "consistency_check": latest_check(proposal.versions[-1].id),
            "can_request_check": can_request_check(current_user, proposal), "field_labels": FIELD_LABELS}


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_edit_proposal)
    form = ProposalForm(obj=proposal)
    if form.validate_on_submit():
        if str(form.lock_version.data) != str(proposal.lock_version):
            flash(
                _("Someone else saved this proposal after you opened it. Your text is below and was not saved: "
                  "copy what you need, reload the page to see their changes, then save again."),
                "error",
            )
            return render_template("proposals/edit.html", proposal=proposal, form=form), 409
        changed = ops.update_proposal(proposal, form.values(), actor=current_user)
        db.session.commit()
        flash(_("Saved.") if changed else _("No changes to save."), "info")
        if request.form.get("then") == "continue":
            return redirect(url_for("proposals.edit", proposal_id=proposal.id))
        return back_to(proposal)
    if form.errors:
        flash(_("Some fields need attention; nothing was saved yet."), "error")
    return render_template("proposals/edit.html", proposal=proposal, form=form), 400 if form.errors else 200


@bp.route("/<int:proposal_id>/submit", methods=["GET", "POST"])
@login_required
def submit(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id)
    if not can.can_submit_proposal(current_user, proposal):
        if can.can_edit_proposal(current_user, proposal):
            flash(_("Only the principal investigator can sign and submit this proposal."), "error")
            return back_to(proposal)
        abort(403)
    form = SubmitForm()
    step = EDIT_STEPS[proposal.state_enum]
    criteria_sets = active_sets_for(proposal.institution_id)
    missing = missing_items(take_snapshot(proposal), criteria_sets)
    pending = open_request(proposal.id) if step is Step.RESUBMIT else None
    if pending is not None and pending.unanswered:
        numbers = ", ".join(str(item.position) for item in pending.unanswered)
        missing.append(_("Answers to the committee's revision request (item %(numbers)s).", numbers=numbers))
    write = revisions.resubmit if step is Step.RESUBMIT else ops.submit_proposal
    if form.validate_on_submit():
        try:
            version = write(
                proposal,
                actor=current_user,
                password=form.password.data,
                printed_name=form.printed_name.data,
                attested=form.attest.data,
                criteria_sets=criteria_sets,
            )
        except SignatureRefused as refusal:
            db.session.rollback()
            record_refused_signature("proposal submission", str(refusal), actor=current_user)
            db.session.commit()
            flash(refusal.translated(), "error")
        except PortalError as refusal:
            db.session.rollback()
            flash(refusal.translated(), "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s was signed and submitted.", number=version.number), "info")
            return back_to(proposal)
    return render_template(
        "proposals/submit.html",
        proposal=proposal,
        form=form,
        missing=missing,
        step=step,
        Step=Step,
        attestation=ops.ATTESTATION,
    )


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):  # noqa: ANN201
    proposal = load_proposal(proposal_id, can.can_withdraw_proposal)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            ops.withdraw_proposal(proposal, reason=form.reason.data, actor=current_user)
        except PortalError as refusal:
            db.session.rollback()
            flash(refusal.translated(), "error")
        else:
            db.session.commit()
            flash(_("The proposal was withdrawn."), "info")
            return back_to(proposal)
    return render_template("proposals/withdraw.html", proposal=proposal, form=form)


@bp.app_context_processor
def upload_limit() -> dict[str, int]:
    return {"upload_limit_mb": current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)}
