from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from portal.admin.forms import RecordLanguageForm
from portal.audit.denials import deny_access
from portal.auth import mfa_operations as mfa_ops
from portal.auth import operations as ops
from portal.auth.forms import ApproveAccountForm, ConfirmForm, InvitationForm, RefuseAccountForm
from portal.auth.models import User
from portal.auth.permissions import can_administer_accounts, can_administer_user
from portal.auth.roles import AccountStatus, Role
from portal.extensions import db
from portal.i18n.languages import LANGUAGES
from portal.institutions import operations as institution_ops
from portal.institutions.models import Department

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _require_admin() -> User:
    if not can_administer_accounts(current_user):
        abort(404)
    return current_user._get_current_object()


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not can_administer_user(current_user, user):
        deny_access(user)
    return user


@bp.route("/accounts")
@login_required
def accounts():  # noqa: ANN201
    """Pending requests first, then everyone at the institution."""
    return _accounts_page(_require_admin())


def _accounts_page(admin: User, language_form: RecordLanguageForm | None = None) -> str:
    people = db.session.scalars(
        select(User)
        .where(User.institution_id == admin.institution_id)
        .options(selectinload(User.department))  # every row shows its department
        .order_by(User.name)
    ).all()
    pending = [u for u in people if u.status == AccountStatus.PENDING]
    approve_form = ApproveAccountForm()
    return render_template(
        "admin/accounts.html",
        pending=pending,
        people=people,
        approve_form=approve_form,
        refuse_form=RefuseAccountForm(),
        confirm_form=ConfirmForm(),
        language_form=language_form
        or RecordLanguageForm(record_language=admin.institution.record_language, formdata=None),
    )


@bp.route("/accounts/<int:user_id>/approve", methods=["POST"])
@login_required
def approve(user_id: int):  # noqa: ANN201
    user = _account(user_id)
    form = ApproveAccountForm()
    if not form.validate_on_submit():
        flash(_("Choose at least one role to grant."), "error")
        return redirect(url_for("admin.accounts"))
    try:
        ops.approve_account(user, roles=[Role(r) for r in form.roles.data], actor=current_user)
    except ops.AccountError as refusal:
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(_("%(name)s can now sign in.", name=user.name), "info")
    return redirect(url_for("admin.accounts"))


@bp.route("/accounts/<int:user_id>/refuse", methods=["POST"])
@login_required
def refuse(user_id: int):  # noqa: ANN201
    user = _account(user_id)
    form = RefuseAccountForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for refusing the request."), "error")
        return redirect(url_for("admin.accounts"))
    try:
        ops.refuse_account(user, reason=form.reason.data, actor=current_user)
    except ops.AccountError as refusal:
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(_("The request from %(name)s was refused.", name=user.name), "info")
    return redirect(url_for("admin.accounts"))


@bp.route("/accounts/<int:user_id>/<any(disable, enable):change>", methods=["POST"])
@login_required
def disable(user_id: int, change: str):  # noqa: ANN201
    user = _account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
    elif user.status not in (AccountStatus.ACTIVE, AccountStatus.DISABLED):
        flash(_("Only active or disabled accounts can be changed here."), "error")
    else:
        ops.set_account_disabled(user, change == "disable", actor=current_user)
        db.session.commit()
        flash(_("%(name)s is now disabled.", name=user.name) if change == "disable"
              else _("%(name)s is now active.", name=user.name), "info")
    return redirect(url_for("admin.accounts"))


@bp.route("/accounts/<int:user_id>/two-step/reset", methods=["POST"])
@login_required
def reset_mfa(user_id: int):  # noqa: ANN201
    """For a person who lost their authenticator and their recovery codes; they set it up again at next sign-in."""
    user = _account(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        mfa_ops.reset(user, actor=current_user._get_current_object())
    except mfa_ops.MfaError as refusal:
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        flash(_("Two-step sign-in of %(name)s was reset and their sessions ended.", name=user.name), "info")
    return redirect(url_for("admin.accounts"))


@bp.route("/institution/staff-two-step/<any(require, relax):change>", methods=["POST"])
@login_required
def staff_mfa(change: str):  # noqa: ANN201
    """Chairs, coordinators and administrators must use two-step sign-in, or need not; applies at their next request."""
    admin = _require_admin()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mfa_ops.set_staff_requirement(admin.institution, change == "require", actor=admin)
    db.session.commit()
    if change == "require":
        flash(_("Two-step sign-in is now required for chairs, coordinators and administrators."), "info")
    else:
        flash(_("Two-step sign-in is now optional for every role."), "info")
    return redirect(url_for("admin.accounts"))


@bp.route("/institution/record-language", methods=["POST"])
@login_required
def record_language():  # noqa: ANN201
    """The language decision records are printed in, for every record of the institution made from now on."""
    admin = _require_admin()
    form = RecordLanguageForm()
    if form.validate_on_submit():
        try:
            institution_ops.set_record_language(admin.institution, form.record_language.data, actor=admin)
        except institution_ops.InstitutionError as refusal:
            form.record_language.errors.append(refusal.translated())
        else:
            db.session.commit()
            flash(_("Decision records are now printed in %(language)s.",
                    language=LANGUAGES[form.record_language.data]), "info")
            return redirect(url_for("admin.accounts"))
    return _accounts_page(admin, form), 400


@bp.route("/invitations/new", methods=["GET", "POST"])
@login_required
def invite():  # noqa: ANN201
    admin = _require_admin()
    form = InvitationForm()
    departments = db.session.scalars(
        select(Department).where(Department.institution_id == admin.institution_id).order_by(Department.name)
    ).all()
    form.department.choices = [SelectChoice(0, "No department")] + [SelectChoice(d.id, d.name) for d in departments]
    if form.validate_on_submit():
        department = next((d for d in departments if d.id == form.department.data), None)
        try:
            invitation, token = ops.create_invitation(
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                department=department,
                days=int(current_app.config["INVITATION_DAYS"]),
                actor=admin,
            )
        except ops.AccountError as refusal:
            form.email.errors.append(refusal.translated())
        else:
            db.session.commit()
            link = url_for("auth.accept_invitation", token=token, _external=True)
            return render_template("admin/invitation_created.html", invitation=invitation, link=link)
    return render_template("admin/invite.html", form=form)
