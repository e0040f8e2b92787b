"""The signed-in person's language: a small form on the account page, saved on their account."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import operations as ops
from portal.auth.forms import FOLLOW_BROWSER, ChangePasswordForm, LanguageForm
from portal.auth.views import bp
from portal.extensions import db
from portal.i18n.languages import refresh_language


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language():  # noqa: ANN201
    form = LanguageForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        chosen = None if form.locale.data == FOLLOW_BROWSER else form.locale.data
        ops.set_language(user, chosen, actor=user)
        db.session.commit()
        refresh_language()  # this request's messages already in the new language
        flash(_("Your language is saved."), "info")
        return redirect(url_for("auth.change_password"))
    page = render_template("auth/change_password.html", form=ChangePasswordForm(formdata=None), language_form=form)
    return page, 400
