"""Committee pages for an institution's admins and coordinators. Each write view: load, authorise,
validate, call one operation (which audits), commit. Anyone else, and any committee of another
institution, gets 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.audit.denials import deny_access
from portal.auth.forms import ConfirmForm
from portal.auth.models import User
from portal.auth.operations import find_user_by_email
from portal.clock import utcnow
from portal.committees import operations as ops
from portal.committees.forms import ROLE_CHOICES, CommitteeForm, DeputyForm, MemberForm, RoleForm, committee_form
from portal.committees.kinds import MemberRole, kind_label
from portal.committees.models import Committee, CommitteeMember
from portal.committees.permissions import can_manage_committee, can_manage_committees
from portal.committees.quorum import QuorumRule, QuorumState, Seat, members_needed, quorum
from portal.extensions import db
from portal.i18n.marks import N_

bp = Blueprint("committees", __name__, url_prefix="/committees")

NAME_TAKEN = N_("Your institution already has a committee with this name. Choose another name.")


@dataclass(frozen=True)
class LiveQuorum:
    voting: int  # voting members (chair and members) whose access has not ended
    needed: int
    everyone: QuorumState  # the quorum if every current member attended and nobody were recused


def live_quorum(committee: Committee, today: date) -> LiveQuorum:
    seats = [Seat(m.user_id, m.votes, m.non_scientist) for m in committee.members if m.active_on(today)]
    rule = QuorumRule(committee.quorum_count, committee.quorum_percent, committee.require_non_scientist)
    voting = sum(1 for s in seats if s.votes)
    everyone = quorum(rule, seats, present={s.user_id for s in seats}, recused=set())
    return LiveQuorum(voting, members_needed(rule, voting), everyone)


def _manager() -> User:
    if not can_manage_committees(current_user):
        abort(404)
    return current_user._get_current_object()


def load_committee(committee_id: int) -> Committee:
    """404 for a committee that does not exist, belongs to another institution, or is not the user's to manage."""
    committee = db.session.get(Committee, committee_id, options=[selectinload(Committee.members)])
    if committee is None:
        abort(404)
    if not can_manage_committee(current_user, committee):
        deny_access(committee)
    return committee


