"""Two-step sign-in pages: the code after the password, and setting up an authenticator app."""

from __future__ import annotations

from flask import g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.auth import mfa, sessions
from portal.auth import mfa_operations as mfa_ops
from portal.auth import operations as ops
from portal.auth.forms import EnrolForm, SecondFactorForm
from portal.auth.views import _limit, _sign_in_failed, bp
from portal.extensions import db, limiter
from portal.i18n.marks import N_

CODE_THROTTLE_MESSAGE = N_(  # the 429 page translates it
    "Too many wrong codes. For your security, signing in to this account is paused for 15 minutes. "
    "If you have lost your authenticator app, use a recovery code or ask an administrator to reset it."
)
ENROLMENT_ERRORS = {
    "password": N_("Your password is not correct."),
    "code": N_("That code does not match. Check the time on your phone and try the next code."),
}
_SETUP_SECRET = "mfa_setup_secret"  # noqa: S105 - the session key's name, not a secret


def _pending_account_key() -> str:
    """Throttle per account, not per browser: starting again from the password does not reset the count."""
    pending = session.get("mfa_pending")
    user = str(pending.get("user", "")).partition(".")[0] if isinstance(pending, dict) else ""
    return "mfa:" + user


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(
    _limit("MFA_THROTTLE"),
    key_func=_pending_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message=CODE_THROTTLE_MESSAGE,
)
@limiter.limit(
    _limit("LOGIN_THROTTLE_PER_ADDRESS"),
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message=CODE_THROTTLE_MESSAGE,
)
def second_factor():  # noqa: ANN201
    pending = sessions.pending_second_factor()
    if pending is None:
        session.pop("mfa_pending", None)
        return redirect(url_for("auth.sign_in"))
    user, next_url = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = mfa_ops.check_code(user, form.code.data)
        if method is not None:
            sessions.start(user)
            ops.record_sign_in(user)
            db.session.commit()
            return redirect(next_url)
        db.session.commit()
        g.sign_in_failed = True
        form.code.errors.append(_("That code is not correct, or it has already been used. Wait for the next code."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def mfa_setup():  # noqa: ANN201
    user = current_user._get_current_object()
    if user.mfa_enabled:
        return render_template("auth/mfa_status.html", left=mfa_ops.recovery_codes_left(user))
    secret = session.get(_SETUP_SECRET) or mfa.new_secret()
    # Kept in the signed session cookie (HttpOnly, Secure in production) until confirmed: the person sees it on
    # this page anyway, and an unconfirmed secret never reaches the database.
    session[_SETUP_SECRET] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = mfa_ops.enrol(user, secret, form.code.data, form.password.data)
        except mfa_ops.EnrolmentRefused as refusal:
            db.session.commit()  # the audit event of the failure
            form[refusal.field].errors.append(_(ENROLMENT_ERRORS[refusal.field]))
        else:
            db.session.commit()
            session.pop(_SETUP_SECRET, None)
            login_user(user)  # this browser keeps working; sessions opened with the password alone end
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = mfa.provisioning_uri(secret, user.email)
    return render_template(
        "auth/mfa_setup.html",
        form=form,
        qr=mfa.qr_data_uri(uri),
        key=mfa.grouped(secret),
        required=mfa_ops.must_enrol(user),
    )
