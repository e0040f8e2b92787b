"""Forgot password: one answer for every address, a single-use expiring link only for an existing account."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import reset_operations as resets
from portal.auth.forms import ForgotPasswordForm, ResetPasswordForm
from portal.auth.operations import AccountError, normalise_email
from portal.auth.views import _limit, bp
from portal.extensions import db, limiter

# Until e-mail is sent (issue 11), the message a person would receive is written here, for the operator to pass on.
outbox = logging.getLogger("portal.outbox")


def _address_key() -> str:
    return "reset:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_limit("PASSWORD_RESET_THROTTLE"), key_func=_address_key, methods=["POST"])
@limiter.limit(_limit("LOGIN_THROTTLE_PER_ADDRESS"), methods=["POST"])
def forgot_password():  # noqa: ANN201
    """The same page, status and work whether or not the address has an account (no enumeration)."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
        made = resets.request_reset(form.email.data, minutes=minutes)
        db.session.commit()
        if made is not None:
            user, token = made
            _send_link(user.email, url_for("auth.reset_password", token=token, _external=True), minutes)
        return render_template("auth/reset_requested.html", minutes=minutes)
    return render_template("auth/forgot_password.html", form=form)


def _send_link(email: str, link: str, minutes: int) -> None:
    outbox.info("To %s: reset your portal password within %d minutes at %s", email, minutes, link)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):  # noqa: ANN201
    reset = resets.find_open_reset(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    form.account_email = reset.user.email
    if form.validate_on_submit():
        try:
            resets.complete_reset(reset, form.password.data)
        except AccountError as refusal:
            db.session.rollback()
            flash(refusal.translated(), "error")
            return redirect(url_for("auth.forgot_password"))
        db.session.commit()
        flash(_("Your password has been changed and every session of your account has ended. Sign in again."), "info")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)