def _member(committee: Committee, member_id: int) -> CommitteeMember:
    member = next((m for m in committee.members if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


def _back(committee: Committee, anchor: str = "#members"):  # noqa: ANN202
    return redirect(url_for("committees.detail", committee_id=committee.id) + anchor)


def _name_taken(institution_id: int, name: str, except_id: int | None = None) -> bool:
    query = select(Committee.id).where(
        Committee.institution_id == institution_id, func.lower(Committee.name) == name.lower()
    )
    if except_id is not None:
        query = query.where(Committee.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def _save(form: CommitteeForm, write: Callable[[], Any], institution_id: int, except_id: int | None = None) -> bool:
    """Run one write and commit it; a taken name or a refusal becomes a field error instead."""
    if _name_taken(institution_id, form.name.data, except_id):
        form.name.errors.append(_(NAME_TAKEN))
        return False
    try:
        write()
        db.session.commit()
    except ops.CommitteeError as refusal:
        db.session.rollback()
        form.quorum_value.errors.append(refusal.translated())
        return False
    except IntegrityError:
        db.session.rollback()
        if not _name_taken(institution_id, form.name.data, except_id):
            raise
        form.name.errors.append(_(NAME_TAKEN))  # created by someone else a moment ago
        return False
    return True


@bp.route("")
@login_required
def index():  # noqa: ANN201
    manager = _manager()
    committees = db.session.scalars(
        select(Committee)
        .where(Committee.institution_id == manager.institution_id)
        .options(selectinload(Committee.members))
        .order_by(Committee.name)
    ).all()
    return render_template("committees/list.html", committees=committees, kind_label=kind_label)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():  # noqa: ANN201
    manager = _manager()
    form = committee_form()
    status = 200
    if form.validate_on_submit():
        created: list[Committee] = []

        def write() -> None:
            settings = form.settings()
            created.append(
                ops.create_committee(institution_id=manager.institution_id, settings=settings, actor=manager)
            )

        if _save(form, write, manager.institution_id):
            flash(_("%(name)s was created. Add its members below.", name=created[0].name), "info")
            return _back(created[0])
    if form.errors:
        status = 400
    return render_template("committees/form.html", form=form, committee=None), status


@bp.route("/<int:committee_id>")
@login_required
def detail(committee_id: int):  # noqa: ANN201
    return _detail(load_committee(committee_id))


def _detail(committee: Committee, member_form: MemberForm | None = None, status: int = 200):  # noqa: ANN202
    today = utcnow().date()
    deputy = next((m for m in committee.members if m.user_id == committee.deputy_id), None)
    return render_template(
        "committees/detail.html",
        committee=committee,
        kind_label=kind_label,
        live=live_quorum(committee, today),
        today=today,
        deputy=deputy,
        chair=next((m for m in committee.members if m.role == MemberRole.CHAIR), None),
        member_form=member_form or MemberForm(formdata=None),
        deputy_form=DeputyForm(formdata=None).offer(committee),
        role_choices=ROLE_CHOICES,
    ), status


@bp.route("/<int:committee_id>/edit", methods=["GET", "POST"])
@login_required
def edit(committee_id: int):  # noqa: ANN201
    committee = load_committee(committee_id)
    form = committee_form(committee)
    status = 200
    if form.validate_on_submit():
        changed: list[str] = []
        if str(form.lock_version.data) != str(committee.lock_version):
            flash(
                _("Someone else changed these settings after you opened this page, so nothing was saved. "
                  "Reload the page to see their changes, then make yours again."),
                "error",
            )
            return render_template("committees/form.html", form=form, committee=committee), 409
        if _save(
            form,
            lambda: changed.extend(ops.update_committee(committee, form.settings(), actor=current_user)),
            committee.institution_id,
            except_id=committee.id,
        ):
            flash(_("Settings saved.") if changed else _("Nothing was changed."), "info")
            return _back(committee, "")
    if form.errors:
        status = 400
    return render_template("committees/form.html", form=form, committee=committee), status


@bp.route("/<int:committee_id>/members", methods=["POST"])
@login_required
def add_member(committee_id: int):  # noqa: ANN201
    committee = load_committee(committee_id)
    form = MemberForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None or not user.is_active:
            form.email.errors.append("No active portal user has this e-mail address.")
        else:
            try:
                ops.add_member(
                    committee,
                    user,
                    role=MemberRole(form.role.data),
                    non_scientist=form.non_scientist.data,
                    external_expert=form.external_expert.data,
                    access_until=form.access_until.data,
                    expertise=form.tags(),
                    actor=current_user,
                )
            except ops.CommitteeError as refusal:
                db.session.rollback()
                flash(refusal.translated(), "error")
            else:
                db.session.commit()
                flash(_("%(name)s joined %(committee)s.", name=user.name, committee=committee.name), "info")
                return _back(committee)
    return _detail(committee, member_form=form, status=400)


@bp.route("/<int:committee_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(committee_id: int, member_id: int):  # noqa: ANN201
    committee = load_committee(committee_id)
    member = _member(committee, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = member.user.name
    ops.remove_member(committee, member, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is no longer a member of %(committee)s.", name=name, committee=committee.name), "info")
    return _back(committee)


@bp.route("/<int:committee_id>/members/<int:member_id>/role", methods=["POST"])
@login_required
def change_role(committee_id: int, member_id: int):  # noqa: ANN201
    committee = load_committee(committee_id)
    member = _member(committee, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose chair, member or alternate."), "error")
        return _back(committee)
    try:
        changed = ops.change_member_role(committee, member, MemberRole(form.role.data), actor=current_user)
    except ops.CommitteeError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        if changed:
            role = _(MemberRole(member.role).label).lower()
            flash(_("%(name)s is now %(role)s.", name=member.user.name, role=role), "info")
    return _back(committee)


@bp.route("/<int:committee_id>/deputy", methods=["POST"])
@login_required
def set_deputy(committee_id: int):  # noqa: ANN201
    committee = load_committee(committee_id)
    form = DeputyForm().offer(committee)
    if not form.validate_on_submit():
        flash(_("Choose a member other than the chair as deputy, or no deputy."), "error")
        return _back(committee, "#deputy-chair")
    member = next((m for m in committee.members if m.id == form.deputy.data), None)
    try:
        ops.set_deputy(committee, member, actor=current_user)
    except ops.CommitteeError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(
            _("%(name)s is now the deputy chair.", name=member.user.name) if member
            else _("The committee has no deputy chair."), "info"
        )
    return _back(committee, "#deputy-chair")
