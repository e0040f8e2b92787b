"""Signing in and out, changing a password, requesting an account, accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from portal.auth import operations as ops
from portal.auth import sessions
from portal.auth.forms import (
    FOLLOW_BROWSER,
    AcceptInvitationForm,
    AccountRequestForm,
    ChangePasswordForm,
    LanguageForm,
    SignInForm,
)
from portal.auth.models import User
from portal.auth.passwords import verify_password
from portal.auth.redirects import safe_next
from portal.auth.roles import AccountStatus, Role
from portal.extensions import db, limiter, login_manager
from portal.i18n.marks import N_
from portal.institutions.models import Department, Institution

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.enforce)

THROTTLE_MESSAGE = N_(  # the 429 page translates it
    "Too many unsuccessful sign-in attempts. For your security, sign-in is paused for a while; "
    "try again in 15 minutes or ask your administrator for help."
)


# Every signed-in request loads its user: one statement built once, with the roles joined (Session.get and a
# second statement for the roles took twice as long, ~0.5 ms a request; bench.dashboard, B1).
_SIGNED_IN_USER = select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions name the user's session version; bumping it revokes every older cookie."""
    ident, _, version = session_id.partition(".")
    if not (ident.isascii() and ident.isdigit()) or len(ident) > 9:
        return None
    user = db.session.execute(_SIGNED_IN_USER, {"user_id": int(ident)}).unique().scalar_one_or_none()
    if user is None or str(user.session_version) != version or not user.is_active:
        return None
    return user


def _email_key() -> str:
    return "signin:" + ops.normalise_email(request.form.get("email", ""))[:254]


def _sign_in_failed(_response: object) -> bool:
    return bool(g.get("sign_in_failed"))


def _limit(setting: str):  # noqa: ANN202 - limit strings come from configuration
    return lambda: current_app.config[setting]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _limit("LOGIN_THROTTLE"),
    key_func=_email_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message=THROTTLE_MESSAGE,
)
@limiter.limit(
    _limit("LOGIN_THROTTLE_PER_ADDRESS"), methods=["POST"], deduct_when=_sign_in_failed, error_message=THROTTLE_MESSAGE
)
def sign_in():  # noqa: ANN201
    """One response for an unknown address and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        user = ops.find_user_by_email(form.email.data)
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if password_ok and user.status == AccountStatus.ACTIVE:
            next_url = safe_next(request.args.get("next"), url_for("home.dashboard"))
            if user.mfa_enabled:
                sessions.begin_second_factor(user, next_url)
                return redirect(url_for("auth.second_factor"))
            sessions.start(user)
            ops.record_sign_in(user)
            db.session.commit()
            return redirect(next_url)
        if password_ok and user.status == AccountStatus.PENDING:
            return render_template("auth/pending.html", user=user)
        if password_ok and user.status in (AccountStatus.DISABLED, AccountStatus.REFUSED):
            flash(_("This account is not active. Contact an administrator of your institution."), "error")
        else:
            flash(_("The e-mail address or password is not correct."), "error")
        g.sign_in_failed = True
        ops.record_failed_sign_in(form.email.data, user)
        db.session.commit()
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():  # noqa: ANN201
    ops.sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # noqa: ANN201
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Your current password is not correct."))
        else:
            user = current_user._get_current_object()
            ops.change_password(user, form.password.data, actor=user)
            db.session.commit()
            login_user(user)  # this browser keeps working; every other copy of the old cookie does not
            flash(_("Your password has been changed. Other sessions have been signed out."), "info")
            return redirect(url_for("home.dashboard"))
    language_form = LanguageForm(locale=current_user.locale or FOLLOW_BROWSER, formdata=None)
    return render_template("auth/change_password.html", form=form, language_form=language_form)


def affiliation_choices() -> list[SelectChoice]:
    """Departments grouped by institution, rendered as <optgroup>s."""
    institutions = db.session.scalars(select(Institution).order_by(Institution.name)).all()
    return [SelectChoice(f"{i.id}:{d.id}", d.name, optgroup=i.name) for i in institutions for d in i.departments]


@bp.route("/request-account", methods=["GET", "POST"])
def request_account():  # noqa: ANN201
    form = AccountRequestForm()
    form.affiliation.choices = affiliation_choices()
    if form.validate_on_submit():
        institution_id, _, department_id = form.affiliation.data.partition(":")
        department = db.session.get(Department, int(department_id))
        if department is None or str(department.institution_id) != institution_id:
            form.affiliation.errors.append(_("Choose your institution and department from the list."))
        else:
            try:
                ops.request_account(
                    email=form.email.data,
                    name=form.name.data,
                    institution=department.institution,
                    department=department,
                    requested_role=Role(form.requested_role.data),
                    affiliation_statement=form.affiliation_statement.data,
                    password=form.password.data,
                )
            except ops.AccountError as refusal:
                form.email.errors.append(refusal.translated())
            else:
                db.session.commit()
                return render_template("auth/request_received.html", institution=department.institution)
    return render_template("auth/request_account.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):  # noqa: ANN201
    invitation = ops.find_open_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            ops.accept_invitation(invitation, password=form.password.data)
        except ops.AccountError as refusal:
            flash(refusal.translated(), "error")
        else:
            db.session.commit()
            flash(_("Your account is ready. Sign in with your e-mail address and new password."), "info")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
