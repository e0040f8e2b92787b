"""Personal API token pages: the person's tokens, creating one (shown once) and revoking one."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.audit.denials import load_or_deny
from portal.auth import token_operations as token_ops
from portal.auth.api_tokens import SCOPE_LABELS, Scope
from portal.auth.forms import ConfirmForm
from portal.auth.permissions import can_manage_token
from portal.auth.token_forms import ApiTokenForm
from portal.auth.token_models import ApiToken
from portal.auth.token_queries import tokens_for
from portal.auth.views import bp
from portal.extensions import db


def _page(form: ApiTokenForm, status: int = 200):  # noqa: ANN202
    user = current_user._get_current_object()
    page = render_template("auth/api_tokens.html", form=form, tokens=tokens_for(user), labels=SCOPE_LABELS)
    return page, status


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():  # noqa: ANN201
    form = ApiTokenForm()
    if not form.is_submitted():
        return _page(form)
    if form.validate():
        user = current_user._get_current_object()
        try:
            token, text = token_ops.create_token(
                actor=user, name=form.name.data, scopes=form.scopes.data, days=int(form.days.data)
            )
        except token_ops.TokenRefused as refusal:
            form[refusal.field].errors.append(refusal.translated())
        else:
            db.session.commit()
            scopes = [(scope, SCOPE_LABELS[scope]) for scope in Scope if scope in token.scope_set]
            response = make_response(render_template("auth/api_token_created.html", token=token, text=text,
                                                     scopes=scopes))
            response.headers["Cache-Control"] = "no-store"  # the token's only appearance: no cache may keep it
            return response
    return _page(form, 400)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):  # noqa: ANN201
    token = load_or_deny(ApiToken, token_id, can_manage_token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token_ops.revoke_token(token, actor=current_user._get_current_object())
    except token_ops.TokenRefused as refusal:
        flash(refusal.translated(), "error")
    else:
        db.session.commit()
        revoked = _(
            "The token “%(name)s” is revoked. Programs using it can no longer reach the portal.", name=token.name
        )
        flash(revoked, "info")
    return redirect(url_for("auth.api_tokens"))
